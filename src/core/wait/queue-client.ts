/**
 * Protocol v1 over HTTP. Every answer is checked (protocol-guards.ts), and every failure comes back as a typed
 * outcome instead of a thrown error: the caller decides what a failure means for the pupil.
 */
import type { PowSolution, TicketStatus } from '../protocol/protocol.js';
import { errorCode, isTicketStatus } from '../protocol/protocol-guards.js';
import { systemClock, type Clock } from './clock.js';
import { readRetryAfter } from '../protocol/retry-after.js';
import { endpointBase } from '../protocol/queue-endpoint.js';

export type QueueFailure =
  | { kind: 'network' }
  /** Our own caller aborted (stop()); not a failure of the server. */
  | { kind: 'aborted' }
  | { kind: 'throttled'; httpStatus: number; retryAfterMs: number | null }
  | { kind: 'server-error'; httpStatus: number }
  /** serverCode "admission-unclaimed": the pupil's turn came while away and the seat passed on. */
  | { kind: 'expired'; httpStatus: 410; serverCode?: string }
  | { kind: 'unauthorized'; httpStatus: 401 }
  /** serverCode tells a server's "ticket-not-found" from a proxy's 404 page. */
  | { kind: 'not-found'; httpStatus: 404; serverCode?: string }
  /** Any other 4xx: the server refuses the request itself. `pow`: a join's 428 "pow-required" challenge (unchecked). */
  | { kind: 'rejected'; httpStatus: number; serverCode?: string; pow?: unknown }
  | { kind: 'invalid-response'; httpStatus: number };

export type QueueOutcome<T> = { kind: 'ok'; httpStatus: number; value: T } | QueueFailure;

/** True when the outcome is a real HTTP answer (as opposed to silence: network error or timeout). */
export function isAnswer(outcome: QueueOutcome<unknown>): boolean {
  return 'httpStatus' in outcome;
}

export interface QueueClient {
  /** `pow`: the solution of the challenge a previous join of this key was answered with (pow-solver.ts). */
  join(key: string, signal?: AbortSignal, pow?: PowSolution): Promise<QueueOutcome<TicketStatus>>;
  status(id: string, ticket: string, signal?: AbortSignal): Promise<QueueOutcome<TicketStatus>>;
}

export interface QueueClientOptions {
  endpoint: string;
  room: string;
  fetch?: typeof fetch;
  /** Measures a Retry-After date. */
  clock?: Clock;
  /** The ENT's priority pass, sent with every join (widget-config.ts). */
  pass?: string;
}

/**
 * No timeout of its own: a request lasts until it is answered or `signal` aborts, and the poll loop
 * (poll-loop.ts), the one runner, aborts it once its per-request timeout has passed.
 */
export function createQueueClient({
  endpoint,
  room,
  fetch: fetchFn = (input, init) => fetch(input, init),
  clock = systemClock,
  pass,
}: QueueClientOptions): QueueClient {
  const tickets = ticketsUrl(endpoint, room);

  async function request(url: string, init: RequestInit, signal?: AbortSignal): Promise<QueueOutcome<TicketStatus>> {
    try {
      const response = await fetchFn(url, { ...init, headers: { Accept: 'application/json', ...init.headers }, signal, credentials: 'omit', cache: 'no-store' });
      // The body is read under the same signal: a server can stall after sending headers.
      return await interpret(response, await response.text());
    } catch {
      return signal?.aborted ? { kind: 'aborted' } : { kind: 'network' };
    }
  }

  async function interpret(response: Response, text: string): Promise<QueueOutcome<TicketStatus>> {
    const httpStatus = response.status;
    const body = parseJson(text);
    if (response.ok) return isTicketStatus(body) ? { kind: 'ok', httpStatus, value: body } : { kind: 'invalid-response', httpStatus };
    const serverCode = errorCode(body);
    if (httpStatus === 401) return { kind: 'unauthorized', httpStatus };
    if (httpStatus === 404) return { kind: 'not-found', httpStatus, serverCode };
    if (httpStatus === 410) return { kind: 'expired', httpStatus, serverCode };
    if (httpStatus === 429 || httpStatus === 503) {
      return { kind: 'throttled', httpStatus, retryAfterMs: await readRetryAfter(response.headers.get('Retry-After'), clock.now()) };
    }
    if (httpStatus >= 400 && httpStatus < 500) return { kind: 'rejected', httpStatus, serverCode, pow: (body as { pow?: unknown } | null)?.pow };
    return { kind: 'server-error', httpStatus };
  }

  return {
    join: (key, signal, pow) => request(tickets, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key, pow, pass }) }, signal),
    status: (id, ticket, signal) => request(`${tickets}/${encodeURIComponent(id)}`, { headers: { Authorization: `Bearer ${ticket}` } }, signal),
  };
}

const ticketsUrl = (endpoint: string, room: string) => `${endpointBase(endpoint)}/rooms/${encodeURIComponent(room)}/tickets`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
