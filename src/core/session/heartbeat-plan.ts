/**
 * When an admitted session tells the server "this pupil is still here". Two reasons to send one:
 * - activity: the pupil did something since the last heartbeat (at most one a minute);
 * - renewal: the admission token (the gate's cookie) lives only minutes (admissionTtl, 5 by default)
 *   and each heartbeat answer brings a fresh one. A pupil reading a long page without touching anything
 *   must not be sent to the waiting page, so a heartbeat also goes at half the token's remaining life.
 *   The idle machine still releases a tab nobody uses (idle-timeout), which stops the renewals.
 * A heartbeat is not activity: it never feeds the idle machine, or a tab would keep itself alive.
 *
 * The plan is plain data: persist or share it between pages and tabs, otherwise every ENT page load
 * would start its own minute.
 */
import type { Random } from '../wait/clock.js';

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
  /** No activity heartbeat before this time. */
  readonly notBefore: number;
  /** A renewal heartbeat at this time, activity or not; absent once the admission has run out. */
  readonly renewAt?: number;
}

/** Renewals never come closer than this to each other: the floor of the halving when heartbeats fail. */
export const MIN_RENEWAL_GAP_MS = 1000;

/**
 * When to renew an admission that ends at `endsAt` (this device's clock): at half its remaining life.
 * If that renewal fails, the next try comes at half of what is left then, and so on, while a try is at
 * least 1 s away (with 300 s: 150, 75, 37 s… before the end): quick retries only when they matter.
 * Undefined when it is too late: activity heartbeats remain, and their answer brings a new admission.
 */
export function renewalTime(now: number, endsAt: number): number | undefined {
  const half = Math.round((endsAt - now) / 2);
  return half >= MIN_RENEWAL_GAP_MS ? now + half : undefined;
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
 * Send one now? Check on each recorded activity, once at `plan.notBefore` (activity may have stopped
 * before then) and at `plan.renewAt`. A clock set back before the last heartbeat makes the plan meaningless: one
 * heartbeat too many is cheaper than a seat lost to a server timeout.
 */
export function shouldSendHeartbeat(plan: HeartbeatPlan, lastActivityAt: number, now: number): boolean {
  if (now < plan.lastSentAt) return true;
  if (plan.renewAt !== undefined && now >= plan.renewAt) return true;
  return now >= plan.notBefore && lastActivityAt > plan.lastSentAt;
}
