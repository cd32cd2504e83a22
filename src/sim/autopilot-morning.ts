/**
 * The autopilot morning: a line in front of the modelled ENT (ent-model.ts), admissions paced by either
 * fixed numbers or the autopilot's law fed with the same signals the server gets (pupils' page timings
 * once a minute each, the login page counting double; a probe 4 times a second). One-second steps, seeded,
 * so a policy's morning replays exactly. The ENT's capacity halves at 8:05 for 10 minutes (a node lost).
 */
import { EntModel } from './ent-model.js';
import { createSeededRandom } from '../core/wait/seeded-random.js';
import { decide, type AutopilotBounds, type LawState } from '../server/autopilot/law.js';
import type { SteeringBounds } from '../server/room-policy/pacing.js';
import { SampleWindow, emptyHistogram, addSample, quantileMs, summarize, PUPIL_TRIM_SHARE } from '../server/autopilot/samples.js';

export interface MorningOptions {
  /** Work units/s of the healthy ENT. 200 → a knee near 2 600 sessions at a 1-s target. */
  entCapacity: number;
  targetMs: number;
  /** Pupils already waiting at 8:00, and those arriving over `arrivalMinutes` after. */
  waitingAtOpening: number;
  arrivals: number;
  arrivalMinutes: number;
  /** Sessions last uniformly between these (s). */
  sessionMinS: number;
  sessionMaxS: number;
  /** The node lost: capacity × `dropFactor` from `dropAtS` for `dropForS`. */
  dropAtS: number;
  dropForS: number;
  dropFactor: number;
  /** Stop here even if pupils still wait. */
  maxS: number;
  /** Stop as soon as the ENT has spent this long over target (a grid search skips hopeless pairs). */
  giveUpOverTargetS?: number;
  seed: number;
}

export const DEFAULT_MORNING: MorningOptions = {
  entCapacity: 200,
  targetMs: 1_000,
  waitingAtOpening: 6_000,
  arrivals: 10_000,
  arrivalMinutes: 25,
  sessionMinS: 180,
  sessionMaxS: 540,
  dropAtS: 300,
  dropForS: 600,
  dropFactor: 0.5,
  // Three hours: the fixed pairs safe through the node loss need over an hour for 16 000 pupils; a
  // one-hour horizon cut their "last in" at 60 min and made the oracle's time meaningless.
  maxS: 10_800,
  seed: 7,
};

export type MorningPolicy =
  | { name: string; kind: 'fixed'; capacity: number; admitPerMinute: number }
  | { name: string; kind: 'autopilot'; start: { capacity: number; admitPerMinute: number }; bounds: Omit<AutopilotBounds, 'targetMs'> };

export interface MorningResult {
  name: string;
  overTargetSeconds: number;
  failedPageShare: number;
  lastInMinutes: number;
  meanWaitS: number;
  p95WaitS: number;
  entP95Ms: number;
  pupilsIn: number;
  pupilsLeft: number;
  /** Pupils admitted ahead of someone who was in line before them (checked on every admission). */
  fifoInversions: number;
  /** Pupils who joined but were neither admitted nor still in line at the end. */
  placesLost: number;
  /** Per second: seats (limit), rate, sessions, the ENT's true p95, pupils admitted. */
  trace: { capacity: number[]; admitPerMinute: number[]; active: number[]; p95Ms: number[]; admitted: number[] };
  /** The law's decisions other than holds: second, action, reason. */
  decisions: string[];
  cuts: number;
  ups: number;
  /** The autopilot's rate bounds, which the server's waiting times are computed with (eta-calibration.ts); null for fixed numbers. */
  steering: SteeringBounds | null;
}

export function runMorning(policy: MorningPolicy, options: MorningOptions = DEFAULT_MORNING): MorningResult {
  const o = options;
  const random = createSeededRandom(o.seed);
  const ent = new EntModel({
    capacityAt: (nowMs) => (nowMs >= o.dropAtS * 1000 && nowMs < (o.dropAtS + o.dropForS) * 1000 ? o.entCapacity * o.dropFactor : o.entCapacity),
  });
  // Arrival times, FIFO: the opening crowd at 0, then evenly spread (a line's order is its arrival order).
  const total = o.waitingAtOpening + o.arrivals;
  const arrivalAt = (i: number): number => morningArrivalS(i, o);
  const leaving = new Float64Array(o.maxS + o.sessionMaxS + 2);
  const admittedAt = new Int32Array(o.maxS + 1);
  const waits: number[] = [];
  const pupils = new SampleWindow(5_000, 60_000);
  const probe = new SampleWindow(1_000, 10_000);
  const pages = emptyHistogram();

  let law: LawState | undefined =
    policy.kind === 'autopilot' ? { ...policy.start, evidenceFrom: 0, changedAt: -Infinity } : undefined;
  const bounds: AutopilotBounds | undefined = policy.kind === 'autopilot' ? { ...policy.bounds, targetMs: o.targetMs } : undefined;
  let capacity = policy.kind === 'fixed' ? policy.capacity : policy.start.capacity;
  let admitPerMinute = policy.kind === 'fixed' ? policy.admitPerMinute : policy.start.admitPerMinute;

  let next = 0;
  let active = 0;
  let tokens = 0;
  let admittedInWindow = 0;
  let overTarget = 0;
  let pagesAsked = 0;
  let pagesFailed = 0;
  let lastInS = 0;
  let cuts = 0;
  let ups = 0;
  let fifoInversions = 0;
  let lastArrivalIn = 0;
  const trace = { capacity: [] as number[], admitPerMinute: [] as number[], active: [] as number[], p95Ms: [] as number[], admitted: [] as number[] };
  const decisions: string[] = [];

  for (let s = 0; s < o.maxS && (next < total || active > 0) && overTarget <= (o.giveUpOverTargetS ?? Infinity); s++) {
    const nowMs = s * 1000;
    active -= leaving[s];
    admittedInWindow -= s >= 60 ? admittedAt[s - 60] : 0;
    // Smooth pacing: admitPerMinute/60 a second, no unused allowance kept (the login burst a sliding
    // minute allows, a whole minute's logins in one second, is 4× a page each: see docs/autopilot.md).
    tokens = Math.min(admitPerMinute / 60 + 1, tokens + admitPerMinute / 60);
    let admit = Math.max(0, Math.min(Math.floor(tokens), capacity - active, admitPerMinute - admittedInWindow));
    let logins = 0;
    while (admit > 0 && next < total && arrivalAt(next) <= s) {
      if (arrivalAt(next) < lastArrivalIn) fifoInversions++;
      lastArrivalIn = arrivalAt(next);
      waits.push(s - arrivalAt(next));
      next++;
      admit--;
      logins++;
      const stay = o.sessionMinS + Math.floor(random() * (o.sessionMaxS - o.sessionMinS));
      leaving[s + stay]++;
    }
    if (logins > 0) lastInS = s;
    tokens -= logins;
    active += logins;
    admittedAt[s] = logins;
    admittedInWindow += logins;

    const state = ent.step(nowMs, 1, active, logins);
    pagesAsked += state.pages;
    pagesFailed += state.failedPages;
    if (state.p95Ms > o.targetMs) overTarget++;
    trace.capacity.push(capacity);
    trace.admitPerMinute.push(admitPerMinute);
    trace.active.push(active);
    trace.p95Ms.push(Math.round(state.p95Ms));
    trace.admitted.push(logins);

    // Signals: the new pupils' login pages (weight 2), a sixtieth of the others (one report a minute), the probe.
    for (let i = 0; i < logins; i++) {
      const page = ent.samplePage(random);
      pupils.add(page, nowMs, 2);
      addSample(pages, page);
    }
    const reports = Math.floor(active / 60 + random());
    for (let i = 0; i < reports; i++) {
      const page = ent.samplePage(random);
      pupils.add(page, nowMs);
      addSample(pages, page);
    }
    for (let i = 0; i < 4; i++) probe.add(ent.samplePage(random), nowMs);

    if (law && bounds) {
      const lawNow = nowMs + 1000; // the law runs at the end of the second, having seen it
      const decision = decide(
        law,
        {
          now: lawNow,
          pupils: summarize(pupils.histogram(lawNow, law.evidenceFrom), PUPIL_TRIM_SHARE),
          probe: summarize(probe.histogram(lawNow, law.evidenceFrom)),
          waiting: countWaiting(next, total, s, arrivalAt),
          active,
          admittingPerMinute: recentAdmissions(admittedAt, s) * 6,
          admittedLastMinute: admittedInWindow,
        },
        bounds,
      );
      if (decision.action !== 'hold') decisions.push(`${s} ${decision.action} ${decision.reason} p95=${decision.observedP95Ms} → ${decision.state.capacity}/${decision.state.admitPerMinute}`);
      if (decision.action === 'cut') cuts++;
      if (decision.action === 'up') ups++;
      law = decision.state;
      capacity = law.capacity;
      admitPerMinute = law.admitPerMinute;
    }
  }
  const sorted = waits.slice().sort((a, b) => a - b);
  return {
    name: policy.name,
    overTargetSeconds: overTarget,
    failedPageShare: pagesAsked > 0 ? pagesFailed / pagesAsked : 0,
    lastInMinutes: lastInS / 60,
    meanWaitS: waits.reduce((sum, w) => sum + w, 0) / Math.max(1, waits.length),
    p95WaitS: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    entP95Ms: quantileMs(pages, 0.95),
    pupilsIn: next,
    pupilsLeft: total - next,
    fifoInversions,
    // This line models no reloads nor lost tickets (bench:surge does): nobody can lose a place here, and
    // the column says so rather than pretending to measure it.
    placesLost: 0,
    trace,
    decisions,
    cuts,
    ups,
    steering: bounds ? { minAdmitPerMinute: bounds.minAdmitPerMinute, maxAdmitPerMinute: bounds.maxAdmitPerMinute } : null,
  };
}

/** When pupil `i` (FIFO order) joins the line, in seconds after 8:00 (eta-calibration.ts replays it). */
export function morningArrivalS(i: number, o: MorningOptions): number {
  return i < o.waitingAtOpening ? 0 : ((i - o.waitingAtOpening) / o.arrivals) * o.arrivalMinutes * 60;
}

function countWaiting(next: number, total: number, s: number, arrivalAt: (i: number) => number): number {
  return next < total && arrivalAt(next) <= s ? 1 : 0;
}

/** Admissions in the last 10 s, this second included. */
function recentAdmissions(admittedAt: Int32Array, s: number): number {
  let sum = 0;
  for (let i = Math.max(0, s - 9); i <= s; i++) sum += admittedAt[i];
  return sum;
}
