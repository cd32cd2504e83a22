/**
 * What the service worker does with queue API requests, framework-free (the worker file only wires it to
 * its fetch event). Tabs are normally coordinated (one leader polls for all, shared-waiting-room.ts), but
 * not always: two tabs may both lead for a moment during a hand-over, and pages from two builds of the
 * widget do not share a channel. The worker sees every tab's requests, so it is the last line:
 * - identical status requests (same URL, same credential) in flight at once reach the server once, and
 *   every tab gets a copy of the answer;
 * - once the server said "retry after N s" (429/503 with Retry-After) to a status for a room, no status or
 *   join for that room reaches the server before then; said to a join, only joins are held (the join
 *   limiter counts joins per client: an admitted tab's status poll must still get through). The worker
 *   answers a 503 itself with the remaining Retry-After, which the widget already understands
 *   (queue-client.ts → `throttled`);
 * - a shared status request that gets no answer within `timeoutMs` fails for every tab that shares it and
 *   is forgotten, so the next poll reaches the server again (a server that accepts the connection and
 *   never answers must not hold every tab's polls, nor an admitted pupil's grace, forever).
 * Everything else (other URLs, other methods, release and heartbeat) is not matched and passes through.
 */
import { systemClock, type Clock } from '../core/wait/clock.js';
import { queueEndpoint } from '../core/protocol/queue-endpoint.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../core/wait/poll-loop.js';
import { MAX_RETRY_AFTER_MS, readRetryAfter } from '../core/protocol/retry-after.js';

/** A request this module takes care of: a status (GET …/tickets/{id}) or a join (POST …/tickets). */
export interface QueueRequestMatch {
  kind: 'status' | 'join';
  /** Endpoint + room: the unit a Retry-After holds. */
  room: string;
}

/** What survives the browser stopping an idle worker (~30 s): the endpoints learned and the holds. */
export interface CoalescerState {
  /** Endpoints pages told the worker, oldest first (at most MAX_LEARNED_ENDPOINTS). */
  endpoints: string[];
  /**
   * Hold key → clock time before which nothing it holds goes to the server. The key is the room (holds
   * statuses and joins, from a status's Retry-After) or the room + JOIN_ONLY (holds joins only).
   */
  holds: Record<string, number>;
}

export interface CoalescerPersistence {
  load(): Promise<CoalescerState | undefined>;
  save(state: CoalescerState): Promise<void>;
}

export interface StatusCoalescerOptions {
  /** Queue API base URLs known from the worker's configuration. */
  endpoints?: readonly string[];
  fetch?: (request: Request) => Promise<Response>;
  /** `now` for holds; the timers, when given, for the shared request's timeout (else the system's). */
  clock?: Pick<Clock, 'now'> & Partial<Pick<Clock, 'setTimeout' | 'clearTimeout'>>;
  persistence?: CoalescerPersistence;
  /**
   * A shared status request without an answer after this long fails for all its tabs. Default: the
   * widget's own request timeout (10 s), so a shared request never outlives the polls it serves.
   */
  timeoutMs?: number;
}

export interface StatusCoalescer {
  /**
   * Adds a queue API base URL (absolute http(s) with a path); false when the value is not one. An
   * origin-only value is refused: the worker would take every /rooms/…/tickets path of that site.
   */
  learn(endpoint: string): Promise<boolean>;
  /** Known endpoints, once the persisted state has loaded. */
  endpoints(): Promise<string[]>;
  /** Whether `request` is one of ours. Synchronous, for a fetch event's routing decision. */
  match(request: Request): QueueRequestMatch | undefined;
  /** Answers a matched request: held, shared with an identical one in flight, or fetched. */
  handle(request: Request, match: QueueRequestMatch): Promise<Response>;
}

/** Learned endpoints kept: a page can tell the worker anything, so the list must not grow without end. */
export const MAX_LEARNED_ENDPOINTS = 8;
/** Suffix of a hold key that holds joins only (a join's 429/503). */
export const JOIN_ONLY = '|join';

const TICKETS = /^\/rooms\/([a-z0-9-]{1,64})\/tickets(?:\/([A-Za-z0-9_-]{1,128}))?$/;

/** A learnable endpoint: a queueEndpoint() value with a path below the origin. */
const learnable = (value: unknown): value is string => typeof value === 'string' && queueEndpoint(value) === value && new URL(value).pathname !== '/';

const timedOut = () => new DOMException('The queue API did not answer in time (service worker).', 'TimeoutError');

export function createStatusCoalescer({
  endpoints: configured = [],
  fetch: fetchFn = (request) => fetch(request),
  clock = systemClock,
  persistence,
  timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
}: StatusCoalescerOptions = {}): StatusCoalescer {
  const fixed = new Set(configured.map((e) => queueEndpoint(e)).filter((e): e is string => e !== undefined));
  let learned: string[] = [];
  let holds: Record<string, number> = {};
  const inFlight = new Map<string, Promise<Response>>();
  const timers = clock.setTimeout && clock.clearTimeout ? (clock as Pick<Clock, 'setTimeout' | 'clearTimeout'>) : systemClock;
  const known = () => new Set([...fixed, ...learned]);

  // Until the persisted state is read, match() knows only the configured endpoints: a request in that
  // window passes through, which is what happened before the worker existed.
  const loaded = (persistence?.load() ?? Promise.resolve(undefined)).then(
    (state) => {
      const stored = Array.isArray(state?.endpoints) ? state.endpoints.filter(learnable) : [];
      learned = [...new Set([...stored, ...learned])].slice(-MAX_LEARNED_ENDPOINTS);
      const now = clock.now();
      for (const [key, until] of Object.entries(state?.holds ?? {})) if (typeof until === 'number' && until > now) holds[key] = Math.max(holds[key] ?? 0, until);
    },
    () => undefined,
  );
  const save = () => persistence?.save({ endpoints: [...learned], holds }).catch(() => undefined);

  function match(request: Request): QueueRequestMatch | undefined {
    const isGet = request.method === 'GET';
    if (!isGet && request.method !== 'POST') return undefined;
    const url = new URL(request.url);
    if (url.search || url.hash) return undefined;
    const href = `${url.origin}${url.pathname}`;
    for (const endpoint of known()) {
      if (!href.startsWith(`${endpoint}/`)) continue;
      const parts = TICKETS.exec(href.slice(endpoint.length));
      if (!parts) continue;
      // A status carries its credential; a join has no id. Anything else is not ours.
      if (isGet && parts[2] && request.headers.has('Authorization')) return { kind: 'status', room: `${endpoint}|${parts[1]}` };
      if (!isGet && !parts[2]) return { kind: 'join', room: `${endpoint}|${parts[1]}` };
    }
    return undefined;
  }

  /** The answer the server would give if asked now: 503, and how long until the hold ends. */
  function held(until: number): Response {
    const seconds = Math.max(1, Math.ceil((until - clock.now()) / 1000));
    const body = JSON.stringify({ error: { code: 'retry-later', message: `The queue API asked to retry after ${seconds} s (answered by the service worker).` } });
    return new Response(body, {
      status: 503,
      headers: { 'Content-Type': 'application/json', 'Retry-After': String(seconds), 'Cache-Control': 'no-store' },
    });
  }

  /** The end of the hold under `key`, if any and not over; a past hold is forgotten. */
  function holdUntil(key: string, now: number): number | undefined {
    if (holds[key] === undefined) return undefined;
    // Clamped again here: a clock set back (or a stored hold from a wrong clock) never holds a room for
    // longer than a Retry-After may, which stays under the server's waiting TTL.
    const until = Math.min(holds[key], now + MAX_RETRY_AFTER_MS);
    if (until > now) return until;
    delete holds[key];
    return undefined;
  }

  async function send(request: Request, holdKey: string): Promise<Response> {
    const response = await fetchFn(request);
    if (response.status === 429 || response.status === 503) {
      const waitMs = await readRetryAfter(response.headers.get('Retry-After'), clock.now());
      if (waitMs) {
        holds[holdKey] = Math.max(holds[holdKey] ?? 0, clock.now() + waitMs);
        void save();
      }
    }
    return response;
  }

  /** One status request for every tab asking the same: its own signal and timeout, no tab's. */
  function sendShared(request: Request, room: string): Promise<Response> {
    const abort = new AbortController();
    let timer: unknown;
    const expired = new Promise<never>((_, reject) => {
      timer = timers.setTimeout(() => {
        abort.abort(timedOut());
        reject(timedOut());
      }, timeoutMs);
    });
    const sent = send(new Request(request, { signal: abort.signal }), room);
    sent.catch(() => undefined); // after a timeout nobody awaits it any more
    return Promise.race([sent, expired]).finally(() => timers.clearTimeout(timer));
  }

  /** `shared` as seen by one tab: a copy of its answer, or that tab's own abort (the others keep waiting). */
  function copyFor(request: Request, shared: Promise<Response>): Promise<Response> {
    const copy = shared.then((response) => response.clone());
    const signal = request.signal;
    if (!signal) return copy;
    if (signal.aborted) return Promise.reject(signal.reason);
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return Promise.race([copy, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
  }

  return {
    async learn(endpoint) {
      const value = queueEndpoint(endpoint);
      if (!learnable(value)) return false;
      await loaded;
      if (fixed.has(value) || learned.at(-1) === value) return true;
      // Most recent last, so that the cap drops the endpoint no page has named for longest.
      learned = [...learned.filter((e) => e !== value), value].slice(-MAX_LEARNED_ENDPOINTS);
      await save();
      return true;
    },
    async endpoints() {
      await loaded;
      return [...known()];
    },
    match,
    async handle(request, { kind, room }) {
      await loaded;
      const now = clock.now();
      const until = [holdUntil(room, now), kind === 'join' ? holdUntil(room + JOIN_ONLY, now) : undefined].filter((u) => u !== undefined);
      if (until.length) return held(Math.max(...until));
      // A join has a body of its own (the pupil's key): never shared, only held. Its 429/503 comes from the
      // join limiter (per client), so it holds joins only; a status's holds statuses and joins.
      if (kind === 'join') return send(request, room + JOIN_ONLY);
      const key = `${request.url}\n${request.headers.get('Authorization')}`;
      let shared = inFlight.get(key);
      if (!shared) {
        const created = sendShared(request, room);
        shared = created;
        inFlight.set(key, created);
        // Settles on the answer, a failure or the timeout: the entry never outlives it.
        const done = () => void (inFlight.get(key) === created && inFlight.delete(key));
        created.then(done, done);
      }
      // Every caller, the first included, gets its own copy: a body can be read once.
      return copyFor(request, shared);
    },
  };
}
