/**
 * Admission policy, as pure functions of a room's counters and the clock: how many pupils may enter
 * now, how long the wait looks, and when a client should ask again. Stores (memory, Redis) call
 * `admissionsAllowed` inside their atomic step; the HTTP layer uses the rest to build answers.
 */
import type { RoomSettings, RoomSnapshot } from './stores/store.js';

/** `admitPerMinute` is enforced over any sliding window of this length. */
export const RATE_WINDOW_MS = 60_000;
/** Admissions are remembered this long to measure how fast seats free up. */
export const STATS_WINDOW_MS = 5 * 60_000;
/** Fewer measured admissions than this are noise, not a rate. */
export const MIN_RATE_SAMPLES = 5;

export const POLL_MIN_MS = 2_000;
export const POLL_MAX_MS = 30_000;

/** How many waiting pupils may be admitted right now. */
export function admissionsAllowed(settings: RoomSettings, active: number, admittedInRateWindow: number): number {
  if (!settings.open) return 0;
  return Math.max(0, Math.min(settings.capacity - active, settings.admitPerMinute - admittedInRateWindow));
}

/**
 * Admissions per second the line can expect, or null when nobody can tell.
 * - paused room or capacity 0: nobody is admitted until an admin acts → null;
 * - free seats: the rate limit is what holds the line → admitPerMinute / 60;
 * - full room: seats free up as sessions end → the measured admission rate over the stats window,
 *   capped by the rate limit; null while fewer than MIN_RATE_SAMPLES admissions were seen.
 */
export function admissionRate(room: RoomSnapshot, now: number, statsWindowMs = STATS_WINDOW_MS): number | null {
  const { settings } = room;
  if (!settings.open || settings.capacity === 0) return null;
  const limit = settings.admitPerMinute / 60;
  if (room.active < settings.capacity) return limit;
  const observedMs = Math.min(statsWindowMs, now - room.createdAt);
  if (room.recentAdmissions < MIN_RATE_SAMPLES || observedMs <= 0) return null;
  return Math.min(limit, room.recentAdmissions / (observedMs / 1000));
}

export interface WaitEstimate {
  etaSeconds: number;
  etaLowSeconds: number;
  etaHighSeconds: number;
}

/** Estimated wait for the pupil at `position` (1-based). The range is deliberately wide and uneven:
 * seats fill and free unpredictably, and pupils resent a wait longer than promised more than a shorter one. */
export function estimateWait(position: number, ratePerSecond: number | null): WaitEstimate | null {
  if (ratePerSecond === null || ratePerSecond <= 0) return null;
  const eta = position / ratePerSecond;
  return {
    etaSeconds: Math.ceil(eta),
    etaLowSeconds: Math.floor(eta * 0.75),
    etaHighSeconds: Math.ceil(eta * 1.5),
  };
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/**
 * When a waiting client should ask again: a tenth of its estimated wait, between 2 s and 30 s, so the
 * far end of a long line polls rarely and the front often. Without an estimate, by position instead
 * (1 s per place ahead), so the front of a stalled line still notices quickly when an admin opens seats.
 */
export function waitingPollAfterMs(position: number, estimate: WaitEstimate | null): number {
  const basis = estimate === null ? position * 1000 : (estimate.etaSeconds * 1000) / 10;
  return Math.round(clamp(basis, POLL_MIN_MS, POLL_MAX_MS));
}

/** An admitted client only needs to show signs of life: three chances per session TTL. */
export function admittedPollAfterMs(sessionTtlMs: number): number {
  return Math.round(clamp(sessionTtlMs / 3, POLL_MIN_MS, 10 * 60_000));
}
