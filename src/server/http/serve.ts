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
import { applyDeclaredRooms } from '../room-policy/declared-rooms.js';
import { applyDeclaredPassKeys, redisPasses } from '../passes/passes-from-settings.js';
import { withDefaults, type ServerSettings } from '../config/settings.js';
import { listenForMetrics, type MetricsListener } from '../metrics/metrics-listener.js';
import { RedisDefenceState } from '../defence/defence-state.js';
import { createServerWithFastPath, type NodeFastPath } from './status-fast-path.js';
import { memoryStoreFromSettings, redisJoinLimiter, redisStoreFromSettings } from '../stores/stores-from-settings.js';
import type { RedisTarget } from '../stores/redis-connection.js';
import { randomToken } from '../admission/tokens.js';
import type { AutopilotConfig } from '../autopilot/autopilot-config.js';
import type { StartAutopilotOptions } from '../autopilot/start-autopilot.js';
import { MemoryAutopilotStore, RedisAutopilotStore, type AutopilotStore } from '../autopilot/autopilot-store.js';
import { superviseAutopilots, type AutopilotSupervisorOptions } from '../autopilot/autopilot-supervisor.js';

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
  /** A Redis Cluster or Sentinel-managed primary (redis-connection.ts) instead of `redisUrl`. */
  redis?: RedisTarget;
  /** Replicas a join or admission must reach before it is answered; default 1 on a Cluster or Sentinel, else 0. */
  redisWaitReplicas?: number;
  /** Signs admission tokens; a generated ES256 key pair when absent. */
  admissionKey?: AppOptions['admissionKey'];
  /** Shared join limiter; in Redis with `redisUrl`, else in memory, when absent. */
  joinLimiter?: AppOptions['joinLimiter'];
  /** Rooms' proof-of-work state; in Redis with `redisUrl`, else in memory, when absent. */
  defence?: AppOptions['defence'];
  /** Priority passes' keys and subjects; in Redis with `redisUrl`, else in memory, when absent. */
  passes?: AppOptions['passes'];
  /** Process metrics on /metrics (the CLI turns them on). */
  processMetrics?: boolean;
  /**
   * Serve /metrics on a listener of its own on this port (0: a free one), unless `metricsToken` is set.
   * Absent: no such listener (the CLI passes --metrics-port, default 9464). See metrics-route.ts.
   */
  metricsPort?: number;
  /** Interface of that listener. Default 127.0.0.1: this machine only. */
  metricsHost?: string;
  /** Serve /metrics on the main port instead, to `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  /** How long close() lets requests in flight finish before cutting connections. Default 10 s. */
  shutdownGraceMs?: number;
  /** Mounts extra routes (e.g. the demo site) after the API. */
  extend?: (app: Hono) => void;
  /**
   * Sees each HTTP request before the status fast path and the app, and may answer it instead (returns
   * true): the demo's simulated outage (demo/server/demo-outage.ts). Node's request and response, as the
   * fast path takes them, so the fast path stays on. Requests served in process with `app.request()` do
   * not pass through it.
   */
  intercept?: NodeFastPath;
  /** Steers one room's seats and rate from its ENT's page times (docs/autopilot.md); written to the config store at start. */
  autopilot?: AutopilotConfig & { room: string };
  /** Rooms' autopilot configs; in Redis with `redisUrl`, else in memory, when absent. */
  autopilotStore?: AutopilotStore;
  /** How often the configs are read (default 2 s), and the law's timing: tests compress time with them. */
  autopilotTiming?: Pick<AutopilotSupervisorOptions, 'pollMs' | 'tickMs' | 'probe' | 'tuning'>;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  /** origin + `/api/v1` */
  apiUrl: string;
  adminToken: string;
  port: number;
  /** Where /metrics is: the metrics listener's URL, or the main port's with `metricsToken`; absent: nowhere. */
  metricsUrl?: string;
  /** Why the metrics listener could not start (port taken…): the queue runs without it. */
  metricsError?: string;
  /**
   * Graceful shutdown: stops accepting connections, /healthz turns 503, requests in flight finish (up to
   * `shutdownGraceMs`, then the remaining connections are cut), and resolves once the server is closed.
   */
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const { port = 8080, host = '127.0.0.1', extend, intercept, shutdownGraceMs = 10_000, redisUrl, redis, redisWaitReplicas, metricsPort, metricsHost = '127.0.0.1', autopilot: autopilotConfig, ...rest } = options;
  const target = redis ?? redisUrl;
  const ownStore = rest.store === undefined && target !== undefined ? redisStoreFromSettings(target, rest, redisWaitReplicas) : undefined;
  // With Redis, joins are counted there too: every instance sees a client's joins, not just its own.
  const joinLimiter = rest.joinLimiter ?? (ownStore && redisJoinLimiter(ownStore, rest));
  const adminToken = options.adminToken ?? randomToken();
  let draining = false;
  const store = rest.store ?? ownStore ?? memoryStoreFromSettings(rest);
  await ownStore?.whenConnected();
  await applyDeclaredRooms(store, withDefaults(rest), (rest.now ?? Date.now)());
  // With Redis, pass keys and subjects live there too (passes/), and the declared keys are written at start.
  const passes = rest.passes ?? (ownStore && redisPasses(ownStore.client, ownStore.prefix, withDefaults(rest)));
  if (passes) {
    await applyDeclaredPassKeys(passes.keys, withDefaults(rest)).catch((error: unknown) => {
      console.error(`antichambre: the declared rooms' pass keys could not be written now (${error instanceof Error ? error.message : String(error)}).`);
    });
  }
  // Rooms' autopilot configs live apart from the queue (autopilot-store.ts); the file, then the flags, at start.
  const autopilotStore = options.autopilotStore ?? (ownStore ? new RedisAutopilotStore(ownStore.client, ownStore.prefix) : new MemoryAutopilotStore());
  const declaredAutopilots: Array<[string, AutopilotConfig]> = Object.entries(withDefaults(rest).declaredRooms ?? {}).flatMap(([room, declared]) =>
    declared.autopilot ? [[room, declared.autopilot] as [string, AutopilotConfig]] : [],
  );
  if (autopilotConfig) {
    const { room, ...config } = autopilotConfig;
    declaredAutopilots.push([room, config]);
  }
  for (const [room, config] of declaredAutopilots) {
    await autopilotStore.set(room, config).catch((error: unknown) => {
      console.error(`antichambre: room ${room}'s autopilot could not be written now (${error instanceof Error ? error.message : String(error)}).`);
    });
  }
  let autopilots: ReturnType<typeof superviseAutopilots> | undefined;
  const { app, fastPath, metrics } = createServerApp({
    ...rest,
    pageTimings: (...report) => autopilots?.pageTimings(...report),
    steeringOf: (room) => autopilots?.steering(room) ?? null,
    autopilot: autopilotStore,
    store,
    joinLimiter,
    // With Redis, rooms' proof-of-work state is shared there too (defence-state.ts).
    defence: rest.defence ?? (ownStore && new RedisDefenceState(ownStore.client, ownStore.prefix)),
    passes,
    secret: options.secret ?? randomToken(),
    adminToken,
    isDraining: () => draining,
  });
  extend?.(app);
  // The store's connection is an ioredis Redis or Cluster (redis-connection.ts); the store types it narrowly.
  const redisClient = ownStore?.client as StartAutopilotOptions['redis'];
  autopilots = superviseAutopilots({ store, configs: autopilotStore, redis: redisClient, registry: metrics.registry, now: rest.now, ...options.autopilotTiming });

  const server = await new Promise<Server>((resolve, reject) => {
    // Status polls skip Hono (status-fast-path.ts).
    const createServer = createServerWithFastPath(fastPath, intercept);
    const created = serve({ fetch: app.fetch, port, hostname: host, createServer }, () => resolve(created as Server)) as Server;
    created.once('error', reject);
  });
  answerClientErrorsWithJson(server);
  const actualPort = (server.address() as AddressInfo).port;
  const origin = `http://${urlHost(host)}:${actualPort}`;
  let metricsListener: MetricsListener | undefined;
  let metricsError: string | undefined;
  if (rest.metricsToken === undefined && metricsPort !== undefined) {
    try {
      metricsListener = await listenForMetrics(metrics, metricsPort, metricsHost);
    } catch (error) {
      // Pupils come first: a taken metrics port must not stop the queue at 8:00. The CLI says so.
      metricsError = `cannot listen on ${metricsHost}:${metricsPort} for /metrics: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return {
    origin,
    metricsUrl: rest.metricsToken !== undefined ? `${origin}/metrics` : metricsListener?.url,
    metricsError,
    apiUrl: origin + API_PATH,
    adminToken,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        draining = true;
        void metricsListener?.close();
        void autopilots?.stop(); // hands the leases over at once
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
