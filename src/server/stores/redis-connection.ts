/**
 * The Redis connection of a server started with `--redis-url`, set up so that a Redis fault turns into
 * a quick "wait" (503 + Retry-After) instead of hung requests:
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
import { Redis } from 'ioredis';

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

export function createRedisClient(url: string, commandTimeoutMs = REDIS_COMMAND_TIMEOUT_MS): Redis {
  return new Redis(url, {
    // Auto-pipelining sends the scripts of concurrent requests in one write: far fewer syscalls under load.
    enableAutoPipelining: true,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs * 2,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.round(Math.min(RECONNECT_CAP_MS, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)),
  });
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

