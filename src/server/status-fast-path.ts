/**
 * A pupil's status poll, answered straight from Node's request and response objects.
 *
 * In a surge almost every request is `GET /api/v1/rooms/{room}/tickets/{id}` (a join, then a dozen polls
 * per pupil: docs/capacity.md). Through Hono a poll pays the router, the middleware chain, a context
 * and @hono/node-server's lightweight Request/Response (~15 µs of ~75 µs per poll on the benchmark
 * machine); this path skips them and gives the same answer: the same status, body, CORS headers and
 * metrics series (test/server/status-fast-path.test.ts compares both paths).
 *
 * It only takes requests it can answer fully: a GET on exactly that path (no query string), a
 * well-formed room and ticket id, and a credential that verifies. Anything else (bad ids, missing or
 * wrong credential, HEAD, preflights, path tricks) returns false and goes to Hono, which gives the
 * error answers; so there is one source of truth for every refusal.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { INTERNAL_ERROR_MESSAGE, errorBody } from './errors.js';
import type { Metrics } from './metrics.js';
import { storeHttpError } from './store-http-error.js';
import { bearerToken } from './requests.js';
import type { Store } from './stores/store.js';
import { ticketGone, ticketStatus } from './ticket-view.js';
import type { Tokens } from './tokens.js';

/** true when it took the request (and will answer it); false to hand it to the Hono app untouched. */
export type NodeFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface StatusFastPathDeps {
  /** Where the API is mounted, e.g. `/api/v1`. */
  apiPath: string;
  store: Store;
  tokens: Tokens;
  now: () => number;
  sessionTtlMs: number;
  admissionTtlMs: number;
  maxSessionMs: number;
  admitGraceMs: number;
  metrics: Metrics;
  /** The CORS headers of an answer to this Origin (http-middleware.ts, corsHeaderList). */
  corsHeaders: (origin: string | undefined) => readonly string[];
  logError: (error: unknown) => void;
}

// Room and ticket id grammars of protocol v1 (RoomIdSchema, TicketIdSchema), anchored on the whole path.
const TAIL = /^([a-z0-9-]{1,64})\/tickets\/([A-Za-z0-9_-]{8,64})$/;

export function statusFastPath(deps: StatusFastPathDeps): NodeFastPath {
  const { store, tokens } = deps;
  const prefix = `${deps.apiPath}/rooms/`;
  const route = `${deps.apiPath}/rooms/:room/tickets/:id`;

  async function answer(req: IncomingMessage, res: ServerResponse, room: string, id: string, start: number): Promise<void> {
    const now = deps.now();
    let status = 200;
    let body: string;
    let retryAfter: number | undefined;
    try {
      const result = await store.status(room, id, now);
      if (result === null) {
        // The credential is genuine, so this ticket existed: it has expired, was released or went unclaimed.
        const gone = await ticketGone(store, room, id, now);
        status = gone.status;
        body = JSON.stringify(gone.body);
      } else {
        const { sessionTtlMs, admissionTtlMs, maxSessionMs, admitGraceMs } = deps;
        body = JSON.stringify(await ticketStatus(result, { tokens, now, sessionTtlMs, admissionTtlMs, maxSessionMs, admitGraceMs }));
      }
    } catch (error) {
      // A store fault is "wait" (503 + Retry-After), as on the Hono routes; anything else is a bug.
      const known = storeHttpError(error);
      if (known === undefined) deps.logError(error);
      status = known?.status ?? 500;
      retryAfter = known?.retryAfterSeconds;
      body = JSON.stringify(known?.body ?? errorBody('internal', INTERNAL_ERROR_MESSAGE));
    }
    if (!res.headersSent && !res.destroyed) {
      // Raw headers (a flat list): Node then skips validating and lower-casing a header object.
      const headers = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(body))];
      if (retryAfter !== undefined) headers.push('retry-after', String(Math.ceil(retryAfter)));
      const cors = deps.corsHeaders(req.headers.origin);
      for (let i = 0; i < cors.length; i++) headers.push(cors[i]!);
      res.writeHead(status, headers);
      res.end(body);
    }
    deps.metrics.record('GET', route, status, start);
  }

  return (req, res) => {
    const url = req.url;
    if (req.method !== 'GET' || url === undefined || !url.startsWith(prefix)) return false;
    const match = TAIL.exec(url.slice(prefix.length));
    if (match === null) return false;
    const start = performance.now();
    const room = match[1]!;
    const id = match[2]!;
    const credential = bearerToken(req.headers.authorization);
    if (credential === null || !tokens.verifyTicketCredential(credential, room, id)) return false;
    answer(req, res, room, id, start).catch((error: unknown) => {
      // Only a bug can get here (store errors are answered above): never leave the request hanging.
      deps.logError(error);
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}

/** A `createServer` for @hono/node-server's `serve()` whose listener tries `fastPath` before the app. */
export function createServerWithFastPath(fastPath: NodeFastPath): typeof createServer {
  return ((options: Parameters<typeof createServer>[0], listener: (req: IncomingMessage, res: ServerResponse) => void) =>
    createServer(options ?? {}, (req, res) => {
      if (!fastPath(req, res)) listener(req, res);
    })) as typeof createServer;
}
