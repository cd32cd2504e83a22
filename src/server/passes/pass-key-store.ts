/**
 * Each room's `passKeys` (room config, admin API and `--rooms` file), kept apart from the queue store:
 * its Lua scripts never see them. In memory for one instance; in Redis (one key per room, in the room's
 * hash slot: `antichambre:{room}:passes`) when the queue is there, so an admin call reaches every instance.
 */
import * as v from 'valibot';
import { PassKeysSchema, type PassKeys } from '../../core/protocol/protocol.js';
import type { ScriptClient } from '../stores/lua-script.js';
import { readKeyScript, writeKeyScript } from '../stores/key-scripts.js';

export interface PassKeyStore {
  /** The room's keys; null when it has none (every pass is then refused as `pass-keys-missing`). */
  get(room: string, now: number): Promise<PassKeys | null>;
  /** null removes them. */
  set(room: string, keys: PassKeys | null): Promise<void>;
}

export class MemoryPassKeyStore implements PassKeyStore {
  private readonly rooms = new Map<string, PassKeys>();

  async get(room: string): Promise<PassKeys | null> {
    return this.rooms.get(room) ?? null;
  }

  async set(room: string, keys: PassKeys | null): Promise<void> {
    if (keys === null) this.rooms.delete(room);
    else this.rooms.set(room, keys);
  }
}

export class RedisPassKeyStore implements PassKeyStore {
  /** Per-instance copy, so joins with a pass cost Redis one read per room per `cacheMs`, not one each. */
  private readonly cache = new Map<string, { at: number; keys: PassKeys | null }>();

  constructor(
    private readonly client: ScriptClient,
    private readonly prefix = 'antichambre',
    /** 1 s: an admin's new keys reach every instance within a second. */
    private readonly cacheMs = 1000,
  ) {}

  async get(room: string, now: number): Promise<PassKeys | null> {
    const cached = this.cache.get(room);
    if (cached && now >= cached.at && now - cached.at < this.cacheMs) return cached.keys;
    const text = await readKeyScript.run(this.client, [this.key(room)], []);
    const keys = typeof text === 'string' ? parsed(text) : null;
    if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(room, { at: now, keys });
    return keys;
  }

  async set(room: string, keys: PassKeys | null): Promise<void> {
    await writeKeyScript.run(this.client, [this.key(room)], [keys === null ? '' : JSON.stringify(keys)]);
    this.cache.delete(room);
  }

  private key(room: string): string {
    return `${this.prefix}:{${room}}:passes`;
  }
}

/** What another version wrote and this one cannot read counts as no keys, not as a fault on every join. */
function parsed(text: string): PassKeys | null {
  try {
    const result = v.safeParse(PassKeysSchema, JSON.parse(text));
    return result.success ? result.output : null;
  } catch {
    return null;
  }
}
