/**
 * The store a server builds from its settings, in memory or in Redis (`--redis-url`, `--redis-cluster`,
 * `--redis-sentinels`), and with Redis the join rate limiter that goes with it: in the same Redis, so
 * that every instance behind the load balancer counts a client's joins once. Both stores get the same
 * options from the same settings (store-options-from-settings.ts), admitGrace included.
 */
import type { RateLimiter } from '../rate-limit/rate-limit.js';
import { RedisRateLimiter } from '../rate-limit/redis-rate-limiter.js';
import type { ServerSettings } from '../config/settings.js';
import { MemoryStore } from './memory.js';
import type { RedisTarget } from './redis-connection.js';
import { RedisStore } from './redis.js';
import { withDefaults } from '../config/settings.js';
import { storeOptionsFromSettings } from './store-options-from-settings.js';

export function memoryStoreFromSettings(given: Partial<ServerSettings>): MemoryStore {
  return new MemoryStore(storeOptionsFromSettings(given));
}

/**
 * `waitReplicas` absent: 1 on a Cluster or behind Sentinels (a failover must not lose an answered join;
 * measured cost in docs/capacity.md), 0 on a single Redis (no replica is promoted, nothing to wait for).
 */
export function redisStoreFromSettings(target: string | RedisTarget, given: Partial<ServerSettings>, waitReplicas?: number): RedisStore {
  const connection: RedisTarget = typeof target === 'string' ? { kind: 'url', url: target } : target;
  return new RedisStore({ connection, waitReplicas: waitReplicas ?? defaultWaitReplicas(connection), ...storeOptionsFromSettings(given) });
}

export const defaultWaitReplicas = (target: RedisTarget): number => (target.kind === 'url' ? 0 : 1);

/** Joins per client counted in Redis, on the store's connection and key prefix; undefined when the limit is off (0). */
export function redisJoinLimiter(store: RedisStore, given: Partial<ServerSettings>): RateLimiter | undefined {
  const { joinLimitPerMinute: perMinute, joinBurst: burst } = withDefaults(given);
  // The same policy as the in-memory limiter of one instance (app.ts).
  return perMinute === 0 ? undefined : new RedisRateLimiter(store.client, { perMinute, burst }, store.prefix, 'join', store.health);
}
