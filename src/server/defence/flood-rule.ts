/**
 * When do a room's joins look like a flood? A pure rule over the joins one instance accepts, with the time
 * passed in (no timers), so tests and the flood benchmark drive it with their own clock.
 *
 * A room is flooded when, within the last `windowMs`:
 * - one address made more than `perAddress` joins: beyond what a school behind one NAT brings at the bell
 *   (three classes of ~30 at once is the join limit's burst of 100, settings.ts); or
 * - the room took more than `roomPerMinuteFactor` × its admission rate in joins per minute: more pupils
 *   than a real surge brings. The national morning peaks at ~16,000 joins a minute for 1,350 admissions a
 *   minute (12×, src/sim/scenario.ts); the collège's Tuesday at ~1,200 for 250 (5×). 20× leaves room.
 * It stays flooded for `holdMs` after the last sign, so an attacker pausing a minute does not find the
 * door open again. The per-address count also sets how much harder each challenge is (pow-policy.ts).
 */

export interface FloodRuleOptions {
  windowMs?: number;
  perAddress?: number;
  roomPerMinuteFactor?: number;
  holdMs?: number;
  /** Addresses remembered per room; beyond this many in one window the room counts as flooded. */
  maxAddresses?: number;
}

export interface FloodReading {
  /** True while the room is flooded (or held so). */
  flooded: boolean;
  /** Joins this address made in the window, this one included. */
  addressJoins: number;
}

interface RoomWindow {
  /** Start of the current counting window. */
  since: number;
  joins: number;
  byAddress: Map<string, number>;
  /** The previous window's counts: the rate is read over a sliding window, prorated. */
  previousJoins: number;
  previousByAddress: Map<string, number>;
  floodedUntil: number;
}

export class FloodRule {
  private readonly rooms = new Map<string, RoomWindow>();
  readonly windowMs: number;
  private readonly perAddress: number;
  private readonly factor: number;
  readonly holdMs: number;
  private readonly maxAddresses: number;
  /** When rooms with nothing left to remember were last forgotten (see sweep). */
  private sweptAt = -Infinity;

  constructor({ windowMs = 60_000, perAddress = 100, roomPerMinuteFactor = 20, holdMs = 15 * 60_000, maxAddresses = 100_000 }: FloodRuleOptions = {}) {
    this.windowMs = windowMs;
    this.perAddress = perAddress;
    this.factor = roomPerMinuteFactor;
    this.holdMs = holdMs;
    this.maxAddresses = maxAddresses;
  }

  /** Counts one accepted join of `address` in `room` at `now`; `admitPerMinute` is the room's admission rate. */
  record(room: string, address: string, admitPerMinute: number, now: number): FloodReading {
    const w = this.windowOf(room, now);
    w.joins += 1;
    const own = (w.byAddress.get(address) ?? 0) + 1;
    if (w.byAddress.size < this.maxAddresses || w.byAddress.has(address)) w.byAddress.set(address, own);
    // Sliding window: the previous window weighs by how much of it still overlaps the last windowMs.
    const overlap = Math.max(0, 1 - (now - w.since) / this.windowMs);
    const addressJoins = own + Math.floor((w.previousByAddress.get(address) ?? 0) * overlap);
    const roomJoins = w.joins + w.previousJoins * overlap;
    const roomLimit = this.factor * admitPerMinute * (this.windowMs / 60_000);
    if (addressJoins > this.perAddress || roomJoins > roomLimit || w.byAddress.size >= this.maxAddresses) {
      w.floodedUntil = now + this.holdMs;
    }
    return { flooded: now < w.floodedUntil, addressJoins };
  }

  /** Joins `address` made in `room` within the window, without counting one. */
  addressJoins(room: string, address: string, now: number): number {
    const w = this.rooms.get(room);
    if (!w) return 0;
    const overlap = Math.max(0, 1 - (now - w.since) / this.windowMs);
    if (now - w.since >= 2 * this.windowMs) return 0;
    if (now - w.since >= this.windowMs) return Math.floor((w.byAddress.get(address) ?? 0) * (2 - (now - w.since) / this.windowMs));
    return (w.byAddress.get(address) ?? 0) + Math.floor((w.previousByAddress.get(address) ?? 0) * overlap);
  }

  /** Clock time until which `room` counts as flooded (0: never was). */
  floodedUntil(room: string): number {
    return this.rooms.get(room)?.floodedUntil ?? 0;
  }

  /** Whether `room` is flooded at `now`, without counting a join. */
  flooded(room: string, now: number): boolean {
    return now < (this.rooms.get(room)?.floodedUntil ?? 0);
  }

  private windowOf(room: string, now: number): RoomWindow {
    let w = this.rooms.get(room);
    if (!w) {
      this.sweep(now);
      w = { since: now, joins: 0, byAddress: new Map(), previousJoins: 0, previousByAddress: new Map(), floodedUntil: 0 };
      this.rooms.set(room, w);
    }
    if (now - w.since >= this.windowMs) {
      // One window later the current counts become the previous ones; two or more later, both are stale.
      const adjacent = now - w.since < 2 * this.windowMs;
      w.previousJoins = adjacent ? w.joins : 0;
      w.previousByAddress = adjacent ? w.byAddress : new Map();
      w.byAddress = new Map();
      w.joins = 0;
      w.since = adjacent ? w.since + this.windowMs : now;
    }
    return w;
  }

  /**
   * Forgets rooms whose counts are stale and whose raise has lapsed, at most once a window: 20,000 junk
   * rooms otherwise stayed in memory for good (48 MB measured), after the store itself had forgotten them.
   */
  private sweep(now: number): void {
    if (now - this.sweptAt < this.windowMs) return;
    this.sweptAt = now;
    for (const [room, w] of this.rooms) {
      if (now - w.since >= 2 * this.windowMs && now >= w.floodedUntil) this.rooms.delete(room);
    }
  }

  /** Rooms currently remembered (for tests and metrics). */
  get size(): number {
    return this.rooms.size;
  }
}
