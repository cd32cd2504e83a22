/**
 * In-memory store: the default for `npm start` and tests. One process, state lost on restart.
 * Node runs one request's synchronous code at a time, so each method is atomic by construction.
 */
import type { RoomConfig } from '../../core/protocol.js';
import { STATS_WINDOW_MS } from '../rooms.js';
import { MemoryRoom } from './memory-room.js';
import { settingsPatch } from './settings-patch.js';
import type { JoinResult, RoomSnapshot, Store, StoreOptions, TicketEndReason, TicketResult } from './store.js';

export interface MemoryStoreOptions extends Partial<StoreOptions> {
  /** Makes ticket ids; 122 random bits by default (unguessable, URL-safe). */
  newId?: () => string;
  /** Draws the pre-queue order at a scheduled opening; uniform in [0, 1). Tests pass a seeded one. */
  random?: () => number;
}

export const DEFAULT_STORE_OPTIONS: StoreOptions = {
  defaults: { capacity: 100, admitPerMinute: 60, open: true },
  waitingTtlMs: 10 * 60_000,
  sessionTtlMs: 30 * 60_000,
  admitGraceMs: 3 * 60_000,
  statsWindowMs: STATS_WINDOW_MS,
};

export class MemoryStore implements Store {
  readonly options: StoreOptions;
  private readonly rooms = new Map<string, MemoryRoom>();
  private readonly newId: () => string;
  private readonly random: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    const { newId, random, ...rest } = options;
    this.options = { ...DEFAULT_STORE_OPTIONS, ...rest };
    this.random = random ?? Math.random;
    // randomUUID draws from a cached entropy pool: several times faster than randomBytes per call. The
    // global Web Crypto one (Node 20, browsers): the teachers' page runs this store in a worker.
    this.newId = newId ?? (() => globalThis.crypto.randomUUID().replaceAll('-', ''));
  }

  async join(room: string, key: string, now: number): Promise<JoinResult> {
    const state = this.getOrCreate(room, now).room;
    const { ticket, created } = state.join(key, this.newId(), now);
    return { ticket, created, room: state.snapshot(now) };
  }

  async status(room: string, id: string, now: number): Promise<TicketResult | null> {
    const state = this.rooms.get(room);
    const ticket = state?.status(id, now);
    return state && ticket ? { ticket, room: state.snapshot(now) } : null;
  }

  async endReason(room: string, id: string, now: number): Promise<TicketEndReason | null> {
    return this.rooms.get(room)?.endReason(id, now) ?? null;
  }

  async release(room: string, id: string, now: number): Promise<void> {
    this.rooms.get(room)?.release(id, now);
  }

  async configureRoom(room: string, patch: RoomConfig, now: number): Promise<{ room: RoomSnapshot; created: boolean }> {
    const { room: state, created } = this.getOrCreate(room, now);
    state.settings = { ...state.settings, ...settingsPatch(patch) };
    state.advance(now);
    return { room: state.snapshot(now), created };
  }

  async roomStatus(room: string, now: number): Promise<RoomSnapshot | null> {
    const state = this.rooms.get(room);
    if (!state) return null;
    state.advance(now);
    return state.snapshot(now);
  }

  async advance(room: string, now: number): Promise<void> {
    this.rooms.get(room)?.advance(now);
  }

  async listRooms(now: number): Promise<RoomSnapshot[]> {
    const rooms = [...this.rooms.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return rooms.map((state) => {
      state.advance(now);
      return state.snapshot(now);
    });
  }

  private getOrCreate(room: string, now: number): { room: MemoryRoom; created: boolean } {
    const existing = this.rooms.get(room);
    if (existing) return { room: existing, created: false };
    const created = new MemoryRoom(room, { opensAt: null, ...this.options.defaults }, now, this.options, this.random);
    this.rooms.set(room, created);
    return { room: created, created: true };
  }
}
