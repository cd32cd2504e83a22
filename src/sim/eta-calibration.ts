/**
 * How honest the waiting times of a morning were: the share of pupils admitted within the range the
 * server would have shown them (room-policy/pacing.ts `roomWaitEstimate`, the very function the status
 * answer uses), at their first status and again at mid-wait. Replayed from the morning's per-second trace
 * (autopilot-morning.ts): the line is FIFO, so a pupil's place at any second is their index minus those
 * admitted before it.
 */
import { STATS_WINDOW_MS, roomWaitEstimate, type SteeringBounds, type WaitEstimate } from '../server/room-policy/pacing.js';
import type { RoomSnapshot } from '../server/stores/store.js';
import { morningArrivalS, type MorningOptions, type MorningResult } from './autopilot-morning.js';

export interface EtaCalibration {
  /** Share of the checks (first status and mid-wait of every pupil who waited) whose wait fell in the range. */
  withinRangeShare: number;
  firstStatusShare: number;
  midWaitShare: number;
  /** Checks whose wait ran past the range's high end: the broken promise pupils resent. */
  overHighShare: number;
  checks: number;
  /** Median width of the ranges checked (high − low), in minutes: honest is not "between 1 and 300 minutes". */
  medianWidthMinutes: number;
}

/** `estimate`: the server's by default; another one to compare (the steady-rate range, say). */
export function etaCalibration(
  result: Pick<MorningResult, 'trace' | 'pupilsIn'> & Partial<Pick<MorningResult, 'steering'>>,
  options: MorningOptions,
  estimate: (position: number, room: RoomSnapshot, now: number, steering?: SteeringBounds | null) => WaitEstimate | null = roomWaitEstimate,
): EtaCalibration {
  const { trace } = result;
  const seconds = trace.admitted.length;
  // admittedBefore[s]: pupils admitted in seconds [0, s); the snapshot a pupil's poll reads at s.
  const admittedBefore = new Int32Array(seconds + 1);
  for (let s = 0; s < seconds; s++) admittedBefore[s + 1] = admittedBefore[s] + trace.admitted[s];
  const statsS = STATS_WINDOW_MS / 1000;
  const snapshot = (s: number): RoomSnapshot => {
    const before = Math.max(0, s - 1);
    return {
      room: 'morning',
      settings: { capacity: trace.capacity[before], admitPerMinute: trace.admitPerMinute[before], open: true },
      createdAt: 0,
      waiting: 0,
      active: s === 0 ? 0 : trace.active[before],
      recentAdmissions: admittedBefore[s] - admittedBefore[Math.max(0, s - statsS)],
    };
  };
  let first = 0;
  let mid = 0;
  let over = 0;
  let waited = 0;
  const widths: number[] = [];
  let admittedS = 0;
  for (let i = 0; i < result.pupilsIn; i++) {
    while (admittedBefore[admittedS + 1] <= i) admittedS++;
    const joinS = Math.ceil(morningArrivalS(i, options));
    if (admittedS <= joinS) continue; // in on arrival: never shown a wait
    waited++;
    const check = (s: number): boolean => {
      // The server computes with the autopilot's bounds while it steers (queue/ticket-view.ts).
      const range = estimate(i - admittedBefore[s] + 1, snapshot(s), s * 1000, result.steering);
      const wait = admittedS - s;
      if (range !== null) widths.push((range.etaHighSeconds - range.etaLowSeconds) / 60);
      if (range !== null && wait > range.etaHighSeconds) over++;
      return range !== null && wait >= range.etaLowSeconds && wait <= range.etaHighSeconds;
    };
    if (check(joinS)) first++;
    if (check(joinS + Math.floor((admittedS - joinS) / 2))) mid++;
  }
  const share = (n: number, of: number): number => (of > 0 ? n / of : 1);
  return {
    withinRangeShare: share(first + mid, 2 * waited),
    firstStatusShare: share(first, waited),
    midWaitShare: share(mid, waited),
    overHighShare: share(over, 2 * waited),
    checks: 2 * waited,
    medianWidthMinutes: widths.length > 0 ? widths.sort((a, b) => a - b)[Math.floor(widths.length / 2)] : 0,
  };
}
