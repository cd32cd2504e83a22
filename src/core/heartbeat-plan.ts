/**
 * When an admitted session tells the server "this pupil is still here". Only a pupil who did
 * something since the last heartbeat is still here, so an open tab in an empty classroom sends
 * nothing and the server's sessionTtl frees the seat. A heartbeat is not activity: it never feeds the
 * idle machine, or a tab would keep itself alive.
 *
 * The plan is plain data: persist or share it between pages and tabs, otherwise every ENT page load
 * would start its own minute.
 */
import type { Random } from './clock.js';

export interface HeartbeatOptions {
  /** Never two heartbeats closer than this. */
  readonly minIntervalMs: number;
  /** Up to this much is added at random, so a class admitted together does not beat in step. */
  readonly jitterMs: number;
}

export const HEARTBEAT_DEFAULTS: HeartbeatOptions = { minIntervalMs: 60_000, jitterMs: 15_000 };

export interface HeartbeatPlan {
  /** The last heartbeat (or the admission, which the server also takes as a sign of life). */
  readonly lastSentAt: number;
  /** No heartbeat before this time. */
  readonly notBefore: number;
}

/**
 * The plan after a heartbeat sent at `sentAt`. Also the starting plan, with the admission time: the
 * server has just seen the pupil. Random is drawn here, once per heartbeat, so checking often does
 * not make heartbeats come sooner.
 */
export function planNextHeartbeat(
  sentAt: number,
  random: Random = Math.random,
  options: HeartbeatOptions = HEARTBEAT_DEFAULTS,
): HeartbeatPlan {
  const draw = random();
  // A broken source (NaN, out of range) must not bring heartbeats closer than the minimum.
  const jitter = Number.isFinite(draw) ? Math.min(1, Math.max(0, draw)) * options.jitterMs : 0;
  return { lastSentAt: sentAt, notBefore: sentAt + options.minIntervalMs + Math.round(jitter) };
}

/**
 * Send one now? Check on each recorded activity and once at `plan.notBefore` (activity may have
 * stopped before then). A clock set back before the last heartbeat makes the plan meaningless: one
 * heartbeat too many is cheaper than a seat lost to a server timeout.
 */
export function shouldSendHeartbeat(plan: HeartbeatPlan, lastActivityAt: number, now: number): boolean {
  if (now < plan.lastSentAt) return true;
  return now >= plan.notBefore && lastActivityAt > plan.lastSentAt;
}
