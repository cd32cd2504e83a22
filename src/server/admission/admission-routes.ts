/**
 * What the ENT side uses, under `{endpoint}`:
 * - `GET /.well-known/jwks.json`: the public keys of admission tokens, for ENT backends that verify
 *   tokens themselves (`verifyAdmission`, nimbus-jose-jwt, firebase/php-jwt…);
 * - `GET /verify`: the gate for a reverse proxy (nginx `auth_request`, Traefik ForwardAuth, Caddy
 *   `forward_auth`): 200 when the request carries a valid admission, 401 otherwise.
 *
 * The gate checks the token (signature, expiry, room), then that the seat is still held in the store
 * (seat-check.ts: O(1), cached 2 s per ticket), so a released or expired seat stops passing within 2 s.
 * Which credential it reads, in this order: the admission cookie, the gate's own header
 * `X-Antichambre-Admission`, and `Authorization: Bearer` only when neither is there (the ENT's own
 * requests carry their own Bearer tokens, which proxies forward to the gate). Without a room in the
 * request it accepts only the rooms the operator named (`--gate-rooms`, `--rooms FILE`): a made-up room
 * anyone can join must not open the ENT. See docs/protocol.md, "Admission lifetime".
 */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import * as v from 'valibot';
import { RoomIdSchema } from '../../core/protocol/protocol.js';
import { AdmissionCache } from './admission-cache.js';
import type { AdmissionKey } from './admission-key.js';
import { HttpError, errorBody } from '../http/errors.js';
import { bearer } from '../http/requests.js';
import { SeatCheck } from './seat-check.js';
import type { Store } from '../stores/store.js';
import { createAdmissionVerifier } from './verify-admission.js';

export const ROOM_HEADER = 'X-Antichambre-Room';
/** The gate's own credential header, for proxies or ENT backends that cannot use the cookie. */
export const ADMISSION_HEADER = 'X-Antichambre-Admission';

export interface AdmissionRoutesDeps {
  admissionKey: AdmissionKey;
  issuer: string;
  /** Cookie the widget sets with the token (attribute `admission-cookie`). */
  cookieName: string;
  now: () => number;
  /** Where the gate checks that the seat is still held; absent: the token alone decides. */
  store?: Store;
  /** Rooms accepted when the request names none; empty: a room is required. */
  gateRooms?: ReadonlySet<string>;
}

/** Proxies forward the original method to the gate (nginx subrequests do); the body is ignored. */
const GATE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function createAdmissionRoutes(deps: AdmissionRoutesDeps): Hono {
  const routes = new Hono();
  const cache = new AdmissionCache();
  const seats = deps.store === undefined ? undefined : new SeatCheck(deps.store);
  const gateRooms = deps.gateRooms ?? new Set<string>();
  const jwks = JSON.stringify(deps.admissionKey.jwks());
  const verify = createAdmissionVerifier({
    key: deps.admissionKey.verificationKey,
    issuer: deps.issuer,
    // Another instance may have signed the token: forgive its clock a couple of seconds.
    clockToleranceSeconds: 2,
    now: deps.now,
  });

  routes.get('/.well-known/jwks.json', (c) =>
    c.body(jwks, 200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' }),
  );

  routes.on(GATE_METHODS, '/verify', async (c) => {
    c.header('Cache-Control', 'no-store');
    const { room, fromHeader } = gateRoom(c);
    if (room === null && gateRooms.size === 0) {
      return refuse(c, 'room-required', 'Which room does this gate admit? Pass ?room= to /verify in the proxy configuration, or start antichambre with --gate-rooms.');
    }
    // nginx and Caddy forward the pupil's own headers to the gate: a room named by a header may be the
    // pupil's choice (a made-up room anyone can join and be admitted to at once), so it may only pick one
    // of the operator's rooms, never add one.
    if (fromHeader && !gateRooms.has(room!)) {
      return refuse(c, 'wrong-room', `The ${ROOM_HEADER} header names a room this gate does not accept: name it in ?room= or --gate-rooms.`);
    }
    const token = getCookie(c, deps.cookieName) || c.req.header(ADMISSION_HEADER) || bearer(c) || null;
    if (token === null) return refuse(c, 'missing', 'No admission: join the waiting room first.');
    if (token.length > 4096) return refuse(c, 'malformed', 'Not an admission token.');
    let admission = cache.get(token, deps.now());
    if (admission === undefined) {
      const verdict = await verify(token);
      if (!verdict.valid) return refuse(c, verdict.reason, verdict.message);
      admission = verdict.admission;
      cache.set(token, admission);
    }
    if (room !== null && admission.room !== room) return refuse(c, 'wrong-room', 'The admission is for another room.');
    if (room === null && !gateRooms.has(admission.room)) return refuse(c, 'wrong-room', 'The admission is for a room this gate does not accept (--gate-rooms).');
    if (seats !== undefined && !(await seats.held(admission.room, admission.ticketId, deps.now()))) {
      return refuse(c, 'released', 'This seat was released or has expired: join the waiting room again.');
    }
    // Upstreams can read who got in (nginx: auth_request_set $ticket $upstream_http_x_antichambre_ticket).
    c.header(ROOM_HEADER, admission.room);
    c.header('X-Antichambre-Ticket', admission.ticketId);
    return c.json({ room: admission.room, ticketId: admission.ticketId, expiresAt: admission.expiresAt.toISOString() });
  });

  return routes;
}

/**
 * The room the proxy asks about: `?room=` (in the proxy's configuration, out of the pupil's reach), else
 * the header (which the pupil may have sent), else null for the rooms the operator named.
 */
function gateRoom(c: Context): { room: string | null; fromHeader: boolean } {
  const query = c.req.query('room');
  const room = query ?? c.req.header(ROOM_HEADER) ?? null;
  if (room !== null && !v.is(RoomIdSchema, room)) throw new HttpError(400, 'bad-room', 'Room ids are 1–64 characters of a-z, 0-9 and -.');
  return { room, fromHeader: query === undefined && room !== null };
}

function refuse(c: Context, reason: string, message: string): Response {
  // The reason is for the proxy's logs; the body for a human who calls the gate by hand.
  c.header('X-Antichambre-Reason', reason);
  c.header('WWW-Authenticate', `Bearer error="invalid_token"`);
  return c.json(errorBody('unauthorized', message), 401);
}
