/**
 * Token buckets in Redis: the same limit for a client whichever instance the load balancer picks.
 * One Lua script per request, so concurrent requests of one client on two instances cannot both take
 * the last token. One key per client: fine for Redis Cluster (single-key scripts).
 */
import { readFileSync } from 'node:fs';
import type { RateDecision, RateLimitPolicy, RateLimiter } from './rate-limit.js';
import { LuaScript, type ScriptClient } from '../stores/lua-script.js';

const tokenBucket = new LuaScript(readFileSync(new URL('./token-bucket.lua', import.meta.url), 'utf8'));

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly client: ScriptClient,
    readonly policy: RateLimitPolicy,
    /** Same prefix as the store's keys, so one deployment's keys stay together. */
    private readonly prefix = 'antichambre',
    /** Which limit this is: several limits may share a client's address. */
    private readonly name = 'join',
    /** The store's view of Redis (redis-connection.ts), so a limiter failure is logged once per episode too. */
    private readonly health?: { failed(reason: string): void; succeeded(): void },
  ) {}

  /**
   * A Redis failure rejects with the store's StoreUnavailableError: 503 + Retry-After, not fail-open.
   * The limiter and the queue share one Redis: when the limiter cannot reach it, the join that follows
   * cannot either, and failing open would only make that join wait for a second timeout (2 s instead
   * of 1) to give the same 503.
   */
  async consume(client: string, now: number): Promise<RateDecision> {
    const key = `${this.prefix}:ratelimit:${this.name}:${client}`;
    let reply: unknown;
    try {
      reply = await tokenBucket.run(this.client, [key], [Math.floor(now), this.policy.perMinute, this.policy.burst]);
    } catch (error) {
      this.health?.failed(error instanceof Error ? error.message : String(error));
      throw error;
    }
    this.health?.succeeded();
    const [allowed, retryAfterMs] = Array.isArray(reply) ? reply.map(Number) : [1, 0];
    return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: retryAfterMs ?? 1000 };
  }
}
