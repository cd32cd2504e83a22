/**
 * The in-memory store a server builds from its settings when started without Redis: the counterpart of
 * redis-from-settings.ts, so that every setting that shapes the queue (admitGrace included) reaches it.
 */
import { DEFAULT_SETTINGS, type ServerSettings } from '../settings.js';
import { MemoryStore } from './memory.js';

export function memoryStoreFromSettings(given: Partial<ServerSettings>): MemoryStore {
  const settings: ServerSettings = { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
  return new MemoryStore({
    defaults: { capacity: settings.capacity, admitPerMinute: settings.admitPerMinute, open: true },
    waitingTtlMs: settings.waitingTtlSeconds * 1000,
    sessionTtlMs: settings.sessionTtlSeconds * 1000,
    admitGraceMs: settings.admitGraceSeconds * 1000,
  });
}
