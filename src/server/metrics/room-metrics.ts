/**
 * The room series of /metrics, with a cost that does not grow with the number of rooms (anyone can make
 * rooms by joining): 20,000 junk rooms once made a 7.5 MB scrape that took 313 ms, and two scrape loops
 * took pupils' p50 from 0.8 to 403 ms. So:
 * - per-room series only for the rooms the operator named (`--rooms`, `--gate-rooms`, the admin API),
 *   at most MAX_ROOM_SERIES; every other room is summed under `room="_other"` and counted by
 *   `antichambre_rooms`;
 * - the store is read off the request path: a scrape serves the last reading and, when it is older than
 *   `refreshMs`, starts the next one after answering (named rooms, one read each); every room is walked
 *   only every `walkMs`, for the sums.
 * With Redis every instance reports the same room-wide numbers: aggregate with `max by (room)`, not `sum`.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RoomSnapshot, Store } from '../stores/store.js';

/** Per-room series at most: 50 rooms × 7 series stay under 10 KB a scrape. Enough for one ENT's rooms. */
export const MAX_ROOM_SERIES = 50;
/** The label of every room without its own series. Room ids are [a-z0-9-]: no room can be called this. */
export const OTHER_ROOMS = '_other';

export interface RoomMetricsOptions {
  store: Store;
  now: () => number;
  /** Rooms the operator named (`--rooms`, `--gate-rooms`); rooms configured by the admin API are added as they come. */
  namedRooms?: Iterable<string>;
  /**
   * How old the named rooms' values may be before a scrape starts a new reading. Default 10 s: below
   * Prometheus's usual 15 s scrape interval, so each scrape sees fresh values.
   */
  refreshMs?: number;
  /** How often every room is walked for `_other` and `antichambre_rooms`. Default 60 s. */
  walkMs?: number;
  /** Called after each reading (the exposition text cached from older values is then stale). */
  onRead?: () => void;
}

export class RoomMetrics {
  private readonly gauges;
  private readonly admissions;
  private readonly expirations;
  private readonly roomCount;
  private readonly named = new Set<string>();
  private readonly refreshMs: number;
  private readonly walkMs: number;
  /** The unnamed rooms, from the last walk. */
  private others: RoomSnapshot[] = [];
  private readAt = Number.NEGATIVE_INFINITY;
  private walkedAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | null = null;

  constructor(registry: Registry, private readonly options: RoomMetricsOptions) {
    const registers = [registry];
    const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['room'] as const, registers });
    this.gauges = {
      waiting: gauge('antichambre_room_waiting', 'Pupils waiting in line (pre-queue included).'),
      active: gauge('antichambre_room_active', 'Admitted sessions holding a seat.'),
      capacity: gauge('antichambre_room_capacity', 'Seats: max admitted sessions at once.'),
      open: gauge('antichambre_room_open', '1 when admissions are open, 0 when paused (named rooms only).'),
    };
    this.admissions = new Counter({
      name: 'antichambre_admissions_total',
      help: 'Pupils admitted since the room was created (room-wide, from the store).',
      labelNames: ['room'] as const,
      registers,
    });
    this.expirations = new Counter({
      name: 'antichambre_expirations_total',
      help: 'Tickets that expired since the room was created, by the state they were in (room-wide, from the store).',
      labelNames: ['room', 'state'] as const,
      registers,
    });
    this.roomCount = new Gauge({
      name: 'antichambre_rooms',
      help: `Rooms in the store, named or not (walked every minute at most; the unnamed ones are summed as room="${OTHER_ROOMS}").`,
      registers,
    });
    for (const room of options.namedRooms ?? []) this.nameRoom(room);
    this.refreshMs = options.refreshMs ?? 10_000;
    this.walkMs = options.walkMs ?? 60_000;
  }

  /** Gives a room its own series (an admin configured it), while fewer than MAX_ROOM_SERIES have one. */
  nameRoom(room: string): void {
    if (this.named.size >= MAX_ROOM_SERIES || this.named.has(room)) return;
    this.named.add(room);
    this.others = this.others.filter((snapshot) => snapshot.room !== room);
  }

  /**
   * Called by each scrape: a stale reading starts a new one that this scrape does not wait for, except
   * the very first (nothing to show yet). Scraping in a loop therefore reads the store at most once per
   * refreshMs.
   */
  async beforeScrape(): Promise<void> {
    const now = this.options.now();
    if (this.reading !== null || now - this.readAt < this.refreshMs) return;
    const first = this.readAt === Number.NEGATIVE_INFINITY;
    // After this answer is written (setImmediate): the memory store walks its rooms synchronously.
    const after = first ? Promise.resolve() : new Promise<void>((resolve) => setImmediate(resolve));
    this.reading = after.then(() => this.read(now)).finally(() => (this.reading = null));
    // A failed reading keeps the previous values; the store's trouble shows on /healthz and the API.
    const done = this.reading.catch(() => {});
    if (first) await done;
  }

  private async read(now: number): Promise<void> {
    const { store } = this.options;
    let named: (RoomSnapshot | null)[];
    if (now - this.walkedAt >= this.walkMs) {
      const all = await store.listRooms(now);
      this.walkedAt = now;
      this.roomCount.set(all.length);
      named = all.filter((snapshot) => this.named.has(snapshot.room));
      this.others = all.filter((snapshot) => !this.named.has(snapshot.room));
    } else {
      named = await Promise.all([...this.named].map((room) => store.roomStatus(room, now)));
    }
    this.readAt = now;
    // Reset first: a room that disappeared must not linger with its last value.
    for (const series of [...Object.values(this.gauges), this.admissions, this.expirations]) series.reset();
    for (const snapshot of named) if (snapshot !== null) this.show(snapshot.room, [snapshot]);
    if (this.others.length > 0) this.show(OTHER_ROOMS, this.others);
    this.options.onRead?.();
  }

  /** Sets one label's series to the sum of these rooms. */
  private show(room: string, snapshots: readonly RoomSnapshot[]): void {
    let waiting = 0;
    let active = 0;
    let capacity = 0;
    let admitted = 0;
    let expiredWaiting = 0;
    let expiredSessions = 0;
    let counted = false;
    for (const snapshot of snapshots) {
      waiting += snapshot.waiting;
      active += snapshot.active;
      capacity += snapshot.settings.capacity;
      const totals = snapshot.totals;
      if (!totals) continue; // this store does not count: no series rather than a false 0
      counted = true;
      admitted += totals.admitted;
      expiredWaiting += totals.expiredWaiting;
      expiredSessions += totals.expiredSessions;
    }
    this.gauges.waiting.set({ room }, waiting);
    this.gauges.active.set({ room }, active);
    this.gauges.capacity.set({ room }, capacity);
    if (room !== OTHER_ROOMS) this.gauges.open.set({ room }, snapshots[0]!.settings.open ? 1 : 0);
    if (!counted) return;
    this.admissions.inc({ room }, admitted);
    this.expirations.inc({ room, state: 'waiting' }, expiredWaiting);
    this.expirations.inc({ room, state: 'admitted' }, expiredSessions);
  }
}
