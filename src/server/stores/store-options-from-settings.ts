/**
 * The store options every store builds from the server settings (stores-from-settings.ts), so that both
 * get the same TTLs, defaults and room policy; and the stores' own defaults, from the same settings
 * object (config/settings.ts), so that a store built without options agrees with a server's.
 */
import { STATS_WINDOW_MS } from '../room-policy/pacing.js';
import { DEFAULT_SETTINGS, withDefaults, type ServerSettings } from '../config/settings.js';
import { declaredRoomSettings } from './room-policy.js';
import type { StoreOptions } from './store.js';

export function storeOptionsFromSettings(given: Partial<ServerSettings>): StoreOptions {
  const settings = withDefaults(given);
  const queue = queueOptions(settings);
  return {
    ...queue,
    declaredRooms: settings.declaredRooms && declaredRoomSettings(queue.defaults, settings.declaredRooms),
    createOnJoin: roomCreation(settings) === 'join',
    maxRooms: settings.maxRooms,
  };
}

/** What a store built with no options uses (`new MemoryStore()`, the simulator): DEFAULT_SETTINGS' queue. */
export const DEFAULT_STORE_OPTIONS: StoreOptions = queueOptions(DEFAULT_SETTINGS);

/** Room defaults, lifetimes and the ETA window: every option but the room policy's. */
function queueOptions(settings: ServerSettings): StoreOptions {
  return {
    defaults: { capacity: settings.capacity, admitPerMinute: settings.admitPerMinute, open: true },
    waitingTtlMs: settings.waitingTtlSeconds * 1000,
    sessionTtlMs: settings.sessionTtlSeconds * 1000,
    maxSessionMs: settings.maxSessionSeconds * 1000,
    admitGraceMs: settings.admitGraceSeconds * 1000,
    statsWindowMs: STATS_WINDOW_MS,
  };
}

/** `--room-creation`: `join` unless rooms are declared, then `admin`, unless said otherwise. */
export function roomCreation(settings: Partial<ServerSettings>): 'join' | 'admin' {
  return settings.roomCreation ?? (settings.declaredRooms ? 'admin' : 'join');
}
