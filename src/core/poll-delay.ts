import type { Random } from './clock.js';

/**
 * When to ask the queue API next. A deliberately simple policy; issue 3 replaces it with a full scheduler.
 * Both functions return at least MIN_DELAY_MS, so no outcome can turn the loop into a busy loop.
 */
export const POLL_FLOOR_MS = 2_000;
/** A server may ask for long pauses, but a waiting ticket expires if not seen for ~10 min. */
export const POLL_CEILING_MS = 5 * 60_000;
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;
export const MIN_DELAY_MS = 250;

/** After an answer: the server's pollAfterMs (floored, capped) with ±20 % jitter so pupils spread out. */
export function delayAfterSuccess(pollAfterMs: number, random: Random = Math.random): number {
  const base = Math.min(POLL_CEILING_MS, Math.max(POLL_FLOOR_MS, pollAfterMs));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * After the n-th consecutive failure (n ≥ 1): exponential backoff with full jitter (AWS, "Exponential
 * Backoff and Jitter"). A server's Retry-After is a minimum; we add up to 20 % so that every pupil told
 * "come back in 5 s" does not come back in the same millisecond.
 */
export function delayAfterFailure(failures: number, retryAfterMs: number | null = null, random: Random = Math.random): number {
  // "Retry-After: 0" or a past date must not become an immediate retry.
  if (retryAfterMs !== null) return Math.round(Math.max(BACKOFF_BASE_MS, retryAfterMs) * (1 + 0.2 * random()));
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(MIN_DELAY_MS, Math.round(ceiling * random()));
}
