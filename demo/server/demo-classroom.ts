/**
 * One teacher's playground on the teachers' page: a room of its own on the real API, a crowd of simulated
 * pupils in it, and the settings the page's controls change (seats, admissions per minute). Everything
 * goes through the in-process API, with the admin token for the settings: the browser never holds it.
 * With a modelled ENT (demo-ent.ts), the room's real autopilot steers the seats from that ENT's page
 * times, turned on through the admin API as an operator would, and « L'ENT ralentit » halves the ENT.
 */
import type { AutopilotConfig } from '../../src/server/autopilot/autopilot-config.js';
import { CLASSROOM_ENT, ClassroomEnt, type DemoEnts } from './demo-ent.js';
import { createPupilGroup, type ApiRequest, type PupilGroup } from './demo-pupil-group.js';

export interface ClassroomSettings {
  /** Seats: pupils logged in to the ENT at once. */
  capacity: number;
  admitPerMinute: number;
}

/**
 * A small ENT, so that a class already makes a line. 10 seats: under the modelled ENT's 12 (demo-ent.ts),
 * over the 6 it takes once slowed, so « L'ENT ralentit » pressed at once already makes the seats fall.
 */
export const CLASSROOM_DEFAULTS: ClassroomSettings = { capacity: 10, admitPerMinute: 30 };
/**
 * Pupils in the classroom when the page opens (10 logged in, 6 ahead of the phone): more than the ENT's 12,
 * so a line lasts. Not many more: with the seats at 0 the phone asks for news every second per place ahead
 * of it (pacing.ts), so each pupil ahead adds a second to the page's walk-away story.
 */
export const FIRST_CLASS = 16;
/**
 * The autopilot's bounds in a classroom (all but the probe URL): from 2 seats (a slowed ENT never shuts
 * the class out) to 40 (over three times the ENT's 12: the ceiling never hides the law), target 1 s as
 * the modelled ENT's.
 */
export const CLASSROOM_AUTOPILOT: Omit<AutopilotConfig, 'probeUrl'> = {
  on: true,
  targetMs: CLASSROOM_ENT.targetMs,
  minCapacity: 2,
  maxCapacity: 40,
  minAdmitPerMinute: 10,
  maxAdmitPerMinute: 120,
};

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
  /** The room's autopilot is on (seats and rate above are its latest). */
  autopilot: boolean;
  /** Seconds left of « L'ENT ralentit »; 0 when the ENT is whole. */
  entSlowSeconds: number;
  /** Pupils the modelled ENT takes at once under its target: hidden from the autopilot, shown to the teacher. */
  entSeats?: number;
}

export interface ClassroomOptions {
  /** Defaults to the room. */
  id?: string;
  room: string;
  request: ApiRequest;
  adminToken: string;
  /** Milliseconds left of the room's outage (demo-outage.ts); the simulated pupils wait it out too. */
  outageMs: () => number;
  /** Where the classroom's modelled ENT is served; absent, no ENT and no autopilot (pupils leave for good). */
  ents?: DemoEnts;
  now?: () => number;
  random?: () => number;
}

export class Classroom {
  readonly id: string;
  readonly room: string;
  /** Last time the page asked about this classroom: an abandoned one is closed. */
  lastSeenAt: number;
  private readonly pupils: PupilGroup;
  private readonly ent?: ClassroomEnt;
  private autopilot?: AutopilotConfig;
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
    this.pupils = createPupilGroup({
      request: options.request,
      room: options.room,
      stayMs: () => 10_000 + random() * 15_000,
      // With an ENT, the class keeps using it: back in line 5–15 s after leaving, so there is always a line.
      returnAfterMs: options.ents ? () => 5_000 + random() * 10_000 : undefined,
      now: this.now,
      random,
    });
    if (options.ents) this.ent = new ClassroomEnt({ sessions: () => this.pupils.admitted, now: this.now, random });
  }

  /** Serves the classroom's ENT and turns the room's autopilot on with it as probe, through the admin API. */
  async startAutopilot(): Promise<void> {
    if (!this.ent || !this.options.ents) return;
    const probeUrl = await this.options.ents.add(this.room, this.ent);
    this.autopilot = { ...CLASSROOM_AUTOPILOT, probeUrl };
    await this.put({ autopilot: this.autopilot });
  }

  /** « L'ENT ralentit »: the modelled ENT serves half as much for `ms`. */
  slowDown(ms: number): void {
    if (!this.ent) throw new Error(`demo room ${this.room} has no modelled ENT`);
    this.ent.slowDown(ms);
  }

  get simulated(): number {
    return this.pupils.size;
  }

  /** With the autopilot on, seats and rate become its ceilings (the admin API's rule), and it steers below. */
  async configure(patch: Partial<ClassroomSettings>): Promise<void> {
    await this.put(patch);
  }

  private async put(patch: Record<string, unknown>): Promise<void> {
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
    const stats = (await res.json()) as { waiting: number; active: number; capacity: number; admitPerMinute: number; autopilot?: { on: boolean } | null };
    return {
      id: this.id,
      room: this.room,
      waiting: stats.waiting,
      active: stats.active,
      capacity: stats.capacity,
      admitPerMinute: stats.admitPerMinute,
      simulated: this.pupils.size,
      outageSeconds: Math.ceil(this.options.outageMs() / 1000),
      autopilot: stats.autopilot?.on === true,
      entSlowSeconds: Math.ceil((this.ent?.slowMs() ?? 0) / 1000),
      ...(this.ent ? { entSeats: this.ent.kneeSessions() } : {}),
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

  /**
   * Every simulated pupil leaves; the room stays as it is (the phone's ticket expires on its own), its
   * autopilot off (frozen) and its ENT gone, so no probe keeps running for a classroom nobody watches.
   */
  async close(): Promise<void> {
    if (this.ent) this.options.ents?.remove(this.room, this.ent);
    const autopilot = this.autopilot;
    this.autopilot = undefined;
    await Promise.all([this.pupils.releaseAll(), autopilot && this.put({ autopilot: { ...autopilot, on: false } }).catch(() => undefined)]);
  }
}
