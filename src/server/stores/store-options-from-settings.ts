/**
 * The store options every store builds from the server settings (memory-from-settings.ts,
 * redis-from-settings.ts), so that both get the same TTLs, defaults and room policy.
 */
import { STATS_WINDOW_MS } from '../rooms.js';
import { DEFAULT_SETTINGS, type ServerSettings } from '../settings.js';
import { declaredRoomSettings } from './room-policy.js';
import type { StoreOptions } from './store.js';

export function storeOptionsFromSettings(given: Partial<ServerSettings>): StoreOptions {
  const settings = withDefaults(given);
  const defaults = { capacity: settings.capacity, admitPerMinute: settings.admitPerMinute, open: true };
  return {
    defaults,
    waitingTtlMs: settings.waitingTtlSeconds * 1000,
    sessionTtlMs: settings.sessionTtlSeconds * 1000,
    maxSessionMs: settings.maxSessionSeconds * 1000,
    admitGraceMs: settings.admitGraceSeconds * 1000,
    statsWindowMs: STATS_WINDOW_MS,
    declaredRooms: settings.declaredRooms && declaredRoomSettings(defaults, settings.declaredRooms),
    createOnJoin: roomCreation(settings) === 'join',
    maxRooms: settings.maxRooms,
  };
}

/** `--room-creation`: `join` unless rooms are declared, then `admin`, unless said otherwise. */
export function roomCreation(settings: Partial<ServerSettings>): 'join' | 'admin' {
  return settings.roomCreation ?? (settings.declaredRooms ? 'admin' : 'join');
}

export function withDefaults(given: Partial<ServerSettings>): ServerSettings {
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
}
