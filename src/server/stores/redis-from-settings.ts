/** The Redis store a server builds from its settings when started with `--redis-url` / `REDIS_URL`. */
import { DEFAULT_SETTINGS, type ServerSettings } from '../settings.js';
import { RedisStore } from './redis.js';

export function redisStoreFromSettings(url: string, given: Partial<ServerSettings>): RedisStore {
  const settings = { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
  return new RedisStore({
    url,
    defaults: { capacity: settings.capacity, admitPerMinute: settings.admitPerMinute, open: true },
    waitingTtlMs: settings.waitingTtlSeconds * 1000,
    sessionTtlMs: settings.sessionTtlSeconds * 1000,
  });
}
