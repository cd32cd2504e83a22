/**
 * Starts the queue server over real HTTP. Used by the CLI, and by browser and end-to-end tests
 * (`port: 0` picks a free port).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { API_PATH, createServerApp, type AppOptions } from './app.js';
import { answerClientErrorsWithJson } from './client-error.js';
import type { ServerSettings } from './settings.js';
import { createServerWithFastPath } from './status-fast-path.js';
import { memoryStoreFromSettings } from './stores/memory-from-settings.js';
import { redisJoinLimiter, redisStoreFromSettings } from './stores/redis-from-settings.js';
import { randomToken } from './tokens.js';

export interface StartOptions extends Partial<ServerSettings> {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1; the CLI passes its own. */
  host?: string;
  /** Generated when absent: credentials then do not survive a restart (nor does the memory store). */
  secret?: string;
  /** Generated when absent; read it back from `RunningServer.adminToken`. */
  adminToken?: string;
  now?: () => number;
  store?: AppOptions['store'];
  /**
   * `redis://…`: the queue lives in Redis, shared by every instance (closed with the server), and so does
   * the join limit unless `joinLimiter` is given. Ignored when `store` is given.
   */
  redisUrl?: string;
  /** Signs admission tokens; a generated ES256 key pair when absent. */
  admissionKey?: AppOptions['admissionKey'];
  /** Shared join limiter; in Redis with `redisUrl`, else in memory, when absent. */
  joinLimiter?: AppOptions['joinLimiter'];
  /** Process metrics on /metrics (the CLI turns them on). */
  processMetrics?: boolean;
  /** How long close() lets requests in flight finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
  /** Mounts extra routes (e.g. the demo site) after the API. */
  extend?: (app: Hono) => void;
  /**
   * Sees each HTTP request before the app and may answer it instead (the demo's simulated outage,
   * demo-outage.ts). Requests served in process with `app.request()` do not pass through it.
   */
  intercept?: (request: Request) => Response | undefined;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  /** origin + `/api/v1` */
  apiUrl: string;
  adminToken: string;
  port: number;
  /**
   * Graceful shutdown: stops accepting connections, /healthz turns 503, requests in flight finish (up to
   * `shutdownGraceMs`, then the remaining connections are cut), and resolves once the server is closed.
   */
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { port = 8080, host = '127.0.0.1', extend, intercept, shutdownGraceMs = 10_000, redisUrl, ...rest } = options;
  const ownStore = rest.store === undefined && redisUrl !== undefined ? redisStoreFromSettings(redisUrl, rest) : undefined;
  // With Redis, joins are counted there too: every instance sees a client's joins, not just its own.
  const joinLimiter = rest.joinLimiter ?? (ownStore && redisJoinLimiter(ownStore, rest));
  const adminToken = options.adminToken ?? randomToken();
  let draining = false;
  const { app, fastPath } = createServerApp({
    ...rest,
    store: rest.store ?? ownStore ?? memoryStoreFromSettings(rest),
    joinLimiter,
    secret: options.secret ?? randomToken(),
    adminToken,
    isDraining: () => draining,
  });
  extend?.(app);

  const server = await new Promise<Server>((resolve, reject) => {
    const fetch: typeof app.fetch = intercept ? (request, ...rest) => intercept(request) ?? app.fetch(request, ...rest) : app.fetch;
    // Status polls skip Hono (status-fast-path.ts), except when a demo intercept must see every request.
    const createServer = intercept ? undefined : createServerWithFastPath(fastPath);
    const created = serve({ fetch, port, hostname: host, createServer }, () => resolve(created as Server)) as Server;
    created.once('error', reject);
  });
  answerClientErrorsWithJson(server);
  const actualPort = (server.address() as AddressInfo).port;
  const origin = `http://${urlHost(host)}:${actualPort}`;
  return {
    origin,
    apiUrl: origin + API_PATH,
    adminToken,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        draining = true;
        // A request that hangs must not hold the shutdown forever (the orchestrator would SIGKILL anyway).
        const deadline = setTimeout(() => server.closeAllConnections(), shutdownGraceMs);
        deadline.unref();
        server.close((error) => {
          clearTimeout(deadline);
          if (error) reject(error);
          else resolve(ownStore?.close());
        });
        // Idle keep-alive sockets (fetch, browsers) would otherwise hold close() open.
        server.closeIdleConnections();
      }),
  };
}

/** Wildcard addresses are not reachable URLs: point at loopback instead. IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
