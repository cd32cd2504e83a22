/**
 * Redis (or Valkey) store: the queue shared by every server instance. Each operation is one Lua script
 * (see ./lua), so two instances admitting at the same moment are serialised by Redis: capacity is
 * never exceeded, the line is admitted in order, and a ticket is admitted once. Positions come from a
 * sorted set by join order (ZRANK, O(log n)), exact at 100k waiting.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { RoomConfig } from '../../core/protocol/protocol.js';
import { RATE_WINDOW_MS } from '../room-policy/pacing.js';
import type { ScriptClient } from './lua-script.js';
import { DEFAULT_STORE_OPTIONS } from './store-options-from-settings.js';
import { RedisHealth, createRedisClient, firstReady, withDeadline, REDIS_COMMAND_TIMEOUT_MS, type ConnectionEvents, type RedisTarget } from './redis-connection.js';
import { ReplicaWait } from './replica-wait.js';
import { DEFAULT_PREFIX, laneLineKeys, roomKeys, roomsKey } from './redis-keys.js';
import { DEFAULT_TIME_ZONE, localMinute, type LaneSettings } from './lane-schedule.js';
import { parseRoom, parseStatusBatch, parseTicket } from './redis-replies.js';
import { RedisRoomRegistry, type RegistryClient } from './redis-room-registry.js';
import { redisScripts } from './redis-scripts.js';
import { roomPolicy, type RoomPolicy } from './room-policy.js';
import { settingsPatch } from './settings-patch.js';
import { RoomNotFoundError, TooManyRoomsError, storeUnavailable } from './store-errors.js';
import type { JoinResult, RoomSnapshot, Store, StoreOptions, TicketEndReason, TicketResult } from './store.js';

/** What the store needs of a connection: scripts plus the room registry. ioredis `Redis` and `Cluster` fit. */
export interface RedisClient extends ScriptClient, RegistryClient, ConnectionEvents {
  quit(): Promise<unknown>;
}

export interface RedisStoreOptions extends Partial<StoreOptions> {
  /** `redis://…` or `rediss://…`; ignored when `client` is given. */
  url?: string;
  /** A Redis Cluster or Sentinel target (redis-connection.ts); takes precedence over `url`. */
  connection?: RedisTarget;
  /** Joins and admissions are answered once on this many replicas (replica-wait.ts). Default 0. */
  waitReplicas?: number;
  /** Times the replica wait's grace and probes (replica-wait.ts); the operations take `now` instead. Default Date.now. */
  replicaWaitClock?: () => number;
  /** A connection made by the caller (e.g. an ioredis `Cluster`); the caller closes it. */
  client?: RedisClient;
  /** Prefix of every key, so several deployments (or tests) share one Redis. */
  prefix?: string;
  newId?: () => string;
  /** Pre-queue draw, uniform in [0, 1). */
  random?: () => number;
  /** Appends every admission to a per-room list (`seq id activeAfter now`); tests check the invariants on it. */
  audit?: boolean;
  /** Where "Redis unavailable" / "Redis is back" go, once per episode. Default: stderr. */
  log?: (line: string) => void;
  /**
   * A call fails (503) when Redis has not answered within this long. Default 1 s (redis-connection.ts);
   * bulk loads from one process (tests, benchmarks) that keep thousands of calls in flight raise it.
   */
  commandTimeoutMs?: number;
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
  /** Whether Redis answers (for /healthz and the logs); the join limiter reports to it too. */
  readonly health: RedisHealth;
  private readonly connected: () => Promise<void>;
  private readonly commandTimeoutMs: number;
  private readonly policy: RoomPolicy;
  private readonly registry: RedisRoomRegistry;
  private readonly replicated: ReplicaWait;
  /**
   * Time zones whose minute of the day every script gets (Lua has no time zones): the default, the declared
   * rooms' lanes', those this instance configured, and any a script asked for (lua/room.lua, check_zones).
   */
  private readonly zones = new Set<string>([DEFAULT_TIME_ZONE]);

  constructor(options: RedisStoreOptions = {}) {
    const { url, connection, waitReplicas = 0, replicaWaitClock, client, prefix, newId, random, audit, log, commandTimeoutMs = REDIS_COMMAND_TIMEOUT_MS, ...rest } = options;
    this.options = { ...DEFAULT_STORE_OPTIONS, ...rest };
    this.prefix = prefix ?? DEFAULT_PREFIX;
    this.commandTimeoutMs = commandTimeoutMs;
    this.client = client ?? createRedisClient(connection ?? url ?? 'redis://127.0.0.1:6379', commandTimeoutMs);
    this.replicated = new ReplicaWait(this.client, waitReplicas, { clock: replicaWaitClock, log });
    this.ownsClient = client === undefined;
    this.health = new RedisHealth(log);
    this.health.watch(this.client);
    this.connected = firstReady(this.client, commandTimeoutMs);
    this.policy = roomPolicy(this.options);
    this.registry = new RedisRoomRegistry(this.client, roomsKey(this.prefix), (room) => roomKeys(this.prefix, room)[0]!);
    this.newId = newId ?? (() => randomUUID().replaceAll('-', ''));
    this.random = random ?? (() => randomInt(DRAW_RESOLUTION) / DRAW_RESOLUTION);
    this.audit = audit ?? false;
    for (const settings of this.policy.declared.values()) this.learnZones(settings.lanes);
  }

  private learnZones(lanes: readonly LaneSettings[] | undefined): void {
    for (const lane of lanes ?? []) if (lane.window) this.zones.add(lane.window.timeZone ?? DEFAULT_TIME_ZONE);
  }

  /**
   * Joins without creating the room first: nearly every join finds it. When it is missing, the
   * room-creation policy and --max-rooms decide (two more round trips, once per room).
   */
  async join(room: string, key: string, now: number, client?: string, lane?: string): Promise<JoinResult> {
    const args = [key, this.newId(), String(this.random()), client ?? '', lane ?? ''];
    let reply = await this.run('join', room, now, args);
    if (reply === null) {
      if (!this.policy.createOnJoin) throw new RoomNotFoundError(room);
      if (!(await this.onRegistry((registry) => registry.hasRoomFor(this.policy.maxRooms)))) throw new TooManyRoomsError(this.policy.maxRooms);
      reply = await this.run('join', room, now, args, true);
    }
    const result = parseTicket(room, reply);
    // Registered first: the retry of a refused join finds the room existing and would never register it.
    await this.registerIfNew(room, reply);
    await this.confirmed(room, result.ticket.state === 'admitted' ? [{ id: result.ticket.id, now, admittedAt: result.ticket.admittedAt }] : []);
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
      // Only an admission must outlive a failover; the pupils still waiting are answered at once.
      const admitted = calls.filter((_, i) => results[i]?.ticket.state === 'admitted');
      calls.forEach((call, i) => (results[i]?.ticket.state === 'admitted' ? undefined : call.resolve(results[i]!)));
      if (admitted.length === 0) return;
      try {
        await this.confirmed(room, admitted.map((call) => ({ ...call, admittedAt: results[calls.indexOf(call)]!.ticket.admittedAt })));
      } catch (error) {
        for (const call of admitted) call.reject(error);
        return;
      }
      calls.forEach((call, i) => (results[i]?.ticket.state === 'admitted' ? call.resolve(results[i]!) : undefined));
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  }

  /**
   * Resolves once the room's writes are on enough replicas (replica-wait.ts). When they are not, the
   * answers handing over `admissions` are refused (503), so their claim is undone (lua/unclaim.lua):
   * the retry still gets the admission, and a pupil who never retries frees the seat after the admit
   * grace instead of holding it for the session TTL.
   */
  private async confirmed(room: string, admissions: readonly { id: string; now: number; admittedAt: number | null }[]): Promise<void> {
    const keys = roomKeys(this.prefix, room);
    try {
      await this.guard(() => this.replicated.confirm(keys[0]!));
    } catch (error) {
      // An admission older than the grace that still holds its seat was claimed by an earlier answer
      // (unclaimed, it would have ended): a refused heartbeat of a seated pupil leaves its claim alone.
      const handedOver = admissions.filter(({ now, admittedAt }) => admittedAt !== null && now - admittedAt < this.options.admitGraceMs);
      if (handedOver.length > 0) {
        const args = handedOver.flatMap(({ id, now }) => [id, now]);
        // Best effort: if the primary does not answer either, the claim may not survive it anyway.
        await this.guard(() => redisScripts.unclaim.run(this.client, [keys[3]!, keys[8]!], args, this.commandTimeoutMs)).catch(() => undefined);
      }
      throw error;
    }
  }

  async endReason(room: string, id: string, now: number): Promise<TicketEndReason | null> {
    return (await this.run('ended', room, now, [id])) === 1 ? 'admission-unclaimed' : null;
  }

  async isAdmitted(room: string, id: string, now: number): Promise<boolean> {
    const keys = roomKeys(this.prefix, room);
    const { sessionTtlMs, admitGraceMs } = this.options;
    // Guarded like every call: a Redis that hangs answers within the command timeout, and the gate passes a valid token.
    const reply = await this.guard(() => redisScripts.admitted.run(this.client, [keys[3]!, keys[8]!, keys[4]!], [now, sessionTtlMs, admitGraceMs, id], this.commandTimeoutMs));
    return reply === 1;
  }

  async isLive(room: string, id: string, now: number): Promise<boolean> {
    const keys = roomKeys(this.prefix, room);
    const { waitingTtlMs, sessionTtlMs, admitGraceMs } = this.options;
    const reply = await this.guard(() =>
      redisScripts.live.run(this.client, [keys[2]!, keys[3]!, keys[8]!, keys[4]!], [now, waitingTtlMs, sessionTtlMs, admitGraceMs, id], this.commandTimeoutMs),
    );
    return reply === 1;
  }

  async release(room: string, id: string, now: number): Promise<void> {
    await this.run('release', room, now, [id]);
  }

  async configureRoom(room: string, patch: RoomConfig, now: number): Promise<{ room: RoomSnapshot; created: boolean }> {
    const settings = settingsPatch(patch);
    const keep = (value: number | boolean | undefined): string => (value === undefined ? '' : String(Number(value)));
    const opensAt = settings.opensAt === undefined ? '' : settings.opensAt === null ? 'null' : String(settings.opensAt);
    this.learnZones(settings.lanes);
    const lanes = settings.lanes === undefined ? '' : JSON.stringify(settings.lanes);
    const reply = await this.run('configure', room, now, [keep(settings.capacity), keep(settings.admitPerMinute), keep(settings.open), opensAt, lanes], true);
    await this.registerIfNew(room, reply);
    const { snapshot, created } = parseRoom(room, reply);
    return { room: snapshot, created };
  }

  async roomStatus(room: string, now: number): Promise<RoomSnapshot | null> {
    const reply = await this.run('advance', room, now, []);
    if (reply === null) return null;
    await this.registerIfNew(room, reply); // a declared room found missing was just recreated
    return parseRoom(room, reply).snapshot;
  }

  async advance(room: string, now: number): Promise<void> {
    await this.roomStatus(room, now);
  }

  /** Declared rooms are always listed (recreated if missing); rooms found gone leave the registry. */
  async listRooms(now: number): Promise<RoomSnapshot[]> {
    const names = [...new Set([...(await this.onRegistry((registry) => registry.names())), ...this.policy.declared.keys()])].sort();
    const rooms = await Promise.all(names.map((name) => this.roomStatus(name, now)));
    await Promise.all(names.map((name, i) => (rooms[i] === null ? this.onRegistry((registry) => registry.remove(name)) : undefined)));
    return rooms.filter((room): room is RoomSnapshot => room !== null);
  }

  /**
   * Resolves once the first connection is up, or after the command timeout: a server waits for it before
   * listening, so its first requests (and its join limiter, which has no such wait) find Redis ready.
   */
  whenConnected(): Promise<void> {
    return this.connected();
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.quit();
  }

  /**
   * Runs a room script. `create`: this call may create the room (an admin call, or a join the policy
   * allows); a declared room is created from its declaration by any script that creates (room.lua).
   */
  private async run(name: keyof typeof redisScripts, room: string, now: number, args: readonly string[], create = false): Promise<unknown> {
    try {
      return await this.runOnce(name, room, now, args, create);
    } catch (error) {
      // A room configured on another instance has a lane in a time zone this one did not know: learnt, once.
      const zone = /ANTICHAMBRE-ZONE (\S+)/.exec(String((error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : error))?.[1];
      if (zone === undefined || this.zones.has(zone)) throw error;
      this.zones.add(zone);
      return this.runOnce(name, room, now, args, create);
    }
  }

  private runOnce(name: keyof typeof redisScripts, room: string, now: number, args: readonly string[], create: boolean): Promise<unknown> {
    const { defaults, waitingTtlMs, sessionTtlMs, statsWindowMs, admitGraceMs, maxSessionMs } = this.options;
    const declared = this.policy.declared.get(room);
    const settings = declared ?? defaults;
    // ARGV[10]: audit, idle TTL, declared, create (room.lua); then the minute of the day in each known
    // time zone, and a declared room's lanes.
    const zones = [...this.zones].map((zone) => `${zone}=${localMinute(now, zone)}`).join(' ');
    const lanes = declared?.lanes?.length ? JSON.stringify(declared.lanes) : '';
    const flags = `${this.audit ? 1 : 0} ${Math.ceil(this.policy.idleTtlMs)} ${declared ? 1 : 0} ${create ? 1 : 0}\n${zones}\n${lanes}`;
    return this.guard(() =>
      redisScripts[name].run(this.client, [...roomKeys(this.prefix, room), ...laneLineKeys(this.prefix, room)], [
        now,
        waitingTtlMs,
        sessionTtlMs,
        statsWindowMs,
        RATE_WINDOW_MS,
        settings.capacity,
        settings.admitPerMinute,
        settings.open ? 1 : 0,
        settings.opensAt ?? '',
        flags,
        admitGraceMs,
        maxSessionMs,
        ...args,
      ], this.commandTimeoutMs),
    );
  }

  /**
   * Every Redis call of the store: waits for the first connection (bounded), turns any failure into a
   * StoreUnavailableError (503), and tells RedisHealth, which logs once per episode.
   */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      await this.connected();
      const result = await call();
      this.health.succeeded();
      return result;
    } catch (error) {
      const unavailable = storeUnavailable(error);
      this.health.failed(unavailable.message);
      throw unavailable;
    }
  }

  /** A registry call, guarded like a script, with the same deadline (scripts get it in LuaScript.run). */
  private onRegistry<T>(call: (registry: RedisRoomRegistry) => Promise<T>): Promise<T> {
    return this.guard(() => withDeadline(call(this.registry), this.commandTimeoutMs));
  }

  /** The room registry lives outside the room's hash slot, so it cannot be in the script (Cluster). */
  private async registerIfNew(room: string, reply: unknown): Promise<void> {
    if (Array.isArray(reply) && reply[reply.length - 1] === 1) await this.onRegistry((registry) => registry.add(room));
  }
}
