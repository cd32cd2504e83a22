/**
 * The autopilot's milestones on a morning, measured against the oracle's morning (issue 16): how soon it
 * admits 80 % of what the oracle admits after opening, how soon the ENT is back under its target after
 * the node is lost, and how soon it admits 80 % of the oracle's admissions again once the node is back.
 * "Admissions" are pupils let in over the trailing minute, the unit of the `admitPerMinute` lever.
 */
import type { MorningOptions, MorningResult } from './autopilot-morning.js';

export interface Milestones {
  reach80S: number | null;
  underTargetAfterDropS: number | null;
  back80AfterRecoveryS: number | null;
}

/** The ENT counts as back under target once its p95 stays there this long (a single good second is noise). */
const STAYS_UNDER_S = 30;

const lastMinute = (admitted: number[], s: number): number => {
  let sum = 0;
  for (let i = Math.max(0, s - 59); i <= s; i++) sum += admitted[i] ?? 0;
  return sum;
};

function firstAt80(autopilot: MorningResult, oracle: MorningResult, from: number): number | null {
  const end = Math.min(autopilot.trace.admitted.length, oracle.trace.admitted.length);
  for (let s = from; s < end; s++) {
    const theirs = lastMinute(oracle.trace.admitted, s);
    if (theirs > 0 && lastMinute(autopilot.trace.admitted, s) >= 0.8 * theirs) return s - from;
  }
  return null;
}

export function milestones(autopilot: MorningResult, oracle: MorningResult, options: MorningOptions): Milestones {
  const { p95Ms } = autopilot.trace;
  let underAt: number | null = null;
  for (let s = options.dropAtS; s + STAYS_UNDER_S <= p95Ms.length && underAt === null; s++) {
    if (p95Ms.slice(s, s + STAYS_UNDER_S).every((ms) => ms <= options.targetMs)) underAt = s - options.dropAtS;
  }
  return {
    reach80S: firstAt80(autopilot, oracle, 0),
    underTargetAfterDropS: underAt,
    back80AfterRecoveryS: firstAt80(autopilot, oracle, options.dropAtS + options.dropForS),
  };
}
