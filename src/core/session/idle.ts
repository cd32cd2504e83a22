/**
 * The inactivity state machine of session mode: `active → warning → released`.
 *
 * Pure and driven by timestamps. Idleness is `now − lastActivityAt`, never a count of timer ticks,
 * because browsers delay timers in hidden tabs (and not at all while a laptop sleeps): whenever the
 * runner wakes, `evaluate` tells it where the pupil stands and when to wake next.
 * `lastActivityAt` is the latest activity seen in any tab of the ENT, so all tabs agree on one clock:
 * use wall-clock time (`Date.now()`), which other tabs share and which keeps running during sleep.
 */

export const IdlePhase = {
  ACTIVE: 'active',
  WARNING: 'warning',
  RELEASED: 'released',
} as const;
export type IdlePhase = (typeof IdlePhase)[keyof typeof IdlePhase];

export const ReleaseReason = {
  /** The warning's countdown ended (or both deadlines passed while the device slept). */
  IDLE: 'idle',
  /** The ENT's logout button called `release()`. */
  LOGOUT: 'logout',
  /** The server said the ticket is gone. */
  EXPIRED: 'expired',
} as const;
export type ReleaseReason = (typeof ReleaseReason)[keyof typeof ReleaseReason];

/** WCAG 2.2.1 Timing Adjustable: the pupil gets at least 20 s to answer the warning. */
export const MIN_WARNING_MS = 20_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 900_000;
export const DEFAULT_IDLE_WARNING_MS = 60_000;

export interface IdleRelease {
  readonly reason: ReleaseReason;
  /** True when the pupil never had the warning: the device slept past both deadlines. Lets the UI explain. */
  readonly skippedWarning: boolean;
}

export interface IdleState {
  /** Latest activity in any tab (epoch ms). */
  readonly lastActivityAt: number;
  /** Idle time before the warning. */
  readonly timeoutMs: number;
  /** How long the warning lasts before release (≥ MIN_WARNING_MS). */
  readonly warningMs: number;
  /** Times activity dismissed a warning. Never limited: WCAG asks for at least 10. */
  readonly extensions: number;
  /** When this tab first showed the current warning; null while active. */
  readonly warnedAt: number | null;
  /** Set once, never cleared: a released seat is gone, whatever happens next. */
  readonly released: IdleRelease | null;
}

export interface IdleVerdict {
  /** Keep this state: evaluating records that a warning was shown or that time ran out. */
  readonly state: IdleState;
  readonly phase: IdlePhase;
  /** When to evaluate again (the warning or the release deadline); null once released. */
  readonly nextCheckAt: number | null;
  /** When the countdown ends, for the dialog; null once released. */
  readonly releaseAt: number | null;
  /** True on the one evaluation that released for idleness: release the ticket on the server now. */
  readonly releasedNow: boolean;
}

export function createIdleState(
  at: number,
  timing: { timeoutMs?: number; warningMs?: number } = {},
): IdleState {
  const timeoutMs = positiveOr(timing.timeoutMs, DEFAULT_IDLE_TIMEOUT_MS);
  // Enforced here too, not only in idle-config: no caller can build a warning too short to answer.
  const warningMs = Math.max(MIN_WARNING_MS, positiveOr(timing.warningMs, DEFAULT_IDLE_WARNING_MS));
  return { lastActivityAt: at, timeoutMs, warningMs, extensions: 0, warnedAt: null, released: null };
}

/**
 * Activity at `at` in this tab or another one. Other tabs' timestamps may arrive late or out of order,
 * so only a newer one counts. Activity while the warning was due dismisses it and counts an extension.
 * A late timestamp is accepted even past the deadline as long as nothing was released yet: a tab that
 * was frozen and missed messages must be able to catch up rather than release a pupil busy elsewhere.
 */
export function activity(state: IdleState, at: number): IdleState {
  if (state.released !== null || at <= state.lastActivityAt) return state;
  const warningShowing = at >= state.lastActivityAt + state.timeoutMs && at < releaseDeadline(state);
  return {
    ...state,
    lastActivityAt: at,
    warnedAt: null,
    extensions: state.extensions + (warningShowing ? 1 : 0),
  };
}

/** The "Je suis là" button: an activity like any other, named for what the pupil did. */
export function extend(state: IdleState, at: number): IdleState {
  return activity(state, at);
}

/** Release for a reason the machine cannot see (logout, server expiry). The first reason stays. */
export function release(state: IdleState, reason: ReleaseReason): IdleState {
  if (state.released !== null) return state;
  return { ...state, released: { reason, skippedWarning: false } };
}

/** Where the pupil stands at `now`, and when the runner should look again. */
export function evaluate(state: IdleState, now: number): IdleVerdict {
  if (state.released !== null) {
    return { state, phase: IdlePhase.RELEASED, nextCheckAt: null, releaseAt: null, releasedNow: false };
  }
  // An activity "from the future" means the clock was set back; trusting it would postpone the
  // warning by the size of the jump.
  const current = state.lastActivityAt > now ? { ...state, lastActivityAt: now } : state;
  const warningAt = current.lastActivityAt + current.timeoutMs;
  if (now < warningAt) {
    const releaseAt = releaseDeadline(current);
    return { state: current, phase: IdlePhase.ACTIVE, nextCheckAt: warningAt, releaseAt, releasedNow: false };
  }
  if (current.warnedAt === null && now >= releaseDeadline(current)) {
    // Woken after both deadlines (sleep, frozen tab): the pupil never saw a warning. Say so.
    return releasedVerdict(current, true);
  }
  const warned = current.warnedAt === null ? { ...current, warnedAt: now } : current;
  const releaseAt = releaseDeadline(warned);
  if (now < releaseAt) {
    return { state: warned, phase: IdlePhase.WARNING, nextCheckAt: releaseAt, releaseAt, releasedNow: false };
  }
  return releasedVerdict(warned, false);
}

/**
 * The end of the countdown: timeout + warning after the last activity, but never less than
 * MIN_WARNING_MS after this tab showed the warning, so a throttled tab that wakes late still gives
 * the pupil the 20 s WCAG 2.2.1 asks for.
 */
function releaseDeadline(state: IdleState): number {
  const nominal = state.lastActivityAt + state.timeoutMs + state.warningMs;
  return state.warnedAt === null ? nominal : Math.max(nominal, state.warnedAt + MIN_WARNING_MS);
}

function releasedVerdict(state: IdleState, skippedWarning: boolean): IdleVerdict {
  const released: IdleState = { ...state, released: { reason: ReleaseReason.IDLE, skippedWarning } };
  return { state: released, phase: IdlePhase.RELEASED, nextCheckAt: null, releaseAt: null, releasedNow: true };
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
