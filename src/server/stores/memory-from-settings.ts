/**
 * The in-memory store a server builds from its settings when started without Redis: the counterpart of
 * redis-from-settings.ts, so that every setting that shapes the queue (admitGrace included) reaches it.
 */
import type { ServerSettings } from '../settings.js';
import { MemoryStore } from './memory.js';
import { storeOptionsFromSettings } from './store-options-from-settings.js';

export function memoryStoreFromSettings(given: Partial<ServerSettings>): MemoryStore {
  return new MemoryStore(storeOptionsFromSettings(given));
}
