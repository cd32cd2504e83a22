/**
 * Admission policy, as pure functions of a room's counters and the clock: how many pupils may enter
 * now, how long the wait looks, and when a client should ask again. Stores (memory, Redis) call
 * `admissionsAllowed` inside their atomic step; the HTTP layer uses the rest to build answers.
 */
import type { RoomSettings, RoomSnapshot } from '../stores/store.js';

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/** `admitPerMinute` is enforced over any sliding window of this length. */
export const RATE_WINDOW_MS = 60_000;
/** Admissions are remembered this long to measure how fast seats free up. */
export const STATS_WINDOW_MS = 5 * 60_000;
/** Fewer measured admissions than this are noise, not a rate. */
export const MIN_RATE_SAMPLES = 5;

/** The front of the line asks this often (the client adds ±20 %), so an admission is noticed within ~4 s. */
export const POLL_MIN_MS = 3_000;
/**
 * Nobody is asked to wait longer than this between polls: half the default waiting TTL (10 min). A client
 * asks within 1.2× the hint (1.4× in a hidden tab), so 3–4 minutes remain for the retries of a failed poll
 * before the place expires. Operators who lower `waitingTtl` below 2 × this put far pupils' places at risk.
 */
export const POLL_MAX_MS = 5 * 60_000;
/** What a client may take beyond 1.4× its hint before its request lands: the request's own time, a timeout. */
const CLIENT_SLACK_MS = 10_000;
/**
 * The longest hint that keeps admitGrace's promise (docs/protocol.md, "Admission grace"): a pupil who
 * asks when told is never admitted more than admitGrace before asking. A client asks within 1.4× its hint
 * (hidden tab) plus CLIENT_SLACK_MS. The pupil at `position` cannot be admitted sooner than the rate limit
 * allows, whatever seats an admin adds: `admitPerMinute` at once, then as many each minute. So
 * hint ≤ (earliest admission + admitGrace − slack) / 1.4. This binds only where the measured rate is far
 * below the limit (a full room with a generous limit, the case where added seats make the line jump);
 * elsewhere the estimate-based hint is already shorter. Only raising `admitPerMinute` itself can outrun it.
 */
export function graceSafePollMaxMs(position: number, admitPerMinute: number, admitGraceMs: number): number {
  const earliestMs = admitPerMinute > 0 ? Math.floor((position - 1) / admitPerMinute) * RATE_WINDOW_MS : POLL_MAX_MS;
  return Math.floor(clamp((earliestMs + admitGraceMs - CLIENT_SLACK_MS) / 1.4, POLL_MIN_MS, POLL_MAX_MS));
}

/** Without an estimate (stalled line), the back of the line is not told to wait longer than this. */
export const POLL_STALLED_MAX_MS = 30_000;
/**
 * A waiting pupil asks again after this share of the estimated wait: half of it up to 2 minutes out (where
 * admissions come in lumps and a late notice is what a pupil feels), rising to 0.8 of it 10 minutes out
 * (where the cap usually binds first). Halving keeps each poll ahead of the admission it waits for.
 */
export const POLL_WAIT_SHARE_NEAR = 0.5;
export const POLL_WAIT_SHARE_FAR = 0.8;
const NEAR_S = 120;
const FAR_S = 600;
/** Status requests per second that a room's whole line may send, by default (see `waitingPollAfterMs`). */
export const DEFAULT_STATUS_BUDGET_PER_SECOND = 2_000;

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

/** The slowest and fastest admission rates (per second) the line may see before a pupil's turn. */
export interface RateBand {
  slowest: number;
  fastest: number;
  /** Sessions that must end before anyone enters: seats were just cut below the sessions held. */
  backlog: number;
}

/** Estimated wait for the pupil at `position` (1-based). The range is deliberately wide and uneven:
 * seats fill and free unpredictably, and pupils resent a wait longer than promised more than a shorter one.
 * `band` (see `rateBand`): the low end from its fastest rate, the high end from its slowest; a steady line
 * (no band) gets the range from `ratePerSecond` alone. */
export function estimateWait(position: number, ratePerSecond: number | null, band?: RateBand | null): WaitEstimate | null {
  if (ratePerSecond === null || ratePerSecond <= 0) return null;
  const eta = position / ratePerSecond;
  const fastest = Math.max(ratePerSecond, band?.fastest ?? 0);
  const slowest = Math.min(ratePerSecond, band && band.slowest > 0 ? band.slowest : ratePerSecond);
  return {
    etaSeconds: Math.ceil(eta),
    etaLowSeconds: Math.floor((position / fastest) * 0.75),
    etaHighSeconds: Math.ceil(((position + (band?.backlog ?? 0)) / slowest) * 1.5),
  };
}

/**
 * How far the rate may move before a pupil's turn, or null when it is steady. Two readings of the same
 * line: the rate the estimate uses (`admissionRate`: the limit while seats are free) and the rate measured
 * over the stats window. They agree on a steady line; they part when the rate was just moved (by an admin
 * or the autopilot), and a rate that just moved by a factor k may move by k again before the back of the
 * line gets in, so the band reaches beyond either reading. On the autopilot morning (bench:autopilot),
 * ranges from the current rate alone held 43 % of waits, with the band 71 % (docs/autopilot.md).
 */
export function rateBand(room: RoomSnapshot, now: number, rate = admissionRate(room, now)): RateBand | null {
  const observedMs = Math.min(STATS_WINDOW_MS, now - room.createdAt);
  if (rate === null || room.recentAdmissions < MIN_RATE_SAMPLES || observedMs <= 0) return null;
  const measured = room.recentAdmissions / (observedMs / 1000);
  const k = Math.max(rate, measured) / Math.min(rate, measured);
  // The measured rate was the turnover of more seats than the room now has: the excess leaves first.
  const backlog = Math.max(0, room.active - room.settings.capacity);
  // Within 10 %: a steady line (sessions end in lumps), today's range.
  if (k <= 1.1 && backlog === 0) return null;
  // k², not k: a wait past the stats window may see the move again (autopilot morning: k 64 %, k² 69 % before the backlog).
  return { slowest: Math.min(rate, measured) / (k * k), fastest: Math.max(rate, measured) * k * k, backlog };
}

/** The operator's bounds on the admission rate while the autopilot steers it (autopilot config). */
export interface SteeringBounds {
  minAdmitPerMinute: number;
  maxAdmitPerMinute: number;
}

/**
 * How far above the rate it starts from the autopilot may take it before the first measured admissions.
 * At 8:00 on the autopilot morning the room starts at the server's 60/min and the law ramps it to ~400/min
 * within 20 minutes: the 6 000 pupils waiting at the opening got in 1.0–8.9× faster than 60/min promised
 * (median 4.9×), and 5 971 of their 6 000 first statuses missed the range low (bench:autopilot).
 */
export const UNMEASURED_STEERED_SPEEDUP = 10;

/**
 * The band while the autopilot steers: the rate moves, but never beyond the bounds the operator set.
 * - nothing measured yet (the opening): the rate the room starts from is the law's first guess, not a
 *   measure; the low end allows the ramp (UNMEASURED_STEERED_SPEEDUP, within the ceiling), the high end
 *   stays on the current rate;
 * - a band from the measured rate: its k² reach is clamped to [min, max] admit per minute (on the autopilot
 *   morning it reached 0.05–143 admissions/s, a high end of 60 hours for a 21-minute wait).
 */
export function steeredBand(room: RoomSnapshot, now: number, steering: SteeringBounds, rate = admissionRate(room, now)): RateBand | null {
  if (rate === null) return null;
  const floor = steering.minAdmitPerMinute / 60;
  const ceiling = Math.max(floor, steering.maxAdmitPerMinute / 60);
  const band = rateBand(room, now, rate);
  if (band === null) {
    if (room.recentAdmissions >= MIN_RATE_SAMPLES) return null;
    return { slowest: rate, fastest: clamp(rate * UNMEASURED_STEERED_SPEEDUP, rate, Math.max(rate, ceiling)), backlog: 0 };
  }
  return { ...band, slowest: Math.min(rate, Math.max(band.slowest, floor)), fastest: Math.max(rate, Math.min(band.fastest, ceiling)) };
}

/**
 * The estimate a waiting pupil at `position` is shown: the room's rate, widened while it moves. `steering`:
 * the autopilot's bounds when it steers the room (queue/ticket-view.ts), absent otherwise.
 */
export function roomWaitEstimate(position: number, room: RoomSnapshot, now: number, steering?: SteeringBounds | null): WaitEstimate | null {
  // One reading of the rate for the estimate and its band: this runs on every status poll.
  const rate = admissionRate(room, now);
  return estimateWait(position, rate, steering ? steeredBand(room, now, steering, rate) : rateBand(room, now, rate));
}

/**
 * When a waiting client at `position` (1-based) of a line of `waiting` pupils should ask again: the larger
 * of two floors, clamped to [POLL_MIN_MS, maxMs] (maxMs: POLL_MAX_MS or less, see `graceSafePollMaxMs`;
 * docs/protocol.md, "Pacing"):
 * - by wait: a share of the estimated wait (half near the front, see POLL_WAIT_SHARE_NEAR), so polls
 *   grow denser as the admission nears and far pupils poll rarely;
 *   without an estimate, 1 s per place, at most POLL_STALLED_MAX_MS (an admin may open seats any time);
 * - by load: position × H(waiting) / budget, H the harmonic number. If every pupil sat on this floor the
 *   line would send Σ budget / (k·H) = budget requests per second: the load share grows with the line and
 *   with the position, so the front keeps its few-second pace while the back absorbs the budget.
 */
export function waitingPollAfterMs(
  position: number,
  waiting: number,
  estimate: WaitEstimate | null,
  budgetPerSecond = DEFAULT_STATUS_BUDGET_PER_SECOND,
  maxMs = POLL_MAX_MS,
): number {
  const byWait = estimate === null ? Math.min(position * 1000, POLL_STALLED_MAX_MS) : estimate.etaSeconds * 1000 * waitShare(estimate.etaSeconds);
  const byLoad = budgetPerSecond > 0 ? (position * harmonic(Math.max(waiting, position)) * 1000) / budgetPerSecond : 0;
  return Math.round(clamp(Math.max(byWait, byLoad), POLL_MIN_MS, Math.max(POLL_MIN_MS, Math.min(maxMs, POLL_MAX_MS))));
}

/** POLL_WAIT_SHARE_NEAR up to NEAR_S, then linear up to POLL_WAIT_SHARE_FAR at FAR_S and beyond. */
function waitShare(etaSeconds: number): number {
  const t = clamp((etaSeconds - NEAR_S) / (FAR_S - NEAR_S), 0, 1);
  return POLL_WAIT_SHARE_NEAR + t * (POLL_WAIT_SHARE_FAR - POLL_WAIT_SHARE_NEAR);
}

/** H(n) = 1 + 1/2 + … + 1/n, by its asymptotic expansion (within 1 % from n = 1, 1e-6 from n = 10). */
export function harmonic(n: number): number {
  if (n < 1) return 0;
  return Math.log(n) + 0.5772156649 + 1 / (2 * n) - 1 / (12 * n * n);
}

/** An admitted client only needs to show signs of life: three chances per session TTL. */
export function admittedPollAfterMs(sessionTtlMs: number): number {
  return Math.round(clamp(sessionTtlMs / 3, POLL_MIN_MS, 10 * 60_000));
}
