/** Token buckets in a Map: right for one instance. Several instances each keep their own count. */
import { msUntilToken, refill, type RateDecision, type RateLimitPolicy, type RateLimiter } from './rate-limit.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Above this many clients, full buckets are swept (at most once a minute) so memory follows active clients. */
const SWEEP_ABOVE = 10_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(readonly policy: RateLimitPolicy) {}

  async consume(client: string, now: number): Promise<RateDecision> {
    if (this.buckets.size > SWEEP_ABOVE && now - this.lastSweep > 60_000) this.sweep(now);
    const bucket = this.buckets.get(client) ?? { tokens: this.policy.burst, updatedAt: now };
    bucket.tokens = refill(this.policy, bucket.tokens, bucket.updatedAt, now);
    bucket.updatedAt = Math.max(bucket.updatedAt, now);
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: msUntilToken(this.policy, bucket.tokens) };
  }

  /** A full bucket is the same as no bucket: forget it. */
  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [client, bucket] of this.buckets) {
      if (refill(this.policy, bucket.tokens, bucket.updatedAt, now) >= this.policy.burst) this.buckets.delete(client);
    }
  }
}
