/**
 * The Redis connection of a server started with `--redis-url`, `--redis-cluster` or `--redis-sentinels`
 * (one factory for the three; everything that touches Redis uses its connection), set up so that a
 * Redis fault turns into a quick "wait" (503 + Retry-After) instead of hung requests:
 * - a command timeout: a paused or overloaded Redis fails a request in ~1 s, not the 10 s+ a TCP stack
 *   takes to notice;
 * - no offline queue and no retries per request: while the connection is down a request fails at once
 *   instead of piling up in memory and replaying stale work on reconnect (pupils' clients retry with
 *   Retry-After anyway, and every store operation is idempotent);
 * - reconnection with capped, jittered backoff, so a restarted Redis is found within ~2 s without a
 *   server restart;
 * - one log line when Redis goes away and one when it is back, instead of an unhandled `error` event
 *   per reconnection attempt (RedisHealth).
 */
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/** A request waits this long for Redis at most. 1 s: ~1000× a normal script run (~1 ms under load). */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
/** Reconnection backoff cap: a restarted Redis (~50 ms to start) is found within this. */
const RECONNECT_CAP_MS = 2000;

/** What the store reads of a connection's life; ioredis `Redis` and `Cluster` both have it. */
export interface ConnectionEvents {
  /** `ready` when commands can be sent (ioredis). */
  readonly status?: string;
  on?(event: 'error' | 'ready', listener: (arg?: unknown) => void): unknown;
  once?(event: 'ready', listener: () => void): unknown;
}

export interface HostPort {
  host: string;
  port: number;
}

/** Where the queue's Redis is: one server, a Redis Cluster (seed nodes) or a Sentinel-managed primary. */
export type RedisTarget =
  | { kind: 'url'; url: string }
  | { kind: 'cluster'; nodes: readonly HostPort[] }
  | { kind: 'sentinel'; sentinels: readonly HostPort[]; name: string };

/** `host:port,host:port` (IPv6 as `[::1]:6379`) → nodes; throws an Error naming the bad entry. */
export function parseHostPorts(list: string, flag: string): HostPort[] {
  const entries = list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error(`${flag} needs at least one HOST:PORT`);
  return entries.map((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) throw new Error(`${flag}: "${entry}" is not HOST:PORT (e.g. 10.0.0.5:6379)`);
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/** How a target is named in logs and at start, without a password. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: readonly HostPort[]): string => nodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',');
  if (target.kind === 'cluster') return `Redis Cluster via ${list(target.nodes)}`;
  if (target.kind === 'sentinel') return `Redis primary "${target.name}" via Sentinels ${list(target.sentinels)}`;
  // URLs may carry a password: never print it.
  return `Redis at ${target.url.replace(/\/\/[^@/]*@/, '//***@')}`;
}

/** Reconnection delay: doubling from 50 ms, capped, jittered so that instances do not reconnect in step. */
const reconnectDelay = (attempt: number): number => Math.round(Math.min(RECONNECT_CAP_MS, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));

/** A connection to `target` (a `redis://` URL string is a single server). */
export function createRedisClient(target: string | RedisTarget, commandTimeoutMs = REDIS_COMMAND_TIMEOUT_MS): Redis | Cluster {
  const resolved: RedisTarget = typeof target === 'string' ? { kind: 'url', url: target } : target;
  const nodeOptions = {
    // Auto-pipelining sends the scripts of concurrent requests in one write: far fewer syscalls under load.
    enableAutoPipelining: true,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs * 2,
    maxRetriesPerRequest: 0,
  };
  const options: RedisOptions = { ...nodeOptions, enableOfflineQueue: false, retryStrategy: reconnectDelay };
  if (resolved.kind === 'url') return new Redis(resolved.url, options);
  if (resolved.kind === 'sentinel') {
    return new Redis({
      ...options,
      sentinels: resolved.sentinels.map(({ host, port }) => ({ host, port })),
      name: resolved.name,
      // A lost primary is looked up again through the Sentinels at each reconnection (≤ 2 s apart):
      // measured 3–4 s from crash to answers (test/server/failover/sentinel-failover.test.ts). ioredis's
      // failoverDetector is left off: its Sentinel subscriptions outlive quit() and retry forever.
      sentinelRetryStrategy: reconnectDelay,
    });
  }
  return new Cluster(
    resolved.nodes.map(({ host, port }) => ({ host, port })),
    {
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: reconnectDelay,
      // A promoted replica is found within ~1 s even when no command met a MOVED (cluster-node-timeout 1–2 s).
      slotsRefreshInterval: 1000,
      slotsRefreshTimeout: commandTimeoutMs,
      // Queue commands meant for a failing shard for a moment while slots are refreshed, but never more
      // than the command timeout allows (withDeadline bounds the whole call anyway).
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      maxRedirections: 16,
      redisOptions: nodeOptions,
    },
  );
}

/**
 * Whether Redis answers, as the store last saw it. Logs once when it stops (the first failed command
 * or connection error of an episode) and once when it answers again: an outage of 10,000 requests
 * is two lines, not 10,000.
 */
export class RedisHealth {
  private problem: string | null = null;
  private since = 0;

  constructor(
    private readonly log: (line: string) => void = (line) => console.error(line),
    private readonly clock: () => number = Date.now,
  ) {}

  /** What is wrong now, or null when the last command succeeded. */
  get current(): string | null {
    return this.problem;
  }

  failed(reason: string): void {
    if (this.problem !== null) return;
    this.problem = reason;
    this.since = this.clock();
    this.log(`antichambre: Redis unavailable: ${reason}. Answering 503 with Retry-After until it is back.`);
  }

  succeeded(): void {
    if (this.problem === null) return;
    this.problem = null;
    this.log(`antichambre: Redis is back after ${((this.clock() - this.since) / 1000).toFixed(1)} s.`);
  }

  /** Listens to a connection's errors: without a listener ioredis prints "Unhandled error event" each time. */
  watch(client: ConnectionEvents): void {
    client.on?.('error', (error) => this.failed(error instanceof Error ? error.message : String(error)));
  }
}

/**
 * Resolves once `client` is ready, or after `timeoutMs`. Only the first connection is waited for
 * (without an offline queue, the requests of a server that just started would otherwise fail while it
 * connects); later, a connection that is down fails requests at once.
 */
export function firstReady(client: ConnectionEvents, timeoutMs: number): () => Promise<void> {
  let ready = client.status === undefined || client.status === 'ready';
  if (!ready) client.once?.('ready', () => void (ready = true));
  let waiting: Promise<void> | null = null;
  let timedOut = false;
  return async () => {
    if (ready || timedOut) return;
    waiting ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, timeoutMs);
      client.once?.('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await waiting;
  };
}

/**
 * `call` rejected after `ms` if Redis has not answered. ioredis's own commandTimeout starts when a
 * command is written, and auto-pipelining holds a batch until the one before it is answered: with a
 * frozen Redis a request queued behind a batch would wait two timeouts. This bound is per request.
 */
export function withDeadline<T>(call: Promise<T>, ms = REDIS_COMMAND_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Command timed out (no answer within ${ms} ms)`)), ms);
  });
  return Promise.race([call, deadline]).finally(() => clearTimeout(timer));
}


/**
 * Null when `target` answers within `timeoutMs`, else one line saying why (for the CLI, which exits 2):
 * an operator who mistyped a node learns it at start, not from the first pupils' 503s.
 */
export async function redisProblem(target: RedisTarget, timeoutMs = 5000): Promise<string | null> {
  const client = createRedisClient(target);
  try {
    // The first error decides: an orchestrator restarts a server that exits, so waiting gains nothing.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      client.once('error', (error: Error) => reject(error));
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await withDeadline(client.ping(), timeoutMs);
    return null;
  } catch (error) {
    return `cannot reach ${describeRedisTarget(target)}: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    client.on('error', () => undefined); // late errors of the connection being closed
    client.disconnect();
  }
}
