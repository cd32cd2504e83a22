/**
 * The HTTP application: protocol v1 under `/api/v1` (pupils' routes, admin API, JWKS and the `/verify`
 * gate), `/healthz` at the root, and `/metrics` there too with `--metrics-token` (else on its own
 * listener, metrics-listener.ts). CORS on every answer (errors and 404s too, or a
 * cross-origin widget would see a mere network error), capped bodies, and JSON errors only.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createAdmin } from '../room-policy/admin-routes.js';
import { AdmissionKey } from '../admission/admission-key.js';
import { createAdmissionRoutes } from '../admission/admission-routes.js';
import { createApi, type ApiDeps } from '../queue/queue-routes.js';
import { createDefenceAdmin } from '../defence/defence-admin.js';
import { MemoryDefenceState, type DefenceState } from '../defence/defence-state.js';
import { FloodRule } from '../defence/flood-rule.js';
import { createJoinPow } from '../defence/join-pow.js';
import { PowChallenges } from '../defence/pow-challenges.js';
import { clientAddress, clientIp, trustedProxies } from './client-address.js';
import { lineClientKey, sharedNetworks } from './shared-networks.js';
import { HttpError, INTERNAL_ERROR_MESSAGE, errorBody } from './errors.js';
import { bodyLimitMiddleware, corsHeaderList, corsMiddleware, type CorsOptions } from './http-middleware.js';
import { MemoryRateLimiter } from '../rate-limit/memory-rate-limiter.js';
import { Metrics } from '../metrics/metrics.js';
import { metricsRoute } from '../metrics/metrics-route.js';
import { unlimited, type RateLimiter } from '../rate-limit/rate-limit.js';
import { withDefaults, type ServerSettings } from '../config/settings.js';
import { memoryStoreFromSettings } from '../stores/stores-from-settings.js';
import type { Store } from '../stores/store.js';
import { statusFastPath, type NodeFastPath } from './status-fast-path.js';
import { storeHttpError } from './store-http-error.js';
import { StoreUnavailableError } from '../stores/store-errors.js';
import { Tokens } from '../admission/tokens.js';
import { memoryPasses } from '../passes/passes-from-settings.js';
import type { Passes } from '../passes/place-by-pass.js';
import { autopilotSteering, type AutopilotStore } from '../autopilot/autopilot-store.js';

export const API_PATH = '/api/v1';
/** No protocol v1 body comes near this; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 4096;
/** A join may carry a pass of up to 4 KiB (passes/verify-pass.ts) beside its key and proof of work (under 1 KiB). */
export const MAX_JOIN_BODY_BYTES = 8192;
const JOIN_PATH = new RegExp(`^${API_PATH}/rooms/[^/]+/tickets/?$`);

export interface AppOptions extends Partial<ServerSettings> {
  /** Admitted sessions' page timings from heartbeats (the autopilot's pupils' signal); absent: ignored. */
  pageTimings?: ApiDeps['pageTimings'];
  /** The autopilot's rate bounds for the rooms it steers (autopilot-supervisor.ts): waiting ranges widen within them. */
  steeringOf?: ApiDeps['steeringOf'];
  /** Rooms' autopilot configs (autopilot-store.ts): the admin API writes them, `GET /rooms/{room}` says whether it steers. */
  autopilot?: AutopilotStore;
  /** Signs ticket credentials (and HS256 admission tokens). */
  secret: string;
  /** Bearer token of the admin API. */
  adminToken: string;
  /** Signs admission tokens. Default: an ES256 key pair generated now (tokens die with the process). */
  admissionKey?: AdmissionKey;
  /** The clock, in ms since the epoch; tests move it. */
  now?: () => number;
  /** Defaults to a MemoryStore built from the settings. */
  store?: Store;
  /** Counts joins per client. Default: in memory from `joinLimitPerMinute`; pass a shared one for many instances. */
  joinLimiter?: RateLimiter;
  /**
   * Rooms' proof-of-work mode and flood raises (defence-state.ts). Default: in memory; serve.ts passes a
   * Redis one with a Redis store, so every instance sees an admin's "under attack" and a flood's raise.
   */
  defence?: DefenceState;
  /** Where unexpected errors are reported; the client only ever sees code "internal". */
  logError?: (error: unknown) => void;
  /** Export process metrics (CPU, memory, event loop) on /metrics. Off by default: it starts timers. */
  processMetrics?: boolean;
  /** true while shutting down: /healthz answers 503 so that load balancers stop sending new pupils here. */
  isDraining?: () => boolean;
  /**
   * With it, `/metrics` on this app answers `Authorization: Bearer <metricsToken>` only; without it,
   * `/metrics` is not served here (404) but by its own loopback listener (serve.ts, `ServerApp.metrics`).
   */
  metricsToken?: string;
  /** How old the room series of /metrics may get (metrics.ts); tests shorten it. */
  metricsRefreshMs?: number;
  /** Priority passes' keys and subjects (passes/). Default: in memory, with the declared rooms' keys. */
  passes?: Passes;
}

/** The Hono app (every route), and the fast path the HTTP server tries first for status polls. */
export interface ServerApp {
  app: Hono;
  fastPath: NodeFastPath;
  /** What /metrics serves, for a listener of its own. */
  metrics: Metrics;
}

export function createApp(options: AppOptions): Hono {
  return createServerApp(options).app;
}

export function createServerApp(options: AppOptions): ServerApp {
  const settings = withDefaults(options);
  const sessionTtlMs = settings.sessionTtlSeconds * 1000;
  const admissionTtlMs = settings.admissionTtlSeconds * 1000;
  const maxSessionMs = settings.maxSessionSeconds * 1000;
  const now = options.now ?? Date.now;
  const store = options.store ?? memoryStoreFromSettings(settings);
  const admissionKey = options.admissionKey ?? AdmissionKey.generate();
  const joinLimiter = options.joinLimiter ?? defaultJoinLimiter(settings.joinLimitPerMinute, settings.joinBurst);
  const logError = options.logError ?? ((error: unknown) => console.error('antichambre: unexpected error', error));
  const metrics = new Metrics({
    store,
    now,
    processMetrics: options.processMetrics,
    namedRooms: gateRooms(settings),
    refreshMs: options.metricsRefreshMs,
  });
  const proxies = trustedProxies(settings.trustProxy);
  const shared = sharedNetworks(settings.sharedNetworks);
  const app = new Hono();

  app.use('*', metrics.middleware());
  const corsOptions: CorsOptions = {
    origins: settings.corsOrigins,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  };
  app.use('*', corsMiddleware(corsOptions));
  const bodyCap = (limit: number) =>
    bodyLimitMiddleware(limit, () => {
      throw new HttpError(413, 'payload-too-large', `Request bodies are limited to ${limit} bytes.`);
    });
  const [capBody, capJoinBody] = [bodyCap(MAX_BODY_BYTES), bodyCap(MAX_JOIN_BODY_BYTES)];
  app.use(`${API_PATH}/*`, (c, next) => (JOIN_PATH.test(c.req.path) ? capJoinBody : capBody)(c, next));
  const tokens = new Tokens(options.secret, settings.issuer, admissionKey);
  const defence = options.defence ?? new MemoryDefenceState();
  const passes = options.passes ?? memoryPasses(settings);
  // What a ticket's answer depends on, the same for the Hono routes and the status fast path.
  const ticketRules = { store, tokens, now, sessionTtlMs, admissionTtlMs, maxSessionMs, admitGraceMs: settings.admitGraceSeconds * 1000, steeringOf: options.steeringOf };
  app.route(
    API_PATH,
    createApi({
      ...ticketRules,
      joinLimiter,
      clientOf: (c) => clientAddress(c, proxies),
      lineClientOf: (c) => lineClientKey(clientIp(c, proxies), shared),
      joinOrigins: settings.corsOrigins,
      pageTimings: options.pageTimings,
      autopilotSteering: options.autopilot && ((room) => autopilotSteering(options.autopilot!, room, now())),
      passes,
      joinPow: createJoinPow({ challenges: new PowChallenges({ secret: options.secret }), defence, flood: new FloodRule() }),
    }),
  );
  const admin = createAdmin({ store, adminToken: options.adminToken, now, onConfigured: (room) => metrics.nameRoom(room), passKeys: passes.keys, autopilot: options.autopilot });
  admin.route('/', createDefenceAdmin({ defence, now }));
  app.route(`${API_PATH}/admin`, admin);
  app.route(
    API_PATH,
    createAdmissionRoutes({
      admissionKey,
      issuer: settings.issuer,
      cookieName: settings.admissionCookie,
      now,
      store,
      gateRooms: gateRooms(settings),
    }),
  );

  app.get('/metrics', metricsRoute(metrics, options.metricsToken));
  app.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (options.isDraining?.()) {
      c.header('Connection', 'close');
      return c.json(errorBody('unavailable', 'Shutting down: finishing the requests in flight.'), 503);
    }
    // A read that touches the store (Redis round trip) without creating anything. A store fault says
    // which (timeout, connection refused…) within the store's command timeout (~1 s), never hangs.
    try {
      await store.roomStatus('healthz', now());
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json(errorBody('unavailable', `Queue store unavailable: ${error.message}.`), 503);
    }
    return c.json({ status: 'ok' });
  });

  app.notFound((c) => c.json(errorBody('not-found', `Nothing at ${c.req.method} ${c.req.path.slice(0, 200)}.`), 404));
  app.onError((error, c) => {
    if (error instanceof HttpError) {
      if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(error.retryAfterSeconds)));
      return c.json(error.body, error.status);
    }
    const fromStore = storeHttpError(error);
    if (fromStore !== undefined) {
      if (fromStore.retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(fromStore.retryAfterSeconds)));
      return c.json(fromStore.body, fromStore.status);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(errorBody('bad-request', error.message || 'Bad request.'), error.status);
    }
    logError(error);
    return c.json(errorBody('internal', INTERNAL_ERROR_MESSAGE), 500);
  });
  const fastPath = statusFastPath({
    ...ticketRules,
    apiPath: API_PATH,
    metrics,
    corsHeaders: corsHeaderList(corsOptions),
    logError,
  });
  return { app, fastPath, metrics };
}

/** Rooms `/verify` accepts without a room in the request: `--gate-rooms`, plus the rooms of `--rooms FILE`. */
function gateRooms(settings: ServerSettings): ReadonlySet<string> {
  return new Set([...settings.gateRooms, ...Object.keys(settings.declaredRooms ?? {})]);
}

function defaultJoinLimiter(perMinute: number, burst: number): RateLimiter {
  return perMinute === 0 ? unlimited : new MemoryRateLimiter({ perMinute, burst });
}
