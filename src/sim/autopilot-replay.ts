/**
 * The autopilot morning (autopilot-morning.ts) reduced to what the teachers' page draws and says: per
 * second, what the ENT can take (hidden from the autopilot), the seats the autopilot opens, the pupils
 * logged in, and the ENT's true p95. Plain arrays, so the result crosses a worker boundary as is.
 */
import { DEFAULT_MORNING, runMorning, type MorningOptions, type MorningPolicy } from './autopilot-morning.js';
import { EntModel } from './ent-model.js';

/** As bench/autopilot.ts: the server's default seats and rate at opening, wide bounds. */
export const REPLAYED_AUTOPILOT: MorningPolicy = {
  name: 'autopilot',
  kind: 'autopilot',
  start: { capacity: 100, admitPerMinute: 60 },
  bounds: { minCapacity: 50, maxCapacity: 20_000, minAdmitPerMinute: 30, maxAdmitPerMinute: 5_000 },
};

/** Ten minutes after the server comes back: long enough to see the seats climb back and settle. */
const TAIL_S = 600;

export interface AutopilotReplay {
  /** The morning's 0 s on the clock. */
  startClock: string;
  /** Length of every series. */
  seconds: number;
  pupils: number;
  targetMs: number;
  /** The ENT's server lost at `dropAtS` for `dropForS` seconds. */
  dropAtS: number;
  dropForS: number;
  /** Per second: pupils the ENT can serve at once under its target, the autopilot never sees it. */
  entSeats: number[];
  /** Per second: seats the autopilot opened. */
  seats: number[];
  /** Per second: pupils logged in to the ENT. */
  sessions: number[];
  /** Per second: the ENT's true p95 page time. */
  p95Ms: number[];
}

/** 0.13 s in Node for the default 16 000-pupil morning: cheap enough for a worker in the browser. */
export function replayAutopilotMorning(options: MorningOptions = DEFAULT_MORNING, policy: MorningPolicy = REPLAYED_AUTOPILOT): AutopilotReplay {
  const { trace } = runMorning(policy, options);
  const seconds = Math.min(trace.capacity.length, options.dropAtS + options.dropForS + TAIL_S);
  // Same formulas as the morning's ENT: the sessions at which its p95 meets the target, logins aside.
  const ent = new EntModel({ capacityAt: () => options.entCapacity });
  const capacityAt = (s: number): number => options.entCapacity * (s >= options.dropAtS && s < options.dropAtS + options.dropForS ? options.dropFactor : 1);
  return {
    startClock: '08:00',
    seconds,
    pupils: options.waitingAtOpening + options.arrivals,
    targetMs: options.targetMs,
    dropAtS: options.dropAtS,
    dropForS: options.dropForS,
    entSeats: Array.from({ length: seconds }, (_, s) => Math.floor(ent.kneeSessions(capacityAt(s), options.targetMs))),
    seats: trace.capacity.slice(0, seconds),
    sessions: trace.active.slice(0, seconds),
    p95Ms: trace.p95Ms.slice(0, seconds),
  };
}
