/**
 * Models of peers' published client behaviour (sources and assumptions in docs/benchmarks.md, "The
 * policies", and beside each model below). Each is what a page does between two answers; none reads
 * `pollAfterMs`.
 */
import { proportionalJitter } from '../core/wait/jitter.js';
import type { ClientModel } from './client-model.js';

/**
 * Cloudflare Waiting Room: the page refreshes every `refreshIntervalSeconds` (20 s by default), no jitter,
 * whatever happened; the place (cookie) is kept 5 minutes after the last refresh.
 */
export const cloudflare20s: ClientModel<null> = {
  name: 'cloudflare-20s',
  waitingTtlMs: 5 * 60_000,
  requestsPerPoll: 1,
  create: () => null,
  next: (state) => ({ state, delayMs: 20_000 }),
};

/**
 * AWS Virtual Waiting Room sample page: `/serving_num` and `/waiting_num` every 3 s (UPDATE_INTERVAL_MS);
 * a failed poll is retried by axios-retry, exponential without jitter (2^n × 100 ms), 10 retries at most,
 * then the page gives up and the pupil reloads, which joins again. Position expires after 900 s.
 */
export const awsVwrSample: ClientModel<{ retries: number }> = {
  name: 'aws-vwr-sample',
  waitingTtlMs: 900_000,
  requestsPerPoll: 2,
  create: () => ({ retries: 0 }),
  next(state, answer) {
    if (answer.kind === 'ok') return { state: { retries: 0 }, delayMs: 3_000 };
    const retries = state.retries + 1;
    return retries > 10 ? null : { state: { retries }, delayMs: 2 ** retries * 100 };
  },
};

/**
 * vercel-labs/nextjs-waiting-room `queue-position-client.tsx`: 60 s when the estimate is ≥ 15 min, 30 s
 * when ≥ 5 min, 15 s when ≥ 1 min or position > 25, else 5 s; ±15 % jitter, never under 5 s; 15 s while
 * the queue is unavailable. Heartbeat TTL 1,800 s.
 */
export const vercelTiers: ClientModel<null> = {
  name: 'vercel-tiers',
  waitingTtlMs: 1_800_000,
  requestsPerPoll: 1,
  create: () => null,
  next(state, answer, _now, random) {
    const base = answer.kind === 'ok' ? vercelTier(answer.etaSeconds, answer.position) : 15_000;
    return { state, delayMs: Math.max(5_000, proportionalJitter(base, 0.15, random)) };
  },
};

function vercelTier(etaSeconds: number | null, position: number): number {
  if (etaSeconds !== null && etaSeconds >= 900) return 60_000;
  if (etaSeconds !== null && etaSeconds >= 300) return 30_000;
  if ((etaSeconds !== null && etaSeconds >= 60) || position > 25) return 15_000;
  return 5_000;
}

/** The page nobody should ship: every second, answer or not. Our server's 10-minute place-keeping. */
export const naive1s: ClientModel<null> = {
  name: 'naive-1s',
  waitingTtlMs: 600_000,
  requestsPerPoll: 1,
  create: () => null,
  next: (state) => ({ state, delayMs: 1_000 }),
};
