/**
 * A throwaway `redis-server` for tests and the benchmark: a free loopback port, no persistence, a temp
 * dir, stopped afterwards. Without redis-server on PATH, suites skip loudly; under CI=true they fail,
 * so a green CI always means the Redis store was tested.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, ready } from './redis-process.js';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers, as with a Redis stuck in a long command or a frozen VM. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** SIGKILL, as a crash: connections are refused until restart(). */
  kill(): Promise<void>;
  /** Starts a new redis-server on the same port (empty: no persistence), after kill(). */
  restart(): Promise<void>;
}

/** The redis-server binary on PATH, or null. */
export function findRedisServer(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'redis-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * Whether the Redis suites can run here. Missing under CI=true throws; elsewhere it warns loudly and
 * returns false, so a developer without Redis still runs everything else.
 */
export function redisAvailable(suite: string): boolean {
  if (findRedisServer() !== null) return true;
  const message = `redis-server was not found on PATH: ${suite} needs it (Debian: apt-get install redis-server).`;
  if (process.env.CI === 'true') throw new Error(`${message} CI=true: a missing Redis fails the run.`);
  console.error(`\n${'!'.repeat(100)}\n!! SKIPPED: ${message}\n${'!'.repeat(100)}\n`);
  return false;
}


export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (binary === null) throw new Error('redis-server is not on PATH');
  const dir = await mkdtemp(join(tmpdir(), 'antichambre-redis-'));
  const port = await freePort();
  const launch = async (): Promise<ChildProcess> => {
    const started = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', ''],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await ready(started);
    return started;
  };
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT'); // a paused server would not act on SIGTERM
    child.kill(signal);
    await exited;
  };
  let child = await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await end('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    kill: () => end('SIGKILL'),
    async restart() {
      child = await launch();
    },
  };
}

