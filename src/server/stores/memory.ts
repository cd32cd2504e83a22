/**
 * In-memory store: the default for `npm start` and tests. One process, state lost on restart.
 * Node runs one request's synchronous code at a time, so each method is atomic by construction.
 */
import type { RoomConfig } from '../../core/protocol/protocol.js';
import { MemoryRoom } from './memory-room.js';
import { roomPolicy, type RoomPolicy } from './room-policy.js';
import { settingsPatch } from './settings-patch.js';
import { DEFAULT_STORE_OPTIONS } from './store-options-from-settings.js';
import { RoomNotFoundError, TooManyRoomsError } from './store-errors.js';
import type { JoinResult, RoomSnapshot, Store, StoreOptions, TicketEndReason, TicketResult } from './store.js';

export interface MemoryStoreOptions extends Partial<StoreOptions> {
  /** Makes ticket ids; 122 random bits by default (unguessable, URL-safe). */
  newId?: () => string;
  /** Draws the pre-queue order at a scheduled opening; uniform in [0, 1). Tests pass a seeded one. */
  random?: () => number;
}

/** Idle rooms forgotten per call at most: ~11 µs each, so a call pays ~10 ms at worst (20,000 took 218 ms at once). */
const SWEEP_BUDGET = 1000;

export class MemoryStore implements Store {
  readonly options: StoreOptions;
  private readonly rooms = new Map<string, MemoryRoom>();
  /**
   * Rooms a join created (neither declared nor configured), least recently used first, with their last
   * use: forgotten from the front once idle (sweep), so junk joins cannot hold memory for good.
   */
  private readonly idle = new Map<string, number>();
  private readonly policy: RoomPolicy;
  private readonly newId: () => string;
  private readonly random: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    const { newId, random, ...rest } = options;
    this.options = { ...DEFAULT_STORE_OPTIONS, ...rest };
    this.policy = roomPolicy(this.options);
    this.random = random ?? Math.random;
    // randomUUID draws from a cached entropy pool: several times faster than randomBytes per call. The
    // global Web Crypto one (Node 20, browsers): the teachers' page runs this store in a worker.
    this.newId = newId ?? (() => globalThis.crypto.randomUUID().replaceAll('-', ''));
  }

  /** Rooms held now (forgotten ones excluded). */
  get roomCount(): number {
    return this.rooms.size;
  }

  async join(room: string, key: string, now: number, client?: string, lane?: string): Promise<JoinResult> {
    this.sweep(now);
    const state = this.getOrCreate(room, now, 'join').room;
    const { ticket, created } = state.join(key, this.newId(), now, client ?? null, lane);
    return { ticket, created, room: state.snapshot(now) };
  }

  async status(room: string, id: string, now: number): Promise<TicketResult | null> {
    const state = this.used(room, now);
    const ticket = state?.status(id, now);
    return state && ticket ? { ticket, room: state.snapshot(now) } : null;
  }

  async endReason(room: string, id: string, now: number): Promise<TicketEndReason | null> {
    return this.used(room, now)?.endReason(id, now) ?? null;
  }

  async isAdmitted(room: string, id: string, now: number): Promise<boolean> {
    return this.rooms.get(room)?.isAdmitted(id, now) ?? false;
  }

  async isLive(room: string, id: string, now: number): Promise<boolean> {
    return this.rooms.get(room)?.isLive(id, now) ?? false;
  }

  async release(room: string, id: string, now: number): Promise<void> {
    this.used(room, now)?.release(id, now);
  }

  async configureRoom(room: string, patch: RoomConfig, now: number): Promise<{ room: RoomSnapshot; created: boolean }> {
    this.sweep(now);
    const { room: state, created } = this.getOrCreate(room, now, 'admin');
    this.idle.delete(room); // configured: kept like a declared room
    state.settings = { ...state.settings, ...settingsPatch(patch) };
    state.advance(now);
    return { room: state.snapshot(now), created };
  }

  async roomStatus(room: string, now: number): Promise<RoomSnapshot | null> {
    // /healthz reads a room: a load balancer's health checks keep forgetting idle rooms without joins.
    this.sweep(now);
    const state = this.policy.declared.has(room) ? this.getOrCreate(room, now, 'read').room : this.used(room, now);
    if (!state) return null;
    state.advance(now);
    return state.snapshot(now);
  }

  async advance(room: string, now: number): Promise<void> {
    this.used(room, now)?.advance(now);
  }

  async listRooms(now: number): Promise<RoomSnapshot[]> {
    this.sweep(now, Number.POSITIVE_INFINITY); // it reads every room anyway
    for (const declared of this.policy.declared.keys()) this.getOrCreate(declared, now, 'read');
    const rooms = [...this.rooms.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return rooms.map((state) => {
      state.advance(now);
      return state.snapshot(now);
    });
  }

  /** The room, counting this call as a use (it moves to the back of the idle order). */
  private used(room: string, now: number): MemoryRoom | undefined {
    const state = this.rooms.get(room);
    if (state !== undefined && this.idle.has(room)) {
      this.idle.delete(room);
      this.idle.set(room, now);
    }
    return state;
  }

  /**
   * The room, created if missing: from its declaration if declared (by any caller), else from the
   * defaults, by an admin call, or by a join when joins may create rooms and there are fewer than maxRooms.
   */
  private getOrCreate(room: string, now: number, by: 'join' | 'admin' | 'read'): { room: MemoryRoom; created: boolean } {
    const existing = this.used(room, now);
    if (existing) return { room: existing, created: false };
    const declared = this.policy.declared.get(room);
    if (declared === undefined && by === 'join') {
      if (!this.policy.createOnJoin) throw new RoomNotFoundError(room);
      if (this.rooms.size >= this.policy.maxRooms) throw new TooManyRoomsError(this.policy.maxRooms);
    }
    const created = new MemoryRoom(room, { ...(declared ?? { opensAt: null, ...this.options.defaults }) }, now, this.options, this.random);
    this.rooms.set(room, created);
    if (declared === undefined && by === 'join') this.idle.set(room, now);
    return { room: created, created: true };
  }

  /**
   * Forgets the rooms a join created that nobody used for idleTtl (by then every ticket they held has
   * expired). Lazy, from the front of the idle order: O(1) when nothing is due, and each room is swept
   * once, at most `budget` per call so that no request pays for a whole backlog. A room still holding
   * tickets (it cannot, unless the TTLs were raised) goes to the back instead.
   */
  private sweep(now: number, budget = SWEEP_BUDGET): void {
    for (const [name, usedAt] of this.idle) {
      if (usedAt + this.policy.idleTtlMs > now || budget-- <= 0) return;
      this.idle.delete(name);
      const state = this.rooms.get(name);
      if (state === undefined) continue;
      state.advance(now);
      const { waiting, active } = state.snapshot(now);
      if (waiting === 0 && active === 0) this.rooms.delete(name);
      else this.idle.set(name, now);
    }
  }
}
