/**
 * When to ask the queue server next. Pure: `schedule(state, event, now, random) → { state, delayMs, reason }`;
 * no timers, no globals, so the poll loop, the tests and the surge simulator run the very same decisions.
 * With p = max(pollAfterMs, floorMs):
 * - Success: uniform in [max(floor, 0.8p), +0.4p) when visible; [p, 1.4p) when hidden, so a hidden tab never
 *   asks sooner than the server did. Never a fixed period.
 * - Start and online: uniform in [minDelay, p) (the last answer is stale; a crowd that restarts or reconnects
 *   together spreads over a whole interval). First success after failures: a window p wide, [0.5p, 1.5p)
 *   visible, [p, 2p) hidden, which breaks up the clump of pupils who saw the server come back together.
 * - Failure: full jitter, uniform in [minDelay, min(cap, base·2^(n−1))) for the n-th failure in a row.
 *   Retry-After (clamped) wins when later: retryAfter + uniform [0, max(1 s, 20 %)).
 * - Retry budget (retry-budget.ts, gRPC style: 10 tokens, a success refunds 0.1): here a failure costs 2.5
 *   (`budget` below). At or below 5 tokens (from full: the 2nd failure in a row) every retry waits uniform
 *   [0.8·throttledDelayMs, throttledDelayMs) = [144 s, 180 s) instead. With when-unreachable="open" a
 *   failure costs gRPC's 1 (waiting-room.ts), so throttling starts at the 5th failure in a row.
 * - Offline: phase `paused`, no timer. Every delay is ≥ minDelayMs: no path can spin.
 */
import type { Random } from './clock.js';
import { fullJitter, uniformBetween } from './jitter.js';
import { MAX_RETRY_AFTER_MS } from '../protocol/retry-after.js';
import { type RetryBudget, DEFAULT_RETRY_BUDGET, createRetryBudget, isRetryThrottled, refundRetryToken, spendRetryToken } from './retry-budget.js';

const MAX_POLL_AFTER_MS = 24 * 3600 * 1000; // protocol v1's bound

// The code below writes phases and reasons as literals (checked against these unions): then the widget
// bundle, which never reads the objects, does not ship them.
export const SchedulerPhase = { IDLE: 'idle', POLLING: 'polling', BACKOFF: 'backoff', PAUSED: 'paused' } as const;
export type SchedulerPhase = (typeof SchedulerPhase)[keyof typeof SchedulerPhase];

export const ScheduleReason = {
  START: 'start',
  PACED: 'paced',
  RECOVERED: 'recovered',
  BACKOFF: 'backoff',
  RETRY_AFTER: 'retry-after',
  BUDGET_EXHAUSTED: 'budget-exhausted',
  RESUMED: 'resumed',
  OFFLINE: 'offline',
  HIDDEN: 'hidden',
  POKE: 'poke',
} as const;
export type ScheduleReason = (typeof ScheduleReason)[keyof typeof ScheduleReason];

/** What the last request came to; the queue client maps its own outcomes onto these. */
export type SchedulerOutcome =
  | { readonly kind: 'ok'; readonly pollAfterMs: number }
  | { readonly kind: 'network' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number | null }
  | { readonly kind: 'server-error'; readonly retryAfterMs: number | null }
  | { readonly kind: 'invalid-response' };

/**
 * Everything else that moves the schedule. `start` on page load (pass the stored ticket's last pacing hint,
 * and when a tab takes the lead from another, that tab's next-try time as `notBefore`);
 * after a join, feed the join's answer as an `ok` outcome instead. `poke` is a user's "réessayer".
 */
export type SchedulerSignal =
  | { readonly kind: 'start'; readonly pollAfterMs?: number; readonly notBefore?: number }
  | { readonly kind: 'offline' }
  | { readonly kind: 'online' }
  | { readonly kind: 'visibility'; readonly visible: boolean }
  | { readonly kind: 'poke' };

export type SchedulerEvent = SchedulerOutcome | SchedulerSignal;
type Failure = Exclude<SchedulerOutcome, { kind: 'ok' }>;

export const DEFAULT_SCHEDULER_CONFIG = {
  /** Never ask more often than this after a success, whatever the server says (protects it from its own bug). */
  floorMs: 2_000,
  /** ±20 % around the server's pace: gRPC's connection-backoff jitter, wide enough to dissolve clumps. */
  jitterRatio: 0.2,
  /** Spread of the first poll on a page load with no stored hint: 1,000 pupils reloading → ~200/s. */
  startSpreadMs: 5_000,
  /** Exponential backoff base and cap (AWS / gRPC practice): 1, 2, 4, 8 s… then at most once a minute. */
  baseMs: 1_000,
  capMs: 60_000,
  /**
   * Once the retry budget is spent, retries come every 2.4–3 min instead: a crowd that failed together
   * (an outage) then comes back spread over minutes, not in the first minute after recovery. Measured by
   * `npm run bench:surge`: post-outage peak 1.40× the steady rate, against 3.28× with gRPC's budget and the
   * 60-s cap. The place is safe meanwhile: the server keeps a waiting ticket 10 min.
   */
  throttledDelayMs: 180_000,
  maxRetryAfterMs: MAX_RETRY_AFTER_MS,
  /** A crowd told "come back in 30 s" returns over [30 s, 36 s), not on one millisecond. */
  retryAfterJitterRatio: 0.2,
  retryAfterJitterMinMs: 1_000,
  /** The smallest delay on any path: coalesces double clicks and makes a busy loop impossible. */
  minDelayMs: 250,
  /** A failure costs 2.5 of 10 tokens: a second failure in a row already throttles (see throttledDelayMs). */
  budget: { ...DEFAULT_RETRY_BUDGET, failureCost: 2.5 },
};
export type SchedulerConfig = Readonly<typeof DEFAULT_SCHEDULER_CONFIG>;

export interface SchedulerState {
  readonly phase: SchedulerPhase;
  readonly visible: boolean;
  /** Consecutive failures; 0 after any success. */
  readonly failures: number;
  readonly budget: RetryBudget;
  /** The server's last pacing hint (0 until one arrives). */
  readonly pollAfterMs: number;
  readonly lastOkAt: number | null;
  /** Retry-After deadline: not even a user's poke asks before it. */
  readonly notBefore: number;
  /** When the next request is due; null when idle or paused. */
  readonly nextAt: number | null;
  readonly reason: ScheduleReason;
}

export interface ScheduleDecision {
  readonly state: SchedulerState;
  /** Milliseconds from `now` until the next request, always ≥ minDelayMs; null: set no timer. */
  readonly delayMs: number | null;
  readonly reason: ScheduleReason;
}

export function createSchedulerState(visible = true, config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG): SchedulerState {
  const budget = createRetryBudget(config.budget);
  return { phase: 'idle', visible, failures: 0, budget, pollAfterMs: 0, lastOkAt: null, notBefore: 0, nextAt: null, reason: 'start' };
}

export function schedule(state: SchedulerState, event: SchedulerEvent, now: number, random: Random, c = DEFAULT_SCHEDULER_CONFIG): ScheduleDecision {
  switch (event.kind) {
    case 'start': {
      const pollAfterMs = sanitize(event.pollAfterMs ?? state.pollAfterMs);
      const spread = pollAfterMs > 0 ? Math.max(c.floorMs, pollAfterMs) : c.startSpreadMs;
      // A tab taking over from another keeps the Retry-After (or backoff) that tab was given.
      const notBefore = Math.max(state.notBefore, event.notBefore ?? 0);
      const next: SchedulerState = { ...state, phase: 'polling', pollAfterMs, notBefore };
      return plan(next, now + uniformBetween(c.minDelayMs, spread, random), 'start', now, c);
    }
    case 'offline':
      return pause(state);
    case 'online': {
      if (state.phase !== 'paused') return keep(state, now, c);
      const phase = state.failures > 0 ? 'backoff' : 'polling';
      const spread = Math.max(c.floorMs, state.pollAfterMs);
      return plan({ ...state, phase }, now + uniformBetween(c.minDelayMs, spread, random), 'resumed', now, c);
    }
    case 'visibility': {
      const next = { ...state, visible: event.visible };
      // Hiding may push a visible-tab deadline out to the server's ask; it never brings one forward.
      const ask = next.lastOkAt === null ? null : next.lastOkAt + next.pollAfterMs;
      if (event.visible || next.nextAt === null || ask === null || next.nextAt >= ask) return keep(next, now, c);
      return plan(next, ask, 'hidden', now, c);
    }
    case 'poke': // a user's "réessayer": soon, but never before a Retry-After nor, hidden, the server's ask
      return state.nextAt === null ? keep(state, now, c) : plan(state, now + c.minDelayMs, 'poke', now, c);
  }
  const decision = event.kind === 'ok' ? afterSuccess(state, event.pollAfterMs, now, random, c) : afterFailure(state, event, now, random, c);
  // An answer that lands while offline still teaches us pacing and budget, but sets no timer.
  return state.phase === 'paused' ? pause(decision.state) : decision;
}

function afterSuccess(state: SchedulerState, hint: number, now: number, random: Random, c: SchedulerConfig): ScheduleDecision {
  const pollAfterMs = sanitize(hint);
  const p = Math.max(c.floorMs, pollAfterMs);
  const recovered = state.failures > 0;
  const width = recovered ? p : 2 * c.jitterRatio * p;
  const low = state.visible ? Math.max(c.floorMs, p - width / 2) : p;
  const budget = refundRetryToken(state.budget, c.budget);
  const next: SchedulerState = { ...state, phase: 'polling', failures: 0, budget, pollAfterMs, lastOkAt: now };
  return plan(next, now + uniformBetween(low, low + width, random), recovered ? 'recovered' : 'paced', now, c);
}

function afterFailure(state: SchedulerState, outcome: Failure, now: number, random: Random, c: SchedulerConfig): ScheduleDecision {
  const budget = spendRetryToken(state.budget, c.budget);
  const failures = state.failures + 1;
  const throttled = isRetryThrottled(budget, c.budget);
  // Never more than a minute past the server's own pace: a pupil paced at 4 s near the front, admitted just
  // before a 60-s outage, came back after 144–180 s and found its 180-s admission grace gone (bench:surge's
  // lanes morning lost 4 places so). Far pupils, paced at minutes, and pages never paced keep 2.4–3 min.
  const throttledMs = Math.min(c.throttledDelayMs, c.capMs + (state.pollAfterMs || Infinity));
  let delay = throttled
    ? throttledMs * (1 - c.jitterRatio * random()) // in (0.8, 1] × throttledMs
    : fullJitter(Math.min(c.capMs, c.baseMs * 2 ** (failures - 1)), c.minDelayMs, random);
  let reason: ScheduleReason = throttled ? 'budget-exhausted' : 'backoff';
  let notBefore = state.notBefore;
  // No hint: −1. NaN fails the test as well and an infinite hint is clamped below (one comparison: this
  // file is in the login bundle).
  const hinted = ('retryAfterMs' in outcome ? outcome.retryAfterMs : null) ?? -1;
  if (hinted >= 0) {
    const retryAfter = Math.min(hinted, c.maxRetryAfterMs);
    notBefore = now + retryAfter;
    const spread = Math.max(c.retryAfterJitterMinMs, retryAfter * c.retryAfterJitterRatio);
    const honoured = retryAfter + uniformBetween(0, spread, random);
    if (honoured > delay) [delay, reason] = [honoured, 'retry-after'];
  }
  const next: SchedulerState = { ...state, phase: 'backoff', failures, budget, notBefore };
  return plan(next, now + delay, reason, now, c);
}

/** Applies the bounds every path shares, then records the deadline. */
function plan(state: SchedulerState, at: number, reason: ScheduleReason, now: number, c: SchedulerConfig): ScheduleDecision {
  let due = Math.max(at, state.notBefore, now + c.minDelayMs);
  if (!state.visible && state.lastOkAt !== null) due = Math.max(due, state.lastOkAt + state.pollAfterMs);
  return { state: { ...state, nextAt: due, reason }, delayMs: due - now, reason };
}

/** Same deadline as before (re-measured from `now`, so a late caller does not add its lateness). */
function keep(state: SchedulerState, now: number, c: SchedulerConfig): ScheduleDecision {
  if (state.nextAt === null || state.phase === 'paused') return { state, delayMs: null, reason: state.reason };
  return { state, delayMs: Math.max(c.minDelayMs, state.nextAt - now), reason: state.reason };
}

function pause(state: SchedulerState): ScheduleDecision {
  const next: SchedulerState = { ...state, phase: 'paused', nextAt: null, reason: 'offline' };
  return { state: next, delayMs: null, reason: 'offline' };
}

/** A hint that is not a finite, non-negative number is treated as "no hint" (the floor applies). */
function sanitize(pollAfterMs: number): number {
  return Number.isFinite(pollAfterMs) && pollAfterMs > 0 ? Math.min(pollAfterMs, MAX_POLL_AFTER_MS) : 0;
}
