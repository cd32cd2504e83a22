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
  /**
   * Sessions above the seats were draining at the last tick. The evidence then was the drain's own
   * overload (the ENT's wait p95 1–2 s on the real slow ENT at 80 sessions for 51 seats): once drained,
   * the law restarts its evidence rather than cut the new seats again on it (measured: 51 → 25 seats).
   */
  draining?: boolean;
  /** When the last drain ended: admissions measured over it include the drain's idle seconds. */
  drainedAt?: number;
  /**
   * The seats before the last increase (a step up, "seats unused" reopening a step above the sessions, or
   * "drained enough" stopping a cut's drain at the sessions held), until evidence gathered with the new
   * seats full reads at or under the target. A breach before then was caused by the increase, not by the
   * seats below it: the cut goes back to them, not under. Kept by that cut, so the drain that follows runs
   * its course; cleared when a drain completes.
   */
  upFrom?: number;
  /** Since when the sessions have filled the seats (`seatsBusyShare`), without a break; unset while they do not. */
  fullSince?: number;
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
  /**
   * Admissions over the last minute, as the store's sliding minute counts them. A rate under this count
   * admits nobody until the minute slides by, then lets the backlog in at once; the law never sets the rate
   * under it (unless the operator's ceiling does). Undefined: not measured, no such floor.
   */
  admittedLastMinute?: number;
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
  | 'maxUpStep' | 'upEveryMs' | 'minCutFactor' | 'maxCutFactor' | 'busyShare' | 'seatsBusyShare' | 'spareRate' | 'drainEvidenceMs' | 'rateWindowMs' | 'farShare' | 'unusedSeats'
  | 'stepStandsAfterMs',
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
  /**
   * Ramp only while p95 < 70 % of the target: the last 30 % is the band where the law holds still, about
   * twice the noise of the probe's p95 over one step (20–40 pages read ±15 %). With an 85 % band, readings
   * of 843 ms while the true p95 was 1 000 ms kept ramping the model past its knee (358 s over target).
   * Over 10 modelled mornings (5 seeds, node lost at 8:05 or 8:20), seconds over target outside the node
   * loss: 56 at 80 %, 29 at 75 %, 11 at 70 %, 8 at 60 %; last pupil in 49.6, 49.0, 49.5, 50.0 min.
   */
  holdBand: 0.7,
  /**
   * At most +25 % per step, far from the target (an idle ENT at opening: 60 → 190 admissions a minute in
   * 6 steps, where +12 % took 11 and missed the 120 s), shrinking as p95 nears the hold band.
   */
  maxUpStep: 0.25,
  /** Wait this long after a change before the next increase: new pupils must log in and load pages. */
  upEveryMs: 8_000,
  /**
   * Under half the target the ENT is far from its knee (a single queue's p95 = base/(1 − ρ) only doubles
   * its idle value at ρ = 0.5; the model's idle p95 is 23 % of a 1-s target), so the next step needs only
   * its evidence, not 8 s. Over the 10 mornings: reach 80 % of the oracle in 56 s (66–70 s at 30 %), mean
   * 124 s over target (143 s at 30 %), failed pages ≤ 0.26 % (0.64 %).
   */
  farShare: 0.5,
  /**
   * A latency cut keeps ∛(target/p95) of the load, between half and 97 %, and so does a cut on timeouts or
   * on slow errors (their p95 over the target); fast errors halve it. The cut grows with the overshoot
   * (the gradient): with a fixed 10 % cut, readings 0.4 % over the target
   * (noise of a 40-page p95) held the model's room at 1 800 seats where its knee is 2 500. Not target/p95
   * itself: near the knee a crowd's wait falls much faster than its size (a closed crowd's page time is
   * N·D/M − think past the knee; an open queue's p95 ∝ 1/(1 − ρ)), so 843 ms against 500 on the real slow ENT
   * cut 45 sessions to 26 (its knee 48). Nor √: once drained after the node loss, 51 seats read 1 196 ms
   * and √ kept 32, under the halved ENT's band (33–65; ∛ keeps 38). Over the 10 modelled mornings ∛ costs
   * 134 s over target on average against √'s 128 (outside the node loss 2 s either way; failed ≤ 0.51 %).
   */
  minCutFactor: 0.5,
  maxCutFactor: 0.97,
  /** The rate counts as in use when admissions reach this share of it. */
  busyShare: 0.8,
  /**
   * Seats count as in use above this share: raising an unused limit would be ramping up blind. At 80 %
   * the seats ran a quarter ahead of the sessions, and filling that gap at once overshot the knee.
   */
  seatsBusyShare: 0.95,
  /**
   * While the seats bind, the rate is kept at most this multiple of the admissions it lets through: an
   * unused rate is a login burst waiting for the next seats (a login costs 4 pages; 800/min left over from
   * the opening filled each +3 % of seats in 8 s, +27 % of the model ENT's load, and overshot the knee).
   */
  spareRate: 1.5,
  /** While seats drain after a cut, the law judges the ENT on this much recent evidence. */
  drainEvidenceMs: 10_000,
  /**
   * The window `admittingPerMinute` is measured over (the runner's 10 s). Until it is clear of a drain, the
   * admissions it reads were held back by the seats, not left unused: on the real slow ENT, 10 s of near-zero
   * admissions at a drain's end trimmed 237/min to 91 with 200 in the store's minute and 88 seats stood empty.
   */
  rateWindowMs: 10_000,
  /**
   * Seats this many times the sessions, while the store's full minute keeps the line out, come down to one
   * step above the sessions (below). The modelled ENT never goes past 1.3 (its stalls are short: sessions
   * last minutes); trimming there at 1.25 cost its morning 163 s over target instead of 140 (0.41 % failed pages
   * instead of 0.19 %).
   */
  unusedSeats: 1.5,
  /**
   * An increase stands (a later breach no longer goes back to the seats before it) once the evidence reads
   * at or under the target with the new seats full this long: 5 s, the probe's minimum evidence. Judged
   * before they filled, it said nothing of their logins: on the real slow ENT 59 seats over 47 sessions
   * read 43 ms while filling, then their logins brought errors and the 59 were halved to 29 (band 33–65).
   */
  stepStandsAfterMs: 5_000,
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
  const { now } = input;
  const bounded = withinBounds(previous, bounds);
  const state: LawState = { ...bounded, fullSince: input.active >= bounded.capacity * tuning.seatsBusyShare ? (previous.fullSince ?? now) : undefined };
  const pupils = judge(input.pupils, tuning.minPupilSamples, bounds, tuning);
  const probe = judge(input.probe, tuning.minProbeSamples, bounds, tuning);
  const observedP95Ms = Math.max(pupils.p95Ms, probe.p95Ms);
  const hold = (reason: string, next: LawState = state): LawDecision => ({ state: next, action: LawAction.HOLD, reason, observedP95Ms });
  // Seats are the lever; the rate only paces logins into seats that open. A rate cut under what the store's
  // minute already holds stopped admissions with seats open and 260 waiting (real slow ENT: 88 seats, 0
  // active for 10 s), then the minute's slide let 47 logins in within 3 s, a breach that halved the seats.
  const keepPace = (rate: number): number => Math.max(rate, Math.min(state.admitPerMinute, input.admittedLastMinute ?? 0));

  // A cut takes effect only once the seats it removed have emptied: until then admissions are already
  // zero, and the slow pages still come from the sessions above the new limit. Cutting again on them
  // would throw the room to its floor (measured on the model: 2 650 → 90 seats after a node loss). But
  // a halving overshoots (the node-loss cut went to 883 seats where the halved ENT takes 1 250–1 540): once
  // recent evidence shows the ENT coping with the sessions it has, the seats stop at those sessions and
  // admissions resume with the departures, instead of idling the ENT for 2 minutes more of drain.
  if (input.active > state.capacity) {
    const recent = { ...state, evidenceFrom: Math.max(state.evidenceFrom, now - tuning.drainEvidenceMs) };
    const coping = (pupils.present || probe.present) && !(input.probe && !probe.present) && !pupils.breach && !probe.breach;
    // Sure on the probe when there is one: the pupils' trimmed p95 reads low (their p85), and 60 of their
    // reports came in 3 s, so they said "coping" at a true 905 ms and the logins pushed it to 1 800 ms.
    const sure = input.probe ? input.probe.samples >= 2 * tuning.minProbeSamples : (input.pupils?.samples ?? 0) >= 2 * tuning.minPupilSamples;
    // Not after going back on an increase (upFrom): resuming early overshot once, the drain runs its course.
    if (state.upFrom !== undefined || !coping || !sure || observedP95Ms >= bounds.targetMs * tuning.holdBand || input.waiting <= 0) return hold('draining', { ...recent, draining: true });
    // The ENT copes with the sessions, not yet with their logins on top (4 pages each): half the rate.
    const admitPerMinute = keepPace(Math.floor(state.admitPerMinute / 2));
    const next = withinBounds(
      { ...state, capacity: input.active, admitPerMinute, evidenceFrom: now, changedAt: now, draining: false, drainedAt: now, upFrom: state.capacity },
      bounds,
    );
    return { state: next, action: LawAction.UP, reason: 'drained enough', observedP95Ms };
  }

  // Drained: what the sources saw was the drain's overload, not the new seats. Judge them on fresh pages
  // (5 s of probe), as after any change.
  if (state.draining) return hold('drained', { ...state, draining: false, drainedAt: now, evidenceFrom: now, upFrom: undefined });

  const breach = probe.breach ?? pupils.breach;
  if (breach) {
    // Timeouts are pages slower than the probe waits: the p95 counts them (2 s), and the cut follows it like
    // any latency (a latency breach is a p95 over the target too). Halving a pool just past its cliff threw
    // the real slow ENT's 65 seats to 32 after the node loss (band 33–65; ∛ keeps 41). Failures that come
    // fast (errors under the target) say the ENT is broken, not full: those halve.
    const factor = observedP95Ms > bounds.targetMs ? clamp(Math.cbrt(bounds.targetMs / Math.max(1, observedP95Ms)), tuning.minCutFactor, tuning.maxCutFactor) : tuning.minCutFactor;
    // The load the evidence saw: the sessions when the rate holds them down; the seats when a line waits on
    // them, as sessions that left are replaced within a poll or two. Halving a dip (50 sessions of 83 seats
    // between departures and admissions) left the real slow ENT 25 seats against a knee of 48.
    const seatsHold = input.waiting > 0 && input.admittingPerMinute < state.admitPerMinute * tuning.busyShare;
    const load = seatsHold ? state.capacity : Math.min(state.capacity, Math.max(input.active, 1));
    // A breach on the first evidence after an increase says the increase was too much, not that the seats
    // below it were: go back to them, not under. The real slow ENT (a pool: flat latency, then a cliff) read
    // 165 ms at 43 sessions, took +25 % to 54, and the logins of the 11 new seats brought probe timeouts:
    // halving the 54 left 27 seats (knee 48, band 33–65). Likewise "drained enough" stopped a cut to 39 at 57
    // sessions admitted before it (coping without logins), then timeouts halved the 57 to 28 (.ci/run).
    const capacity = Math.floor(load * factor);
    const reverting = state.upFrom !== undefined && capacity < state.upFrom && state.capacity > state.upFrom;
    const next = withinBounds(
      {
        capacity: reverting ? Math.max(state.upFrom!, capacity) : capacity,
        admitPerMinute: keepPace(Math.floor(state.admitPerMinute * factor)),
        evidenceFrom: now,
        changedAt: now,
        upFrom: reverting ? state.upFrom : undefined,
      },
      bounds,
    );
    if (next.capacity === state.capacity && next.admitPerMinute === state.admitPerMinute) return hold(`${breach} at the floor`);
    return { state: next, action: LawAction.CUT, reason: breach, observedP95Ms };
  }

  // Evidence at or under the target after an increase, its seats full for a while (stepStandsAfterMs): the
  // increase stands, a later breach is judged as any.
  const stepFilled = state.fullSince !== undefined && now - state.fullSince >= tuning.stepStandsAfterMs;
  const settled: LawState =
    state.upFrom !== undefined && stepFilled && (pupils.present || probe.present) && observedP95Ms <= bounds.targetMs ? { ...state, upFrom: undefined } : state;
  // Seats nobody holds while the store's full minute keeps the line out are a lump of logins waiting for
  // the minute to slide. Real slow ENT: a full minute held 68 seats while their sessions left (49 → 17),
  // then let 51 logins in within 3 s: probe timeouts, seats halved to 34 (band 33–65). The seats follow
  // the sessions down to one step above them, the most the law itself adds at once, and the line moves again.
  const minuteFull = (input.admittedLastMinute ?? 0) >= state.admitPerMinute;
  const stalled = input.waiting > 0 && minuteFull && input.admittingPerMinute < state.admitPerMinute * tuning.busyShare;
  const oneStepAbove = Math.max(input.active + 1, Math.ceil(input.active * (1 + tuning.maxUpStep)));
  if (stalled && state.capacity > tuning.unusedSeats * input.active) {
    // And the rate just over the minute's count, by those seats: one step of logins now, then the slide's pace.
    const admitPerMinute = Math.max(state.admitPerMinute, (input.admittedLastMinute ?? 0) + oneStepAbove - input.active);
    // A step above the sessions, filled at once: a breach on its logins goes back to the sessions, not
    // under (real slow ENT: 45 seats over 36 sessions, 894 ms on the 9 logins, √-cut to 33; band 33–65).
    // Judged on evidence from after it, like any change (older pages read the sessions without the logins).
    const next = withinBounds({ ...settled, capacity: oneStepAbove, admitPerMinute, upFrom: input.active, evidenceFrom: now, changedAt: now, fullSince: undefined }, bounds);
    if (next.capacity < state.capacity) return { state: next, action: LawAction.CUT, reason: 'seats unused', observedP95Ms };
  }

  if (!pupils.present && !probe.present) return hold('too few samples');
  if (input.probe && !probe.present) return hold('probe silent', settled);
  if (input.waiting <= 0) return hold('no line', settled);
  // Far from the target (farShare) the next step waits only for its evidence (5 s of probe): at opening,
  // 8 s per step kept the room under 80 % of the oracle's admissions for 136 s (56 s now).
  if (now - state.changedAt < tuning.upEveryMs && observedP95Ms >= bounds.targetMs * tuning.farShare) return hold('settling', settled);
  if (observedP95Ms > bounds.targetMs * tuning.holdBand) return hold('near target', settled);

  const seatsBusy = input.active >= state.capacity * tuning.seatsBusyShare;
  const rateBinds = input.admittingPerMinute >= state.admitPerMinute * tuning.busyShare;
  if (!seatsBusy && !rateBinds) return hold('limits not reached', settled);
  // The gradient: the step shrinks as p95 nears the hold band, so the law approaches the knee slowly.
  const headroom = 1 - observedP95Ms / (bounds.targetMs * tuning.holdBand);
  const step = tuning.maxUpStep * clamp(headroom * 2, 0.1, 1);
  const grow = (value: number): number => Math.max(value + 1, Math.round(value * (1 + step)));
  const capacity = seatsBusy ? grow(state.capacity) : state.capacity;
  // Seats bind, the rate does not: keep spareRate × what it lets in, plus the new seats in a minute (early
  // in the morning nobody leaves yet, and 1.5 × the churn alone threw the rate to its floor). Never on an
  // unmeasured 0.
  const usedRate =
    input.admittingPerMinute > 0 && !rateBinds ? Math.ceil(input.admittingPerMinute * tuning.spareRate + Math.max(0, capacity - input.active)) : Infinity;
  const justDrained = state.drainedAt !== undefined && now - state.drainedAt < tuning.rateWindowMs;
  // Under the minute's count, a trimmed rate lets nobody in until the minute slides. Where sessions last
  // minutes that pause only paces the new seats (the model: trimming under the count is its 140 s over
  // target, flooring it always 185 s). Where more pupils came in over the minute than there are seats, the
  // seats turn over within it, and the pause empties them: on the real slow ENT (10–30-s sessions) 229/min
  // trimmed to 136 with ~229 in the minute stalled the room 20 s (40 sessions → 8, 230 waiting), then the
  // slide let 22 logins into 50 seats in 3 s: probe timeouts, seats halved to 25 (band 33–65).
  const turnsOver = (input.admittedLastMinute ?? 0) > state.capacity;
  const trimmed = Math.min(state.admitPerMinute, usedRate);
  const next = withinBounds(
    {
      ...settled,
      capacity,
      upFrom: capacity > state.capacity ? state.capacity : settled.upFrom,
      fullSince: capacity > state.capacity ? undefined : state.fullSince,
      admitPerMinute: rateBinds ? grow(state.admitPerMinute) : justDrained || turnsOver ? keepPace(trimmed) : trimmed,
      evidenceFrom: now,
      changedAt: now,
    },
    bounds,
  );
  if (next.capacity === state.capacity && next.admitPerMinute === state.admitPerMinute) return hold('at the ceiling');
  return { state: next, action: LawAction.UP, reason: seatsBusy ? 'headroom, seats full' : 'headroom, rate binds', observedP95Ms };
}
