/**
 * The autopilot's law: from what the ENT's pages take (pupils' timings, the probe) decide the room's seats
 * and admissions per minute, within the operator's bounds. Pure like the scheduler:
 * `decide(state, input, bounds) → { state, action, reason }`; no timers, no I/O, so the server, the
 * simulator and the tests run the very same decisions. Why this shape (a target-latency gradient with
 * additive-at-least steps and a multiplicative cut, judged only on evidence gathered after each change):
 * docs/autopilot.md.
 */
import type { SignalSummary } from './samples.js';

export interface AutopilotBounds {
  /** p95 server time the ENT's pages should stay under. */
  targetMs: number;
  minCapacity: number;
  maxCapacity: number;
  minAdmitPerMinute: number;
  maxAdmitPerMinute: number;
}

export interface LawState {
  capacity: number;
  admitPerMinute: number;
  /** The law only believes evidence gathered from here on: after its last change took effect. */
  evidenceFrom: number;
  /** When the seats or the rate last moved. */
  changedAt: number;
}

export interface LawInput {
  now: number;
  /** Summaries of evidence since `state.evidenceFrom`; undefined when the source is not set up. */
  pupils?: SignalSummary;
  probe?: SignalSummary;
  waiting: number;
  /** Seats held now. */
  active: number;
  /**
   * Admissions per minute lately, measured over a short window (10 s): does the rate bind? A sliding
   * minute would lag each increase by most of a minute (measured: one step every ~40 s instead of 8 s).
   */
  admittingPerMinute: number;
}

export const LawAction = { UP: 'up', CUT: 'cut', HOLD: 'hold' } as const;
export type LawAction = (typeof LawAction)[keyof typeof LawAction];

export interface LawDecision {
  state: LawState;
  action: LawAction;
  /** One short phrase for the log line and the metric label. */
  reason: string;
  /** The worst p95 among the sources that had enough evidence (0 when none). */
  observedP95Ms: number;
}

export type LawTuning = Record<
  | 'minPupilSamples' | 'minProbeSamples' | 'errorShareLimit' | 'timeoutShareLimit' | 'hardBreach' | 'holdBand'
  | 'maxUpStep' | 'upEveryMs' | 'minCutFactor' | 'maxCutFactor' | 'busyShare',
  number
>;

export const LAW_TUNING: Readonly<LawTuning> = {
  /**
   * Below this weight a source is noise. A p95 of 8 answers is their maximum: on the model, 8-answer p95s
   * read 1.2–1.6 s while the true p95 was 0.85 s, and every such reading cut the seats. 20 answers (5 s of
   * probe) bring the false breaches near the target to about one in ten windows; the hold band does the rest.
   */
  minPupilSamples: 30,
  minProbeSamples: 20,
  /** More than 5 % failed pages is a breach whatever the latency (CrowdHandler's Autotune trips at 2 % > 5 s). */
  errorShareLimit: 0.05,
  /** Two probe timeouts in twenty is a saturated ENT. */
  timeoutShareLimit: 0.1,
  /** A p95 this far over the target is a breach on the minimum evidence; closer needs twice as much. */
  hardBreach: 1.3,
  /** Ramp only while p95 < 85 % of the target: the last 15 % is the band where the law holds still. */
  holdBand: 0.85,
  /** At most +12 % per step, far from the target; less as p95 nears it (the gradient). */
  maxUpStep: 0.12,
  /** Wait this long after a change before the next increase: new pupils must log in and load pages. */
  upEveryMs: 8_000,
  /**
   * A latency cut keeps target/p95 of the load, between half and 97 %; errors or timeouts halve it. The cut
   * is proportional to the overshoot (the gradient): with a fixed 10 % cut, readings 0.4 % over the target
   * (noise of a 40-page p95) held the model's room at 1 800 seats where its knee is 2 500.
   */
  minCutFactor: 0.5,
  maxCutFactor: 0.97,
  /** Seats count as in use above this share: raising an unused limit would be ramping up blind. */
  busyShare: 0.8,
};

type Tuning = Readonly<LawTuning>;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

interface Verdict {
  present: boolean;
  breach?: 'latency' | 'errors' | 'timeouts';
  p95Ms: number;
}

function judge(signal: SignalSummary | undefined, minSamples: number, bounds: AutopilotBounds, tuning: Tuning): Verdict {
  if (!signal || signal.samples < minSamples) return { present: false, p95Ms: 0 };
  if (signal.timeoutShare > tuning.timeoutShareLimit) return { present: true, breach: 'timeouts', p95Ms: signal.p95Ms };
  if (signal.errorShare > tuning.errorShareLimit) return { present: true, breach: 'errors', p95Ms: signal.p95Ms };
  // Just over the target, a p95 of a few dozen pages is within its own noise (±15 % at 40 pages): believe
  // it only on twice the evidence; far over it (×1.3) at once.
  const sure = signal.samples >= 2 * minSamples || signal.p95Ms > bounds.targetMs * tuning.hardBreach;
  if (signal.p95Ms > bounds.targetMs && sure) return { present: true, breach: 'latency', p95Ms: signal.p95Ms };
  return { present: true, p95Ms: signal.p95Ms };
}

/** The operator's bounds win over any state (a manual change moves the bounds, not the law). */
export function withinBounds(state: LawState, bounds: AutopilotBounds): LawState {
  return {
    ...state,
    capacity: Math.round(clamp(state.capacity, bounds.minCapacity, bounds.maxCapacity)),
    admitPerMinute: Math.round(clamp(state.admitPerMinute, bounds.minAdmitPerMinute, bounds.maxAdmitPerMinute)),
  };
}

export function decide(previous: LawState, input: LawInput, bounds: AutopilotBounds, tuning: Tuning = LAW_TUNING): LawDecision {
  const state = withinBounds(previous, bounds);
  const { now } = input;
  const pupils = judge(input.pupils, tuning.minPupilSamples, bounds, tuning);
  const probe = judge(input.probe, tuning.minProbeSamples, bounds, tuning);
  const observedP95Ms = Math.max(pupils.p95Ms, probe.p95Ms);
  const hold = (reason: string, next: LawState = state): LawDecision => ({ state: next, action: LawAction.HOLD, reason, observedP95Ms });

  // A cut takes effect only once the seats it removed have emptied: until then admissions are already
  // zero, and the slow pages still come from the sessions above the new limit. Cutting again on them
  // would throw the room to its floor (measured on the model: 2 650 → 90 seats after a node loss).
  if (input.active > state.capacity) return hold('draining', { ...state, evidenceFrom: now });

  const breach = probe.breach ?? pupils.breach;
  if (breach) {
    const factor =
      breach === 'latency' ? clamp(bounds.targetMs / Math.max(1, observedP95Ms), tuning.minCutFactor, tuning.maxCutFactor) : tuning.minCutFactor;
    const load = Math.min(state.capacity, Math.max(input.active, 1));
    const next = withinBounds(
      { capacity: Math.floor(load * factor), admitPerMinute: Math.floor(state.admitPerMinute * factor), evidenceFrom: now, changedAt: now },
      bounds,
    );
    if (next.capacity === state.capacity && next.admitPerMinute === state.admitPerMinute) return hold(`${breach} at the floor`);
    return { state: next, action: LawAction.CUT, reason: breach, observedP95Ms };
  }

  if (!pupils.present && !probe.present) return hold('too few samples');
  if (input.probe && !probe.present) return hold('probe silent');
  if (input.waiting <= 0) return hold('no line');
  if (now - state.changedAt < tuning.upEveryMs) return hold('settling');
  if (observedP95Ms > bounds.targetMs * tuning.holdBand) return hold('near target');

  const seatsBusy = input.active >= state.capacity * tuning.busyShare;
  const rateBinds = input.admittingPerMinute >= state.admitPerMinute * tuning.busyShare;
  if (!seatsBusy && !rateBinds) return hold('limits not reached');

  // The gradient: the step shrinks as p95 nears the hold band, so the law approaches the knee slowly.
  const headroom = 1 - observedP95Ms / (bounds.targetMs * tuning.holdBand);
  const step = tuning.maxUpStep * clamp(headroom * 2, 0.25, 1);
  const grow = (value: number): number => Math.max(value + 1, Math.round(value * (1 + step)));
  const next = withinBounds(
    {
      capacity: seatsBusy ? grow(state.capacity) : state.capacity,
      admitPerMinute: rateBinds ? grow(state.admitPerMinute) : state.admitPerMinute,
      evidenceFrom: now,
      changedAt: now,
    },
    bounds,
  );
  if (next.capacity === state.capacity && next.admitPerMinute === state.admitPerMinute) return hold('at the ceiling');
  return { state: next, action: LawAction.UP, reason: seatsBusy ? 'headroom, seats full' : 'headroom, rate binds', observedP95Ms };
}
