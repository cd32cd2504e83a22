/**
 * Per-client rate limiting, behind an interface so the limit can live in memory (one instance) or in
 * Redis (shared by every instance behind the load balancer), like the queue itself.
 *
 * The policy is a token bucket: a client may burst up to `burst` requests, then `perMinute` requests per
 * minute on average. A bucket rather than a fixed window: no double allowance at a window's edge.
 */

export interface RateLimitPolicy {
  /** Sustained allowance per client. */
  perMinute: number;
  /** Requests a client may make at once after being quiet. */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Counts one request of `client` at `now` (ms) and says whether it may go ahead. */
  consume(client: string, now: number): Promise<RateDecision>;
}

/** A bucket's state after refilling it to `now`: pure, so the memory and Redis versions cannot drift apart. */
export function refill(policy: RateLimitPolicy, tokens: number, updatedAt: number, now: number): number {
  const perMs = policy.perMinute / 60_000;
  return Math.min(policy.burst, tokens + Math.max(0, now - updatedAt) * perMs);
}

/** How long until a bucket holding `tokens` (< 1) holds one whole token again. */
export function msUntilToken(policy: RateLimitPolicy, tokens: number): number {
  return Math.ceil((1 - tokens) / (policy.perMinute / 60_000));
}

/** Lets every request through: `--join-limit 0`. */
export const unlimited: RateLimiter = { consume: async () => ({ allowed: true }) };
