/** The pupil-facing routes of protocol v1, relative to the API base (`/api/v1`). See docs/protocol.md. */
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { HeartbeatBodySchema, type PageTiming } from '../../core/protocol/page-timing.js';
import { JoinRequestSchema, ReleaseBodySchema } from '../../core/protocol/protocol.js';
import { HttpError } from '../http/errors.js';
import { checkJoinRequest } from './join-origin.js';
import type { JoinPow } from '../defence/join-pow.js';
import type { RateLimiter } from '../rate-limit/rate-limit.js';
import { bearer, bodyText, parseJson, roomParam, ticketIdParam } from '../http/requests.js';
import type { Store } from '../stores/store.js';
import { answerStatus, verifyCredential } from './status-answer.js';
import { roomStatus, ticketStatus, type ViewContext } from './ticket-view.js';
import type { Tokens } from '../admission/tokens.js';
import { bindPassTicket, placeByPass, type Passes } from '../passes/place-by-pass.js';
import type { AutopilotSteering } from '../autopilot/autopilot-store.js';

export interface ApiDeps {
  store: Store;
  tokens: Tokens;
  now: () => number;
  /** The autopilot's rate bounds for the rooms it steers (ticket-view.ts `ViewContext`). */
  steeringOf?: ViewContext['steeringOf'];
  sessionTtlMs: number;
  /** Lifetime of each admission token handed out (ticket-view.ts). */
  admissionTtlMs: number;
  maxSessionMs: number;
  /** How long an admission waits to be claimed (room-policy/pacing.ts `graceSafePollMaxMs` paces far pupils by it). */
  admitGraceMs: number;
  /** Joins per client; status, heartbeat and release carry a credential and are paced by the server. */
  joinLimiter: RateLimiter;
  /** The client a request counts against (see client-address.ts). */
  clientOf: (c: Context) => string;
  /**
   * The client a join is placed in line by (stores/fair-round.ts): clientOf's key, or none for a pupil on
   * one of the operator's shared networks (http/shared-networks.ts), whose ticket is then its own client.
   */
  lineClientOf: (c: Context) => string | undefined;
  /** Proof of work on joins when a room is flooded or under attack (join-pow.ts); absent: never. */
  joinPow?: JoinPow;
  /** Web sites whose pages may make a pupil join (`--cors-origin`; `*`: any). See join-origin.ts. */
  joinOrigins: readonly string[];
  /** Where admitted sessions' page timings go (the autopilot); absent: heartbeat bodies are ignored. */
  pageTimings?: (room: string, id: string, timing: PageTiming, now: number) => void;
  /** Whether the room's autopilot steers and, if not, why; absent: `GET /rooms/{room}` does not say. */
  autopilotSteering?: (room: string) => Promise<AutopilotSteering>;
  /** Priority passes (src/server/passes/); absent: a join's `pass` is ignored. */
  passes?: Passes;
}

export function createApi(deps: ApiDeps): Hono {
  const { store, tokens } = deps;
  const api = new Hono();
  const view = (now: number): ViewContext => ({
    tokens,
    now,
    sessionTtlMs: deps.sessionTtlMs,
    admissionTtlMs: deps.admissionTtlMs,
    maxSessionMs: deps.maxSessionMs,
    admitGraceMs: deps.admitGraceMs,
    steeringOf: deps.steeringOf,
  });

  /** Status and heartbeat: the one status answer (status-answer.ts), which the fast path gives too. */
  async function status(c: Context) {
    const answer = await answerStatus(deps, roomParam(c), ticketIdParam(c), bearer(c), deps.now());
    if (answer.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(answer.retryAfterSeconds)));
    return c.json(answer.body, answer.status);
  }

  api.post('/rooms/:room/tickets', async (c) => {
    const room = roomParam(c);
    checkJoinRequest(c, deps.joinOrigins);
    const { key, pow, pass } = parseJson(await bodyText(c), JoinRequestSchema);
    const now = deps.now();
    // A join without a proof in a room that wants one gets its challenge before the limit is counted: the
    // challenge costs the server one HMAC and places nobody, while counting it made each pupil's place cost
    // two joins of the allowance (the 428, then the solved join), halving the burst a school's NAT needs.
    if (deps.joinPow && pow === undefined) await deps.joinPow.check(room, key, deps.clientOf(c), pow, now);
    // After validation, so junk requests are refused without spending the client's allowance.
    const decision = await deps.joinLimiter.consume(deps.clientOf(c), now);
    if (!decision.allowed) {
      throw new HttpError(429, 'rate-limited', 'Too many joins from this network. Try again shortly.', Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
    }
    // A proof is checked after the limit: a refused client gets no verification work done for it.
    if (deps.joinPow && pow !== undefined) await deps.joinPow.check(room, key, deps.clientOf(c), pow, now);
    // The client's key makes the line fair between addresses (stores/fair-round.ts).
    // A pass only chooses the lane: whatever is wrong with it, the pupil joins the default lane (passes/).
    const placement = pass !== undefined && deps.passes ? await placeByPass(deps.passes, store, room, key, pass, now) : undefined;
    const result = await store.join(room, key, now, deps.lineClientOf(c), placement?.lane);
    if (placement && deps.passes) await bindPassTicket(deps.passes, room, placement, key, result.ticket.id, now);
    if (deps.joinPow && result.created) await deps.joinPow.record(room, deps.clientOf(c), result.room.settings.admitPerMinute, now);
    const answer = await ticketStatus(result, view(now), true);
    // The store's lane, not the pass's: a re-join gets its ticket back in the lane it was placed in. Waiting
    // answers carry it already (ticket-view.ts); a join admitted at once says it too.
    if (result.ticket.lane !== undefined) answer.lane = result.ticket.lane;
    if (placement?.refused) answer.passRefused = placement.refused;
    return c.json(answer, result.created ? 201 : 200);
  });

  api.get('/rooms/:room/tickets/:id', status);

  api.post('/rooms/:room/tickets/:id/release', async (c) => {
    const room = roomParam(c);
    const id = ticketIdParam(c);
    const credential = bearer(c) ?? releaseBodyCredential(await bodyText(c));
    verifyCredential(deps, credential, room, id);
    await store.release(room, id, deps.now());
    return c.body(null, 204);
  });

  // A sign of life from an admitted session (session mode). The store's status operation already counts
  // as one; the answer is the status, so the session gets the fresh admission token it renews the
  // cookie with (a token lives admissionTtl, far less than a morning).
  // A page timing rides along (page-timing.ts); only an admitted ticket with a valid credential (checked by
  // the status answer) is heard, and a body that does not parse is ignored, never a refused heartbeat.
  api.post('/rooms/:room/tickets/:id/heartbeat', async (c) => {
    const room = roomParam(c);
    const id = ticketIdParam(c);
    const now = deps.now();
    const answer = await answerStatus(deps, room, id, bearer(c), now);
    if (answer.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(answer.retryAfterSeconds)));
    if (deps.pageTimings && 'state' in answer.body && answer.body.state === 'admitted') {
      const text = await bodyText(c).catch(() => null);
      const body = text ? v.safeParse(HeartbeatBodySchema, safeJson(text)) : undefined;
      if (body?.success && body.output.timing) deps.pageTimings(room, id, body.output.timing, now);
    }
    return c.json(answer.body, answer.status);
  });

  api.get('/rooms/:room', async (c) => {
    const room = roomParam(c);
    const now = deps.now();
    const snapshot = await store.roomStatus(room, now);
    if (snapshot === null) throw new HttpError(404, 'room-not-found', `No room "${room}" yet: it is created by its first join.`);
    if (!deps.autopilotSteering) return c.json(roomStatus(snapshot, now));
    return c.json({ ...roomStatus(snapshot, now), autopilot: await deps.autopilotSteering(room) });
  });

  return api;
}

function releaseBodyCredential(text: string | null): string {
  if (text === null) throw new HttpError(401, 'unauthorized', 'Send the ticket credential as Authorization: Bearer or as {"ticket": "…"}.');
  return parseJson(text, ReleaseBodySchema).ticket;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
