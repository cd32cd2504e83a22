/**
 * Key names of one room in Redis. The `{room}` hash tag puts all of a room's keys in one hash slot, so
 * each Lua script touches a single slot and Redis Cluster shards by room. Room ids are a-z, 0-9 and -
 * (protocol v1), so they can never contain the braces that would break the tag.
 */
import { MAX_LANES_IN_USE } from './lane-schedule.js';

export const DEFAULT_PREFIX = 'antichambre';

/** In the order the Lua prelude (lua/room.lua) reads KEYS. */
export function roomKeys(prefix: string, room: string): string[] {
  const base = `${prefix}:{${room}}`;
  return ['room', 'line', 'waiting-seen', 'sessions-seen', 'tickets', 'keys', 'admissions', 'audit', 'unclaimed', 'ended-unclaimed', 'clients', 'ticket-clients', 'lanes', 'ticket-lanes'].map((name) => `${base}:${name}`);
}

/**
 * The lines of a room's lanes other than the default one (which is `line`), by slot: passed after
 * roomKeys so every key a script touches is declared (Cluster). 8 lanes configured at most, plus room
 * for lanes removed while tickets still wait in them (lua/room.lua, "Lanes").
 */
export const LANE_SLOTS = MAX_LANES_IN_USE;
export function laneLineKeys(prefix: string, room: string): string[] {
  return Array.from({ length: LANE_SLOTS }, (_, i) => `${prefix}:{${room}}:line-${i + 1}`);
}

/** The set of room ids, for the admin listing. Outside any room's slot: kept up to date outside the scripts. */
export const roomsKey = (prefix: string): string => `${prefix}:rooms`;

/** The admission audit log (one line per admission: `seq id activeAfter now`); written only when enabled. */
export const auditKey = (prefix: string, room: string): string => roomKeys(prefix, room)[7];
