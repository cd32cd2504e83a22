/**
 * Simulated pupils for the demo pages. They are real tickets on the real API, served in process: each
 * joins, asks for news at the pace the server sets (`pollAfterMs`, ±20 % as the widget does), claims its
 * seat once admitted, stays a little while and leaves (release). So whoever watches a real widget in the
 * same room sees its position move for real.
 */
import { randomBytes } from 'node:crypto';

/**
 * One request to the queue API, relative to its base (`/rooms/…`). `client` is the address the request
 * counts against for per-client limits: each simulated pupil joins from its own home, as pupils do at 8:00.
 */
export type ApiRequest = (path: string, init?: RequestInit, client?: string) => Response | Promise<Response>;

export interface PupilGroupOptions {
  request: ApiRequest;
  room: string;
  /** How long an admitted pupil stays logged in before leaving, in ms. */
  stayMs: () => number;
  /**
   * Given, a pupil who left comes back to the end of the line this long after (a class that keeps using
   * the ENT, so the autopilot's classroom always has a line to steer); absent, pupils leave for good.
   */
  returnAfterMs?: () => number;
  now?: () => number;
  random?: () => number;
}

export interface PupilGroup {
  /** Joins `count` new pupils at the back of the line; resolves to how many got a ticket. */
  join(count: number): Promise<number>;
  /** Polls the pupils whose turn to ask has come, and lets go of those whose stay is over. */
  tick(): Promise<void>;
  /** Every pupil leaves now (their seats and places are freed on the server). */
  releaseAll(): Promise<void>;
  /** Pupils this group holds (waiting or admitted). */
  readonly size: number;
  /** Of which not yet admitted, as far as the group knows. */
  readonly waiting: number;
  /** Of which logged in (admitted, stay not over), as far as the group knows. */
  readonly admitted: number;
}

interface Pupil {
  id: string;
  ticket: string;
  client: string;
  /** When this pupil next asks for news. */
  nextAt: number;
  admittedAt?: number;
  stayMs: number;
}

interface TicketAnswer {
  id: string;
  ticket: string;
  state: string;
  pollAfterMs?: number;
}

/** Joins yield to the event loop this often, so a thousand joins never stall the pupils' own requests. */
const YIELD_EVERY = 50;

let addresses = 0;
/** A distinct private address per simulated pupil (10.0.0.1, 10.0.0.2, …). */
function nextAddress(): string {
  const n = (addresses++ % 0xfffffe) + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export function createPupilGroup(options: PupilGroupOptions): PupilGroup {
  const { request, stayMs, now = Date.now, random = Math.random } = options;
  const base = `/rooms/${options.room}/tickets`;
  const pupils = new Map<string, Pupil>();
  /** When each pupil who left comes back (with `returnAfterMs`). */
  let returning: number[] = [];
  const jittered = (ms: number) => ms * (0.8 + 0.4 * random());

  function schedule(pupil: Pupil, answer: TicketAnswer): void {
    pupil.nextAt = now() + jittered(Math.max(1000, answer.pollAfterMs ?? 3000));
    if (answer.state === 'admitted' && pupil.admittedAt === undefined) pupil.admittedAt = now();
  }

  async function poll(pupil: Pupil): Promise<void> {
    const res = await request(`${base}/${pupil.id}`, { headers: { authorization: `Bearer ${pupil.ticket}` } }, pupil.client);
    // 404/410: the server ended this ticket (expired, unclaimed). The pupil goes home.
    if (res.status === 404 || res.status === 410) pupils.delete(pupil.id);
    else if (res.ok) schedule(pupil, (await res.json()) as TicketAnswer);
    else pupil.nextAt = now() + jittered(5000);
  }

  async function release(pupil: Pupil, comesBack = false): Promise<void> {
    pupils.delete(pupil.id);
    if (comesBack && options.returnAfterMs) returning.push(now() + options.returnAfterMs());
    await request(`${base}/${pupil.id}/release`, { method: 'POST', headers: { authorization: `Bearer ${pupil.ticket}` } }, pupil.client);
  }

  const group: PupilGroup = {
    async join(count) {
      let joined = 0;
      for (let i = 0; i < count; i++) {
        if (i > 0 && i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
        const client = nextAddress();
        const res = await request(
          base,
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: randomBytes(16).toString('base64url') }) },
          client,
        );
        if (!res.ok) continue;
        const answer = (await res.json()) as TicketAnswer;
        const pupil: Pupil = { id: answer.id, ticket: answer.ticket, client, nextAt: 0, stayMs: stayMs() };
        schedule(pupil, answer);
        pupils.set(pupil.id, pupil);
        joined++;
      }
      return joined;
    },
    async tick() {
      const at = now();
      for (const pupil of [...pupils.values()]) {
        if (pupil.admittedAt !== undefined && at - pupil.admittedAt >= pupil.stayMs) await release(pupil, true);
        else if (pupil.nextAt <= at) await poll(pupil);
      }
      const back = returning.filter((t) => t <= at).length;
      if (back > 0) {
        returning = returning.filter((t) => t > at);
        await group.join(back);
      }
    },
    async releaseAll() {
      returning = [];
      await Promise.all([...pupils.values()].map((pupil) => release(pupil)));
    },
    get size() {
      return pupils.size + returning.length;
    },
    get waiting() {
      let n = 0;
      for (const pupil of pupils.values()) if (pupil.admittedAt === undefined) n++;
      return n;
    },
    get admitted() {
      let n = 0;
      for (const pupil of pupils.values()) if (pupil.admittedAt !== undefined) n++;
      return n;
    },
  };
  return group;
}
