/**
 * One `redis-server` process for the cluster and Sentinel starters: a free loopback port, a temp dir,
 * no persistence, waited for until it accepts connections. SIGKILL is the crash the failover tests make.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisProcess {
  readonly port: number;
  /** `127.0.0.1:port`, as the cluster and Sentinel name nodes. */
  readonly address: string;
  /** SIGKILL, as a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGSTOP: connected and silent, as a replica stuck on a frozen VM. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  readonly alive: boolean;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `redis-server` on `port` with `args` and waits until it accepts connections. With
 * `sentinelConfig` (a writable file: Sentinel rewrites it), starts a Sentinel instead.
 */
export async function startRedisProcess(port: number, args: readonly string[], sentinelConfig?: string): Promise<RedisProcess> {
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--logfile', ''];
  const all = sentinelConfig === undefined ? [...common, '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', ...args] : [sentinelConfig, '--sentinel', ...common, ...args];
  const child = spawn('redis-server', all, { stdio: ['ignore', 'pipe', 'pipe'] });
  await ready(child, sentinelConfig === undefined ? /Ready to accept connections/ : /Sentinel ID/);
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT'); // a paused process would not act on SIGTERM
    child.kill(signal);
    await exited;
  };
  return {
    port,
    address: `127.0.0.1:${port}`,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

/** Resolves when the server logs `marker`; rejects if it exits first or takes 10 s. */
export function ready(child: ChildProcess, marker: RegExp = /Ready to accept connections/): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start in 10 s:\n${log}`)), 10_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      if (marker.test(log)) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        // Keep draining its output: a full pipe would block the server.
        child.stdout?.off('data', onData).resume();
        child.stderr?.off('data', onData).resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${log}`)));
  });
}

/** Polls `check` every 50 ms until it returns true, or throws after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
