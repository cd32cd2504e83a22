/**
 * A few simulated pupils for `npm start`, so that whoever opens the example ENT sees a real line move:
 * they are real tickets on the real API (demo-pupil-group.ts), not a drawing.
 */
import { createPupilGroup, type ApiRequest } from './demo-pupil-group.js';

export const DEMO_ROOM = 'college-jean-moulin';

export interface DemoCrowd {
  /** Adds a class of pupils when fewer than a few are waiting. */
  ensureLine(): Promise<void>;
  stop(): void;
}

const CLASS_SIZE = 12;

export function startDemoCrowd(request: ApiRequest, adminToken: string, now = Date.now): DemoCrowd {
  // Short stays: the visitor's own place moves within seconds.
  const pupils = createPupilGroup({ request, room: DEMO_ROOM, stayMs: () => 3000 + Math.random() * 6000, now });

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

  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    pupils
      .tick()
      .catch(() => undefined)
      .finally(() => (ticking = false));
  }, 1000);
  timer.unref();

  return {
    async ensureLine() {
      await configure();
      if (pupils.waiting >= 4) return;
      await pupils.join(CLASS_SIZE);
    },
    stop: () => clearInterval(timer),
  };
}
