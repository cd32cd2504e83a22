/**
 * The Redis store a server builds from its settings when started with `--redis-url` / `REDIS_URL`, and
 * the join rate limiter that goes with it: in the same Redis, so that every instance behind the load
 * balancer counts a client's joins once.
 */
import type { RateLimiter } from '../rate-limit.js';
import { RedisRateLimiter } from '../redis-rate-limiter.js';
import { DEFAULT_SETTINGS, type ServerSettings } from '../settings.js';
import { RedisStore } from './redis.js';

export function redisStoreFromSettings(url: string, given: Partial<ServerSettings>): RedisStore {
  const settings = withDefaults(given);
  return new RedisStore({
    url,
    defaults: { capacity: settings.capacity, admitPerMinute: settings.admitPerMinute, open: true },
    waitingTtlMs: settings.waitingTtlSeconds * 1000,
    sessionTtlMs: settings.sessionTtlSeconds * 1000,
    admitGraceMs: settings.admitGraceSeconds * 1000,
  });
}

/** Joins per client counted in Redis, on the store's connection and key prefix; undefined when the limit is off (0). */
export function redisJoinLimiter(store: RedisStore, given: Partial<ServerSettings>): RateLimiter | undefined {
  const perMinute = withDefaults(given).joinLimitPerMinute;
  // The same policy as the in-memory limiter of one instance (app.ts).
  return perMinute === 0 ? undefined : new RedisRateLimiter(store.client, { perMinute, burst: perMinute }, store.prefix);
}

function withDefaults(given: Partial<ServerSettings>): ServerSettings {
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
}
