/**
 * The ENT behind each classroom of the teachers' page, so that « L'ENT ralentit » has something to slow
 * down: a modelled ENT (src/sim/ent-model.ts's formulas) whose pages take longer as the classroom's
 * pupils log in, served over real HTTP on loopback. The room's real autopilot probes it like an operator's
 * `probeUrl` (src/server/autopilot/probe.ts) and never sees its capacity: it only measures page times.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EntModel } from '../../src/sim/ent-model.js';

/**
 * A page every 2 s per logged-in pupil, 8 work units a second: at a 1-s target the healthy ENT takes 12
 * pupils at once (`kneeSessions`), 6 once slowed, so a class of 16 makes a line in both cases and the seats
 * the autopilot finds (10–12) visibly halve.
 */
export const CLASSROOM_ENT = { unitsPerSecond: 8, pageEveryS: 2, baseMs: 120, targetMs: 1_000 } as const;
/** Past this a page is a timeout (the probe gives up at 2 s): the socket is not held longer. */
const SLOWEST_PAGE_MS = 2_500;

export interface ClassroomEntOptions {
  /** Pupils logged in to the ENT right now (the classroom's admitted pupils). */
  sessions: () => number;
  now?: () => number;
  random?: () => number;
}

/** One classroom's modelled ENT: its capacity halves while it is "slowed down". */
export class ClassroomEnt {
  private slowUntil = 0;
  private readonly model: EntModel;
  private readonly now: () => number;
  private readonly random: () => number;
  private steppedAt = -Infinity;

  constructor(private readonly options: ClassroomEntOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.model = new EntModel({
      capacityAt: (at) => CLASSROOM_ENT.unitsPerSecond * (at < this.slowUntil ? 0.5 : 1),
      baseMs: CLASSROOM_ENT.baseMs,
      pageEveryS: CLASSROOM_ENT.pageEveryS,
      timeoutMs: SLOWEST_PAGE_MS,
    });
  }

  /** Half the capacity for `ms` from now (a server of the ENT lost); a second press restarts the time. */
  slowDown(ms: number): void {
    this.slowUntil = this.now() + ms;
  }

  /** Milliseconds the slowdown still lasts; 0 when the ENT is whole. */
  slowMs(): number {
    return Math.max(0, this.slowUntil - this.now());
  }

  /** The pupils it takes at once with pages under the target: what the autopilot should find, hidden from it. */
  kneeSessions(): number {
    return Math.floor(this.model.kneeSessions(this.model.options.capacityAt(this.now()), CLASSROOM_ENT.targetMs));
  }

  /**
   * One page's time and outcome now. The model steps once a second, on the pages of the pupils logged in;
   * logins are left out: at a classroom's scale one login (4 pages) is half a second of the slowed ENT, so
   * each pupil coming back saturated it for that second and the autopilot cut to its floor (11 → 5 → 2
   * seats, where the slowed ENT takes 6).
   */
  page(): { latencyMs: number; error: boolean } {
    const at = this.now();
    if (at - this.steppedAt >= 1000) {
      this.model.step(at, 1, this.options.sessions(), 0);
      this.steppedAt = at;
    }
    const { latencyMs, error } = this.model.samplePage(this.random);
    return { latencyMs: Math.round(latencyMs), error };
  }
}

/**
 * The classrooms' ENTs on one loopback HTTP server (port 0): `GET /{room}` answers after the modelled
 * page time, 200, or 503 for a failed page. Started with the first classroom, closed with the last.
 */
export class DemoEnts {
  private readonly ents = new Map<string, ClassroomEnt>();
  private server?: Server;
  private listening?: Promise<string>;

  /** The URL the room's autopilot probes (starts the server if needed). */
  async add(room: string, ent: ClassroomEnt): Promise<string> {
    this.ents.set(room, ent);
    return `${await this.start()}/${room}`;
  }

  get(room: string): ClassroomEnt | undefined {
    return this.ents.get(room);
  }

  /** The room's ENT goes (if it is still `ent`); the server with the last one. */
  remove(room: string, ent: ClassroomEnt): void {
    if (this.ents.get(room) === ent) this.ents.delete(room);
    if (this.ents.size === 0) this.close();
  }

  private start(): Promise<string> {
    this.listening ??= new Promise((resolve, reject) => {
      const server = createServer((req, res) => {
        const ent = this.ents.get((req.url ?? '/').slice(1));
        if (req.method !== 'GET' || !ent) {
          res.writeHead(404).end();
          return;
        }
        const { latencyMs, error } = ent.page();
        const timer = setTimeout(() => res.writeHead(error ? 503 : 200, { 'content-type': 'text/plain' }).end(error ? 'saturé' : 'ok'), latencyMs);
        timer.unref();
        res.on('close', () => clearTimeout(timer));
      });
      server.on('error', reject);
      // Never keeps `npm start` or a test alive on its own.
      server.unref();
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      this.server = server;
    });
    return this.listening;
  }

  close(): void {
    this.server?.closeAllConnections();
    this.server?.close();
    this.server = undefined;
    this.listening = undefined;
  }
}
