/**
 * The teachers' page's controls, under `/demo/api` (demo site only). Each call acts on the page's own
 * classroom through the in-process queue API; the admin token stays on the server. Inputs are checked
 * with valibot and refused with the API's JSON errors (`{"error": {"code", "message"}}`).
 *
 * - `POST /classes` opens a classroom → 201 counters (503 when every demo room is watched, 429 too often)
 * - `GET /classes/{id}` → counters (the page polls it)
 * - `PUT /classes/{id}` `{capacity?, admitPerMinute?}` → counters
 * - `POST /classes/{id}/pupils` `{count}` → `{added, …counters}`
 * - `POST /classes/{id}/outage` → the room's API answers 503 for 30 s → counters
 * - `POST /classes/{id}/slowdown` → the classroom's modelled ENT serves half as much for 45 s → counters
 * - `DELETE /classes/{id}` → 204, the simulated pupils leave
 *
 * Only the page itself may call it: a classroom costs a room and a dozen joins, and nothing else
 * should spend them on a visitor's behalf (see `sameOriginOnly`).
 */
import { Hono, type MiddlewareHandler } from 'hono';
import * as v from 'valibot';
import { clientAddress, trustedProxies } from '../../src/server/http/client-address.js';
import type { Classrooms } from './demo-classrooms.js';
import type { DemoOutages } from './demo-outage.js';
import { HttpError } from '../../src/server/http/errors.js';
import { bodyLimitMiddleware } from '../../src/server/http/http-middleware.js';
import { MemoryRateLimiter } from '../../src/server/rate-limit/memory-rate-limiter.js';
import type { RateLimitPolicy } from '../../src/server/rate-limit/rate-limit.js';
import { bodyText, parseJson, roomParam } from '../../src/server/http/requests.js';

export const DEMO_API_PATH = '/demo/api';
export const OUTAGE_MS = 30_000;
/**
 * « L'ENT ralentit »: 45 s, long enough for the autopilot to cut (5–10 s) and the seats to drain (pupils
 * stay 10–25 s), short enough to see them come back while the teacher still watches.
 */
export const SLOWDOWN_MS = 45_000;
/** Slowdowns one client may ask for: each restarts the 45 s, a few a minute are plenty to play with. */
export const SLOWDOWN_LIMIT: RateLimitPolicy = { perMinute: 6, burst: 3 };
/** Beyond this many simulated pupils in one classroom the demo would only slow the machine down. */
export const MAX_SIMULATED = 3_000;
/** Classrooms one client may open: the page opens one, "Recommencer" one more each time. */
export const OPEN_LIMIT: RateLimitPolicy = { perMinute: 6, burst: 6 };

const whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const ClassroomPatchSchema = v.strictObject({
  capacity: v.optional(whole(0, 1_000)),
  admitPerMinute: v.optional(whole(1, 1_000)),
});

export const AddPupilsSchema = v.strictObject({ count: whole(1, 1_000) });

export interface DemoApiOptions {
  /** Per-client limit on opening classrooms. */
  openLimit?: RateLimitPolicy;
  /** Per-client limit on « L'ENT ralentit ». */
  slowdownLimit?: RateLimitPolicy;
  /** As the queue API's `--trust-proxy`: who the client is, for the limit above. */
  trustProxy?: readonly string[];
  now?: () => number;
}

export function createDemoApi(classrooms: Classrooms, outages: DemoOutages, options: DemoApiOptions = {}): Hono {
  const { now = Date.now } = options;
  const proxies = trustedProxies(options.trustProxy ?? []);
  const openLimiter = new MemoryRateLimiter(options.openLimit ?? OPEN_LIMIT);
  const slowdownLimiter = new MemoryRateLimiter(options.slowdownLimit ?? SLOWDOWN_LIMIT);
  const api = new Hono();
  api.use('*', sameOriginOnly);
  api.use(
    '*',
    bodyLimitMiddleware(1024, () => {
      throw new HttpError(413, 'payload-too-large', 'Demo requests are tiny.');
    }),
  );
  const classroomOf = (id: string) => classrooms.get(id);

  api.post('/classes', async (c) => {
    const decision = await openLimiter.consume(clientAddress(c, proxies), now());
    if (!decision.allowed) {
      throw new HttpError(429, 'rate-limited', 'Trop de classes ouvertes depuis cette adresse : réessayez dans une minute.', Math.ceil(decision.retryAfterMs / 1000));
    }
    return c.json(await (await classrooms.open()).counters(), 201);
  });

  api.get('/classes/:room', async (c) => c.json(await classroomOf(roomParam(c)).counters()));

  api.put('/classes/:room', async (c) => {
    const classroom = classroomOf(roomParam(c));
    const patch = parseJson(await bodyText(c), ClassroomPatchSchema);
    await classroom.configure(patch);
    return c.json(await classroom.counters());
  });

  api.post('/classes/:room/pupils', async (c) => {
    const classroom = classroomOf(roomParam(c));
    const { count } = parseJson(await bodyText(c), AddPupilsSchema);
    // No await between this check and addPupils, which counts the newcomers at once: concurrent
    // requests cannot all pass the check.
    if (classroom.headcount + count > MAX_SIMULATED) {
      throw new HttpError(400, 'bad-request', `At most ${MAX_SIMULATED} simulated pupils per classroom (${classroom.headcount} already).`);
    }
    const added = await classroom.addPupils(count);
    return c.json({ added, ...(await classroom.counters()) });
  });

  api.post('/classes/:room/outage', async (c) => {
    const classroom = classroomOf(roomParam(c));
    outages.start(classroom.room, OUTAGE_MS);
    return c.json(await classroom.counters());
  });

  api.post('/classes/:room/slowdown', async (c) => {
    const classroom = classroomOf(roomParam(c));
    const decision = await slowdownLimiter.consume(clientAddress(c, proxies), now());
    if (!decision.allowed) {
      throw new HttpError(429, 'rate-limited', "L'ENT ralentit déjà souvent : réessayez dans quelques secondes.", Math.ceil(decision.retryAfterMs / 1000));
    }
    classroom.slowDown(SLOWDOWN_MS);
    return c.json(await classroom.counters());
  });

  api.delete('/classes/:room', async (c) => {
    await classrooms.close(roomParam(c));
    return c.body(null, 204);
  });

  return api;
}

/**
 * Refuses calls made by another site's page. A browser names the calling page's origin in `Origin` on
 * every POST, PUT and DELETE (and on cross-origin GETs): it must be this server's host (the URL the server
 * was asked for, from the Host header). And a POST must say it carries JSON, which
 * a cross-origin form or `fetch` cannot do without a preflight. (The app's CORS headers let widgets on
 * ENT pages read the queue API; they must not let those pages open classrooms.)
 */
const sameOriginOnly: MiddlewareHandler = async (c, next) => {
  const origin = c.req.header('origin');
  if (origin !== undefined && hostOf(origin) !== new URL(c.req.url).host) {
    throw new HttpError(403, 'forbidden', 'The demo API answers the demo page only.');
  }
  if (c.req.method === 'POST' && !/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
    throw new HttpError(415, 'bad-request', 'Send Content-Type: application/json.');
  }
  await next();
};

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}
