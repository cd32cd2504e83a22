/**
 * Throttles activity events before they reach the idle machine and the other tabs. A moving mouse
 * fires dozens of events a second; the idle machine needs one timestamp per ~½ s, and other tabs need
 * to hear about it only every few seconds. The latest activity is always broadcast eventually
 * (`flushAt`), so no tab's view of the pupil lags by more than `broadcastMs`.
 */

export interface ActivityThrottleOptions {
  /** At most one recorded activity per this many ms in a tab. */
  readonly recordMs: number;
  /** At most one broadcast to the other tabs per this many ms. */
  readonly broadcastMs: number;
}

export const ACTIVITY_THROTTLE_DEFAULTS: ActivityThrottleOptions = { recordMs: 500, broadcastMs: 3_000 };

export interface ActivityThrottleState {
  /** Latest activity recorded in this tab. */
  readonly recordedAt: number | null;
  /** When this tab last broadcast. */
  readonly broadcastAt: number | null;
  /** Latest recorded activity the other tabs have not heard of yet. */
  readonly unsentAt: number | null;
}

export const initialActivityThrottle: ActivityThrottleState = { recordedAt: null, broadcastAt: null, unsentAt: null };

export interface ActivityDecision {
  readonly state: ActivityThrottleState;
  /** Feed `at` to the idle machine. */
  readonly record: boolean;
  /** Send `at` to the other tabs now. */
  readonly broadcast: boolean;
  /** When to call `flushActivity` so an activity held back reaches the other tabs; null if none is held. */
  readonly flushAt: number | null;
}

export function throttleActivity(
  state: ActivityThrottleState,
  at: number,
  options: ActivityThrottleOptions = ACTIVITY_THROTTLE_DEFAULTS,
): ActivityDecision {
  if (!elapsed(state.recordedAt, at, options.recordMs)) {
    return { state, record: false, broadcast: false, flushAt: flushAtOf(state, options) };
  }
  if (elapsed(state.broadcastAt, at, options.broadcastMs)) {
    return { state: { recordedAt: at, broadcastAt: at, unsentAt: null }, record: true, broadcast: true, flushAt: null };
  }
  const held: ActivityThrottleState = { ...state, recordedAt: at, unsentAt: at };
  return { state: held, record: true, broadcast: false, flushAt: flushAtOf(held, options) };
}

/** The trailing edge: the held-back activity timestamp to broadcast now, if it is due. */
export function flushActivity(
  state: ActivityThrottleState,
  now: number,
  options: ActivityThrottleOptions = ACTIVITY_THROTTLE_DEFAULTS,
): { state: ActivityThrottleState; broadcast: number | null } {
  if (state.unsentAt === null || !elapsed(state.broadcastAt, now, options.broadcastMs)) {
    return { state, broadcast: null };
  }
  return { state: { ...state, broadcastAt: now, unsentAt: null }, broadcast: state.unsentAt };
}

/**
 * A clock set back (now before the last event) counts as elapsed: otherwise a tab would stop
 * recording activity for as long as the clock jumped, and release a pupil who is typing.
 */
function elapsed(since: number | null, now: number, ms: number): boolean {
  return since === null || now < since || now - since >= ms;
}

function flushAtOf(state: ActivityThrottleState, options: ActivityThrottleOptions): number | null {
  if (state.unsentAt === null) return null;
  return (state.broadcastAt ?? state.unsentAt) + options.broadcastMs;
}
