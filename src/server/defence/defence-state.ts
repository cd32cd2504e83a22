/**
 * Per-room proof-of-work state, kept apart from the queue store (its Lua scripts know nothing of it):
 * the operator's mode, and until when an instance's flood rule raised the room. In memory for one
 * instance; in Redis (two small keys per room under the room's hash tag) when the queue is there, so a
 * flood one instance sees raises the room on every instance and an admin call reaches them all.
 */

import { LuaScript, type ScriptClient } from '../stores/lua-script.js';

/**
 * `auto` (default): proof of work only while the room looks flooded (flood-rule.ts). `on`: the operator's
 * "under attack" mode, every join pays. `off`: never, even when flooded (a room known to sit behind one NAT).
 */
export type DefenceMode = 'auto' | 'on' | 'off';
export const DEFENCE_MODES: readonly DefenceMode[] = ['auto', 'on', 'off'];

export interface RoomDefence {
  mode: DefenceMode;
  /** Clock time until which the room is raised by the flood rule; 0 when it never was. */
  raisedUntil: number;
}

export interface DefenceState {
  read(room: string, now: number): Promise<RoomDefence>;
  setMode(room: string, mode: DefenceMode): Promise<void>;
  /** The flood rule saw a flood: raise the room until `until` (never shortens a longer raise). */
  raise(room: string, until: number, now: number): Promise<void>;
}

/** Whether joins in this room must carry a proof of work now. */
export const powRequired = (defence: RoomDefence, now: number): boolean =>
  defence.mode === 'on' || (defence.mode === 'auto' && now < defence.raisedUntil);

export class MemoryDefenceState implements DefenceState {
  private readonly rooms = new Map<string, RoomDefence>();

  async read(room: string): Promise<RoomDefence> {
    return this.rooms.get(room) ?? { mode: 'auto', raisedUntil: 0 };
  }

  async setMode(room: string, mode: DefenceMode): Promise<void> {
    this.rooms.set(room, { ...(await this.read(room)), mode });
  }

  async raise(room: string, until: number): Promise<void> {
    const current = await this.read(room);
    if (until > current.raisedUntil) this.rooms.set(room, { ...current, raisedUntil: until });
  }
}

// Three one-line scripts rather than raw commands: the store's connection only promises EVALSHA/EVAL
// (lua-script.ts), and a failure then turns into the same 503 "unavailable" as the queue's own.
const readScript = new LuaScript("return redis.call('MGET', KEYS[1], KEYS[2])");
const modeScript = new LuaScript("if ARGV[1] == 'auto' then return redis.call('DEL', KEYS[1]) end return redis.call('SET', KEYS[1], ARGV[1])");
// Compare and set in one step: an instance whose flood rule raised the room for less must not shorten
// another instance's longer raise (the interface's promise, kept by the memory version too).
const raiseScript = new LuaScript(
  "if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 0 end return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])",
);

export class RedisDefenceState implements DefenceState {
  /** Per-instance copy, so a join costs Redis one read per room per `cacheMs`, not one per join. */
  private readonly cache = new Map<string, { at: number; value: RoomDefence }>();

  constructor(
    private readonly client: ScriptClient,
    private readonly prefix = 'antichambre',
    /** 1 s: an admin's "under attack" or another instance's raise reaches this one within a second. */
    private readonly cacheMs = 1000,
  ) {}

  async read(room: string, now: number): Promise<RoomDefence> {
    const cached = this.cache.get(room);
    if (cached && now - cached.at < this.cacheMs && now >= cached.at) return cached.value;
    const reply = await readScript.run(this.client, [this.key(room, 'mode'), this.key(room, 'raised')], []);
    const [mode, raised] = Array.isArray(reply) ? reply : [];
    const value: RoomDefence = { mode: mode === 'on' || mode === 'off' ? mode : 'auto', raisedUntil: Number(raised) || 0 };
    this.cache.set(room, { at: now, value });
    // A bounded cache: rooms beyond a few thousand are read again (memory stays flat under made-up rooms).
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }

  async setMode(room: string, mode: DefenceMode): Promise<void> {
    await modeScript.run(this.client, [this.key(room, 'mode')], [mode]);
    this.cache.delete(room);
  }

  async raise(room: string, until: number, now: number): Promise<void> {
    // The key expires with the raise: nothing to clean up after the attack.
    await raiseScript.run(this.client, [this.key(room, 'raised')], [String(until), Math.max(1, Math.ceil(until - now))]);
    this.cache.delete(room);
  }

  private key(room: string, name: string): string {
    return `${this.prefix}:{${room}}:defence:${name}`;
  }
}
