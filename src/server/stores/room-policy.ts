/**
 * Which rooms exist and for how long, the same for every store: rooms the operator declared are
 * created from their declaration whenever missing and never forgotten; rooms an admin configured are
 * kept; rooms a pupil's join created (when allowed) are forgotten once idle, so anonymous joins cannot
 * grow the server's state without bound.
 */
import type { RoomConfig } from '../../core/protocol/protocol.js';
import { settingsPatch } from './settings-patch.js';
import type { RoomSettings, StoreOptions } from './store.js';

export interface RoomPolicy {
  declared: ReadonlyMap<string, RoomSettings>;
  createOnJoin: boolean;
  maxRooms: number;
  idleTtlMs: number;
}

export const DEFAULT_MAX_ROOMS = 10_000;

/**
 * The store options' room policy with its defaults. Idle TTL: once a room has not been used for the
 * longest a ticket can live unseen (waiting or session TTL, plus the admission grace and the stats
 * window), every ticket it held has expired: forgetting it then loses nothing but its counters.
 */
export function roomPolicy(options: StoreOptions): RoomPolicy {
  const { waitingTtlMs, sessionTtlMs, admitGraceMs, statsWindowMs } = options;
  return {
    declared: new Map(Object.entries(options.declaredRooms ?? {})),
    createOnJoin: options.createOnJoin ?? true,
    maxRooms: options.maxRooms ?? DEFAULT_MAX_ROOMS,
    idleTtlMs: options.roomIdleTtlMs ?? Math.max(waitingTtlMs, sessionTtlMs) + admitGraceMs + statsWindowMs,
  };
}

/** A declaration from `--rooms FILE` (protocol RoomConfig, every field optional) completed with the defaults. */
export function declaredRoomSettings(defaults: RoomSettings, declared: Readonly<Record<string, RoomConfig>>): Record<string, RoomSettings> {
  return Object.fromEntries(Object.entries(declared).map(([room, config]) => [room, { opensAt: null, ...defaults, ...settingsPatch(config) }]));
}

/** The full RoomConfig that puts a room back to its declared settings (applied at start). */
export function declaredRoomConfig(settings: RoomSettings): RoomConfig {
  const opensAt = settings.opensAt ?? null;
  const config: RoomConfig = { capacity: settings.capacity, admitPerMinute: settings.admitPerMinute, open: settings.open, opensAt: opensAt === null ? null : new Date(opensAt).toISOString() };
  if (settings.lanes !== undefined) config.lanes = settings.lanes;
  return config;
}
