/**
 * One teacher's playground on the teachers' page: a room of its own on the real API, a crowd of simulated
 * pupils in it, and the settings the page's controls change (seats, admissions per minute). Everything
 * goes through the in-process API, with the admin token for the settings: the browser never holds it.
 */
import { createPupilGroup, type ApiRequest, type PupilGroup } from './demo-pupil-group.js';

export interface ClassroomSettings {
  /** Seats: pupils logged in to the ENT at once. */
  capacity: number;
  admitPerMinute: number;
}

/** A small ENT, so that a class of 30 already makes a line. */
export const CLASSROOM_DEFAULTS: ClassroomSettings = { capacity: 5, admitPerMinute: 20 };
/** Pupils already in line when the page opens, ahead of the pupil on the phone. */
export const FIRST_CLASS = 12;

/** What the page shows next to the controls. */
export interface ClassroomCounters extends ClassroomSettings {
  /**
   * The classroom's address under `/demo/api/classes/`: its room and letters of its own, so that a page
   * whose classroom was closed (and its room given to another teacher) gets a 404, not someone else's line.
   */
  id: string;
  /** The queue room the pupils (and the phone) join: one of a fixed few, reused. */
  room: string;
  /** Pupils waiting in line (simulated ones and the phone). */
  waiting: number;
  /** Pupils logged in (seats taken). */
  active: number;
  /** Simulated pupils this classroom holds. */
  simulated: number;
  /** Seconds left of a simulated outage; 0 when the server is up. */
  outageSeconds: number;
}

export interface ClassroomOptions {
  /** Defaults to the room. */
  id?: string;
  room: string;
  request: ApiRequest;
  adminToken: string;
  /** Milliseconds left of the room's outage (demo-outage.ts); the simulated pupils wait it out too. */
  outageMs: () => number;
  now?: () => number;
  random?: () => number;
}

export class Classroom {
  readonly id: string;
  readonly room: string;
  /** Last time the page asked about this classroom: an abandoned one is closed. */
  lastSeenAt: number;
  private readonly pupils: PupilGroup;
  private readonly now: () => number;
  private ticking = false;
  /** Pupils asked for whose joins are still under way: counted at once, so concurrent requests see them. */
  private joining = 0;

  constructor(private readonly options: ClassroomOptions) {
    this.id = options.id ?? options.room;
    this.room = options.room;
    this.now = options.now ?? Date.now;
    this.lastSeenAt = this.now();
    const random = options.random ?? Math.random;
    // Long enough to hold the seat while the teacher watches, short enough for the line to move.
    this.pupils = createPupilGroup({ request: options.request, room: options.room, stayMs: () => 10_000 + random() * 15_000, now: this.now, random });
  }

  get simulated(): number {
    return this.pupils.size;
  }

  async configure(patch: Partial<ClassroomSettings>): Promise<void> {
    const res = await this.options.request(`/admin/rooms/${this.room}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.options.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...patch, open: true }),
    });
    if (!res.ok) throw new Error(`configuring demo room ${this.room} failed: HTTP ${res.status}`);
  }

  /** Simulated pupils held, plus those being added right now. */
  get headcount(): number {
    return this.pupils.size + this.joining;
  }

  /** `headcount` grows by `count` before this returns its promise (checks made just before stay true). */
  async addPupils(count: number): Promise<number> {
    this.joining += count;
    try {
      return await this.pupils.join(count);
    } finally {
      this.joining -= count;
    }
  }

  async counters(): Promise<ClassroomCounters> {
    this.lastSeenAt = this.now();
    const res = await this.options.request(`/admin/rooms/${this.room}`, { headers: { authorization: `Bearer ${this.options.adminToken}` } });
    if (!res.ok) throw new Error(`reading demo room ${this.room} failed: HTTP ${res.status}`);
    const stats = (await res.json()) as { waiting: number; active: number; capacity: number; admitPerMinute: number };
    return {
      id: this.id,
      room: this.room,
      waiting: stats.waiting,
      active: stats.active,
      capacity: stats.capacity,
      admitPerMinute: stats.admitPerMinute,
      simulated: this.pupils.size,
      outageSeconds: Math.ceil(this.options.outageMs() / 1000),
    };
  }

  /** One step of the simulated pupils; skipped while the previous one runs or while the server is down. */
  async tick(): Promise<void> {
    if (this.ticking || this.options.outageMs() > 0) return;
    this.ticking = true;
    try {
      await this.pupils.tick();
    } finally {
      this.ticking = false;
    }
  }

  /** Every simulated pupil leaves; the room stays as it is (the phone's ticket expires on its own). */
  close(): Promise<void> {
    return this.pupils.releaseAll();
  }
}
