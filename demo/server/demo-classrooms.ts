/**
 * The classrooms of the teachers' page: each visit opens a classroom of its own, so two teachers, or a
 * test run and a person, never push each other's pupils around, and "Recommencer" is simply a new one.
 *
 * Bounded, since anyone may open one: the classrooms live in a fixed pool of rooms (`demo-1`…`demo-N`),
 * so the store and /metrics never hold more than N demo rooms however many visits there were. A room is
 * reused once its classroom is closed (by the page, or unseen for `idleMs`), the one free the longest
 * first, after its simulated pupils left and its settings were put back. A classroom still being watched
 * is never taken away: when all N are, opening one more is refused (503 and Retry-After).
 */
import { randomBytes } from 'node:crypto';
import { Classroom, CLASSROOM_DEFAULTS, FIRST_CLASS } from './demo-classroom.js';
import type { DemoEnts } from './demo-ent.js';
import type { DemoOutages } from './demo-outage.js';
import type { ApiRequest } from './demo-pupil-group.js';
import { HttpError } from '../../src/server/http/errors.js';

export interface ClassroomsOptions {
  request: ApiRequest;
  adminToken: string;
  outages: DemoOutages;
  /** Gives each classroom a modelled ENT and the room's autopilot (the teachers' page); absent, neither. */
  ents?: DemoEnts;
  /** Rooms in the pool: at most this many classrooms at once, and demo rooms ever. */
  max?: number;
  /** A classroom whose page has not asked for its counters for this long is closed (the tab was closed). */
  idleMs?: number;
  now?: () => number;
}

/** Simulated pupils step this often (each asks the server only when the server told it to). */
const TICK_MS = 500;

export class Classrooms {
  /** By classroom id (room + letters). */
  private readonly classrooms = new Map<string, Classroom>();
  /** Every room of the pool → when it was last freed (0: never used), or null while a classroom holds it. */
  private readonly pool = new Map<string, number | null>();
  /** Rooms whose previous classroom is still sending its pupils home. */
  private readonly closing = new Map<string, Promise<void>>();
  private readonly idleMs: number;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly options: ClassroomsOptions) {
    this.idleMs = options.idleMs ?? 120_000;
    this.now = options.now ?? Date.now;
    for (let i = 1; i <= (options.max ?? 20); i++) this.pool.set(`demo-${i}`, 0);
  }

  /**
   * A classroom with the default settings and a first class of pupils in line. Its room is taken before
   * the first await, so concurrent calls never share a room nor go past the pool.
   */
  async open(): Promise<Classroom> {
    this.closeIdle();
    const room = this.freeRoom();
    this.pool.set(room, null);
    const id = `${room}-${randomBytes(4).toString('hex')}`;
    const { outages } = this.options;
    const classroom = new Classroom({ ...this.options, id, room, outageMs: () => outages.remainingMs(room), now: this.now });
    this.classrooms.set(id, classroom);
    try {
      await this.closing.get(room)?.catch(() => undefined);
      // Back to the starting settings: the previous teacher may have left 0 seats or 1 000 per minute.
      await classroom.configure(CLASSROOM_DEFAULTS);
      await classroom.startAutopilot();
      await classroom.addPupils(FIRST_CLASS);
    } catch (error) {
      await this.close(id);
      throw error;
    }
    this.startTicking();
    return classroom;
  }

  /** The classroom with this id, or a 404 the page can act on (closed, or the server restarted). */
  get(id: string): Classroom {
    const classroom = this.classrooms.get(id);
    if (!classroom) throw new HttpError(404, 'room-not-found', `No demo classroom "${id}" (closed after ${this.idleMs / 1000} s unseen, or the server restarted).`);
    return classroom;
  }

  /** Sends the classroom's pupils home and frees its room for another. */
  async close(id: string): Promise<void> {
    const classroom = this.classrooms.get(id);
    if (!classroom) return;
    this.classrooms.delete(id);
    const { room } = classroom;
    this.options.outages.end(room);
    const done = classroom.close().finally(() => {
      if (this.closing.get(room) === done) this.closing.delete(room);
    });
    this.closing.set(room, done);
    this.pool.set(room, this.now());
    if (this.classrooms.size === 0) this.stop();
    await done;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The room free the longest (so a phone left in it has most likely timed out), or a 503. */
  private freeRoom(): string {
    let best: string | undefined;
    let bestAt = Infinity;
    for (const [room, freedAt] of this.pool) {
      if (freedAt !== null && freedAt < bestAt) [best, bestAt] = [room, freedAt];
    }
    if (best !== undefined) return best;
    const oldest = Math.min(...[...this.classrooms.values()].map((c) => c.lastSeenAt));
    const retryAfter = Math.max(1, Math.ceil((oldest + this.idleMs - this.now()) / 1000));
    throw new HttpError(503, 'unavailable', 'Démo complète, réessayez dans une minute.', retryAfter);
  }

  private closeIdle(): void {
    const at = this.now();
    for (const classroom of this.classrooms.values()) {
      if (at - classroom.lastSeenAt > this.idleMs) void this.close(classroom.id).catch(() => undefined);
    }
  }

  private startTicking(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.closeIdle();
      for (const classroom of this.classrooms.values()) void classroom.tick().catch(() => undefined);
    }, TICK_MS);
    this.timer.unref();
  }
}
