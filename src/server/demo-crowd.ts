/**
 * A few simulated pupils for `npm start`, so that whoever opens the example ENT sees a real line move:
 * they are real tickets on the real API (joined, polled and released over HTTP, in process), not a
 * drawing.
 */
import { randomBytes } from 'node:crypto';

export const DEMO_ROOM = 'college-jean-moulin';

type Request = (path: string, init?: RequestInit) => Response | Promise<Response>;

interface Pupil {
  id: string;
  ticket: string;
  admittedAt?: number;
  /** How long this pupil stays logged in once admitted. */
  stayMs: number;
}

export interface DemoCrowd {
  /** Adds a class of pupils when fewer than a few are waiting. */
  ensureLine(): Promise<void>;
  stop(): void;
}

const CLASS_SIZE = 12;
const room = `/rooms/${DEMO_ROOM}`;

export function startDemoCrowd(request: Request, adminToken: string, now = Date.now): DemoCrowd {
  const pupils = new Map<string, Pupil>();

  // Configured on the first visit, not now: the app is still being assembled (Hono freezes its routes
  // on the first request it handles).
  let configured: Promise<unknown> | undefined;
  const configure = () =>
    (configured ??= Promise.resolve(
      request(`/admin/rooms/${DEMO_ROOM}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ capacity: 4, admitPerMinute: 30, open: true }),
      }),
    ));

  async function join(): Promise<void> {
    const res = await request(`${room}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: randomBytes(16).toString('base64url') }),
    });
    if (!res.ok) return;
    const status = (await res.json()) as { id: string; ticket: string };
    pupils.set(status.id, { id: status.id, ticket: status.ticket, stayMs: 3000 + Math.random() * 6000 });
  }

  async function tick(): Promise<void> {
    for (const pupil of pupils.values()) {
      const auth = { authorization: `Bearer ${pupil.ticket}` };
      if (pupil.admittedAt !== undefined) {
        if (now() - pupil.admittedAt < pupil.stayMs) continue;
        await request(`${room}/tickets/${pupil.id}/release`, { method: 'POST', headers: auth });
        pupils.delete(pupil.id);
        continue;
      }
      const res = await request(`${room}/tickets/${pupil.id}`, { headers: auth });
      if (!res.ok) {
        pupils.delete(pupil.id);
        continue;
      }
      const status = (await res.json()) as { state: string };
      if (status.state === 'admitted') pupil.admittedAt = now();
    }
  }

  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tick()
      .catch(() => undefined)
      .finally(() => (ticking = false));
  }, 1500);
  timer.unref();

  return {
    async ensureLine() {
      await configure();
      const waiting = [...pupils.values()].filter((p) => p.admittedAt === undefined).length;
      if (waiting >= 4) return;
      for (let i = 0; i < CLASS_SIZE; i++) await join();
    },
    stop: () => clearInterval(timer),
  };
}
