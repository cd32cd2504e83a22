/**
 * The Redis store a server builds from its settings when started with `--redis-url` / `REDIS_URL`, and
 * the join rate limiter that goes with it: in the same Redis, so that every instance behind the load
 * balancer counts a client's joins once.
 */
import type { RateLimiter } from '../rate-limit.js';
import { RedisRateLimiter } from '../redis-rate-limiter.js';
import type { ServerSettings } from '../settings.js';
import { RedisStore } from './redis.js';
import { storeOptionsFromSettings, withDefaults } from './store-options-from-settings.js';

export function redisStoreFromSettings(url: string, given: Partial<ServerSettings>): RedisStore {
  return new RedisStore({ url, ...storeOptionsFromSettings(given) });
}

/** Joins per client counted in Redis, on the store's connection and key prefix; undefined when the limit is off (0). */
export function redisJoinLimiter(store: RedisStore, given: Partial<ServerSettings>): RateLimiter | undefined {
  const { joinLimitPerMinute: perMinute, joinBurst: burst } = withDefaults(given);
  // The same policy as the in-memory limiter of one instance (app.ts).
  return perMinute === 0 ? undefined : new RedisRateLimiter(store.client, { perMinute, burst }, store.prefix, 'join', store.health);
}
