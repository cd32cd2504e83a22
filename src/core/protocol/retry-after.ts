/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. A server under stress, or a proxy in
 * front of it, can send anything, so the value is checked strictly and clamped: garbage is ignored (the
 * scheduler then backs off on its own), a date in the past means "now", and nothing makes a pupil wait longer
 * than `maxMs`.
 */

/**
 * Five minutes. The reference server forgets a waiting pupil not seen for 10 min (waitingTtlSeconds 600):
 * the clamped wait plus the scheduler's 20 % jitter (6 min) plus one throttled retry (at most 3 min) stays
 * under it.
 */
export const MAX_RETRY_AFTER_MS = 5 * 60 * 1000;

/**
 * Milliseconds to wait from `nowMs`, or null when the header is absent or unusable. Delay-seconds are read
 * at once; an HTTP-date through a parser loaded on demand (http-date.ts, a chunk the login page does not
 * pay for: our server sends seconds). If that chunk cannot load, the value counts as unusable and the
 * scheduler backs off on its own.
 */
export async function readRetryAfter(header: string | null, nowMs: number, maxMs: number = MAX_RETRY_AFTER_MS): Promise<number | null> {
  if (header === null) return null;
  const value = header.trim();
  // delay-seconds = 1*DIGIT: no sign, no fraction. "-5" and "1.5" are garbage, not a negative or fractional wait.
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, maxMs);
  const date = await import('./http-date.js').then((m) => m.parseHttpDate(value, nowMs), () => null);
  return date === null ? null : Math.min(Math.max(0, date - nowMs), maxMs);
}
