/**
 * Redis (or Valkey) store: the queue shared by every server instance. Each operation is one Lua script
 * (see ./lua), so two instances admitting at the same moment are serialised by Redis: capacity is
 * never exceeded, the line is admitted in order, and a ticket is admitted once. Positions come from a
 * sorted set by join order (ZRANK, O(log n)), exact at 100k waiting.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RoomConfig } from '../../core/protocol.js';
import { RATE_WINDOW_MS } from '../rooms.js';
import type { ScriptClient } from './lua-script.js';
import { DEFAULT_STORE_OPTIONS } from './memory.js';
import { DEFAULT_PREFIX, roomKeys, roomsKey } from './redis-keys.js';
import { parseRoom, parseStatusBatch, parseTicket } from './redis-replies.js';
import { redisScripts } from './redis-scripts.js';
import { settingsPatch } from './settings-patch.js';
import type { JoinResult, RoomSnapshot, Store, StoreOptions, TicketEndReason, TicketResult } from './store.js';

/** What the store needs of a connection: scripts plus the room registry. ioredis `Redis` and `Cluster` fit. */
export interface RedisClient extends ScriptClient {
  sadd(key: string, member: string): Promise<number>;
  smembers(key: string): Promise<string[]>;
  quit(): Promise<unknown>;
}

export interface RedisStoreOptions extends Partial<StoreOptions> {
  /** `redis://…` or `rediss://…`; ignored when `client` is given. */
  url?: string;
  /** A connection made by the caller (e.g. an ioredis `Cluster`); the caller closes it. */
  client?: RedisClient;
  /** Prefix of every key, so several deployments (or tests) share one Redis. */
  prefix?: string;
  newId?: () => string;
  /** Pre-queue draw, uniform in [0, 1). */
  random?: () => number;
  /** Appends every admission to a per-room list (`seq id activeAfter now`); tests check the invariants on it. */
  audit?: boolean;
}

/** Status calls per script run: bounds how long one script holds Redis (~10 µs per call). */
const STATUS_BATCH = 128;

interface StatusCall {
  id: string;
  now: number;
  resolve: (result: TicketResult | null) => void;
  reject: (error: unknown) => void;
}

// randomInt takes at most 2^48 − 1 values: 48 bits, far finer than a score can tell apart anyway.
const DRAW_RESOLUTION = 2 ** 48 - 1;

export class RedisStore implements Store {
  readonly options: StoreOptions;
  readonly prefix: string;
  /** Also carries the Redis join rate limiter of a server started with `--redis-url` (serve.ts). */
  readonly client: RedisClient;
  private readonly ownsClient: boolean;
  private readonly newId: () => string;
  private readonly random: () => number;
  private readonly audit: boolean;
  /** Status calls waiting for the next flush, by room. */
  private pendingStatus = new Map<string, StatusCall[]>();

  constructor(options: RedisStoreOptions = {}) {
    const { url, client, prefix, newId, random, audit, ...rest } = options;
    this.options = { ...DEFAULT_STORE_OPTIONS, ...rest };
    this.prefix = prefix ?? DEFAULT_PREFIX;
    // Auto-pipelining sends the scripts of concurrent requests in one write: far fewer syscalls under load.
    // Few retries: a pupil's client retries with backoff anyway, better a quick error than a hung request.
    this.client = client ?? new Redis(url ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true, maxRetriesPerRequest: 2 });
    this.ownsClient = client === undefined;
    this.newId = newId ?? (() => randomUUID().replaceAll('-', ''));
    this.random = random ?? (() => randomInt(DRAW_RESOLUTION) / DRAW_RESOLUTION);
    this.audit = audit ?? false;
  }

  async join(room: string, key: string, now: number): Promise<JoinResult> {
    const reply = await this.run('join', room, now, [key, this.newId(), String(this.random())]);
    const result = parseTicket(room, reply);
    await this.registerIfNew(room, reply);
    return result;
  }

  /**
   * Status polls are the bulk of a surge. The calls made in the same turn of the event loop are sent
   * together, one script per room (lua/status.lua), which runs them one after the other in time order:
   * each answer is exactly what the call alone would have got at its `now` (positions exact, admission
   * atomic), for one round trip, one script start and one expiry/admission pass per distinct
   * millisecond instead of one each. The wait is a setImmediate, not a timer.
   */
  status(room: string, id: string, now: number): Promise<TicketResult | null> {
    return new Promise((resolve, reject) => {
      let calls = this.pendingStatus.get(room);
      if (calls === undefined) {
        calls = [];
        this.pendingStatus.set(room, calls);
        if (this.pendingStatus.size === 1) setImmediate(() => this.flushStatus());
      }
      calls.push({ id, now, resolve, reject });
    });
  }

  private flushStatus(): void {
    const pending = this.pendingStatus;
    this.pendingStatus = new Map();
    for (const [room, calls] of pending) {
      calls.sort((a, b) => a.now - b.now); // stable: same-millisecond calls keep their order
      for (let start = 0; start < calls.length; start += STATUS_BATCH) void this.statusBatch(room, calls.slice(start, start + STATUS_BATCH));
    }
  }

  private async statusBatch(room: string, calls: readonly StatusCall[]): Promise<void> {
    try {
      const args: string[] = [];
      for (const call of calls) args.push(String(call.now), call.id);
      const results = parseStatusBatch(room, await this.run('status', room, calls[0]!.now, args), calls.length);
      calls.forEach((call, i) => call.resolve(results[i]!));
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  }

  async endReason(room: string, id: string, now: number): Promise<TicketEndReason | null> {
    return (await this.run('ended', room, now, [id])) === 1 ? 'admission-unclaimed' : null;
  }

  async release(room: string, id: string, now: number): Promise<void> {
    await this.run('release', room, now, [id]);
  }

  async configureRoom(room: string, patch: RoomConfig, now: number): Promise<{ room: RoomSnapshot; created: boolean }> {
    const settings = settingsPatch(patch);
    const keep = (value: number | boolean | undefined): string => (value === undefined ? '' : String(Number(value)));
    const opensAt = settings.opensAt === undefined ? '' : settings.opensAt === null ? 'null' : String(settings.opensAt);
    const reply = await this.run('configure', room, now, [keep(settings.capacity), keep(settings.admitPerMinute), keep(settings.open), opensAt]);
    await this.registerIfNew(room, reply);
    const { snapshot, created } = parseRoom(room, reply);
    return { room: snapshot, created };
  }

  async roomStatus(room: string, now: number): Promise<RoomSnapshot | null> {
    const reply = await this.run('advance', room, now, []);
    return reply === null ? null : parseRoom(room, reply).snapshot;
  }

  async advance(room: string, now: number): Promise<void> {
    await this.run('advance', room, now, []);
  }

  async listRooms(now: number): Promise<RoomSnapshot[]> {
    const names = (await this.client.smembers(roomsKey(this.prefix))).sort();
    const rooms = await Promise.all(names.map((name) => this.roomStatus(name, now)));
    return rooms.filter((room): room is RoomSnapshot => room !== null);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit();
  }

  private run(name: keyof typeof redisScripts, room: string, now: number, args: readonly string[]): Promise<unknown> {
    const { defaults, waitingTtlMs, sessionTtlMs, statsWindowMs, admitGraceMs } = this.options;
    return redisScripts[name].run(this.client, roomKeys(this.prefix, room), [
      now,
      waitingTtlMs,
      sessionTtlMs,
      statsWindowMs,
      RATE_WINDOW_MS,
      defaults.capacity,
      defaults.admitPerMinute,
      defaults.open ? 1 : 0,
      defaults.opensAt ?? '',
      this.audit ? 1 : 0,
      admitGraceMs,
      ...args,
    ]);
  }

  /** The room registry lives outside the room's hash slot, so it cannot be in the script (Cluster). */
  private async registerIfNew(room: string, reply: unknown): Promise<void> {
    if (Array.isArray(reply) && reply[reply.length - 1] === 1) await this.client.sadd(roomsKey(this.prefix), room);
  }
}
