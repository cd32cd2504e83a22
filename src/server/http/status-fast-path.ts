/**
 * A pupil's status poll, answered straight from Node's request and response objects.
 *
 * In a surge almost every request is `GET /api/v1/rooms/{room}/tickets/{id}` (a join, then a dozen polls
 * per pupil: docs/capacity.md). Through Hono a poll pays the router, the middleware chain, a context
 * and @hono/node-server's lightweight Request/Response (~15 µs of ~75 µs per poll on the benchmark
 * machine); this path skips them and gives the same answer: the same status, body, CORS headers and
 * metrics series (test/server/http/status-fast-path.test.ts compares both paths).
 *
 * It only takes a GET on exactly that path (no query string) with a well-formed room and ticket id, and
 * answers it with the function the Hono route calls (queue/status-answer.ts), refusals of a missing or
 * wrong credential included. Anything else (bad ids, HEAD, preflights, path tricks) returns false and
 * goes to Hono unchanged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { INTERNAL_ERROR_MESSAGE, errorBody } from './errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { bearerToken } from './requests.js';
import { answerStatus, type StatusAnswerDeps } from '../queue/status-answer.js';

/** true when it took the request (and will answer it); false to hand it on (to the Hono app) untouched. */
export type NodeFastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface StatusFastPathDeps extends StatusAnswerDeps {
  /** Where the API is mounted, e.g. `/api/v1`. */
  apiPath: string;
  now: () => number;
  metrics: Metrics;
  /** The CORS headers of an answer to this Origin (http-middleware.ts, corsHeaderList). */
  corsHeaders: (origin: string | undefined) => readonly string[];
  logError: (error: unknown) => void;
}

// Room and ticket id grammars of protocol v1 (RoomIdSchema, TicketIdSchema), anchored on the whole path.
const TAIL = /^([a-z0-9-]{1,64})\/tickets\/([A-Za-z0-9_-]{8,64})$/;

export function statusFastPath(deps: StatusFastPathDeps): NodeFastPath {
  const prefix = `${deps.apiPath}/rooms/`;
  const route = `${deps.apiPath}/rooms/:room/tickets/:id`;

  async function answer(req: IncomingMessage, res: ServerResponse, room: string, id: string, start: number): Promise<void> {
    let status: number;
    let body: string;
    let retryAfter: number | undefined;
    try {
      const answer = await answerStatus(deps, room, id, bearerToken(req.headers.authorization), deps.now());
      status = answer.status;
      body = JSON.stringify(answer.body);
      retryAfter = answer.retryAfterSeconds;
    } catch (error) {
      // Only a bug gets here (refusals and store faults are answers): a 500, as on the Hono routes.
      deps.logError(error);
      status = 500;
      body = JSON.stringify(errorBody('internal', INTERNAL_ERROR_MESSAGE));
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
    answer(req, res, match[1]!, match[2]!, performance.now()).catch((error: unknown) => {
      // Only a bug can get here (store errors are answered above): never leave the request hanging.
      deps.logError(error);
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}

/**
 * A `createServer` for @hono/node-server's `serve()` whose listener tries `fastPath` before the app, and
 * `first` (serve.ts `intercept`, e.g. the demo's outage) before both. An intercept used to see web
 * Requests, which the fast path never builds, so it turned the fast path off: the demo then polled
 * through a slower path than production's.
 */
export function createServerWithFastPath(fastPath: NodeFastPath, first?: NodeFastPath): typeof createServer {
  const take: NodeFastPath = first ? (req, res) => first(req, res) || fastPath(req, res) : fastPath;
  return ((options: Parameters<typeof createServer>[0], listener: (req: IncomingMessage, res: ServerResponse) => void) =>
    createServer(options ?? {}, (req, res) => {
      if (!take(req, res)) listener(req, res);
    })) as typeof createServer;
}
