/**
 * A throwaway Sentinel-managed Redis for tests: a primary, one replica and three Sentinels (quorum 2)
 * on free loopback ports, in a temp dir. `down-after-milliseconds 1000` and `failover-timeout 3000`:
 * a killed primary is replaced in ~2–3 s instead of the defaults' 30 s + 3 min.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisProcess, until, type RedisProcess } from './redis-process.js';

export const SENTINEL_MASTER = 'antichambre';

export interface RedisSentinelProcesses {
  /** Sentinels as `host:port`: what `--redis-sentinels` takes. */
  readonly sentinels: string[];
  /** The monitored primary's name: what `--redis-sentinel-master` takes. */
  readonly name: string;
  readonly servers: RedisProcess[];
  readonly sentinelProcesses: RedisProcess[];
  /** The Redis process that is primary now, as the Sentinels see it. */
  primary(): Promise<RedisProcess>;
  /** Resolves once the Sentinels name a live primary (after a kill). */
  whenHealed(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisSentinel(): Promise<RedisSentinelProcesses> {
  const dir = await mkdtemp(join(tmpdir(), 'antichambre-sentinel-'));
  const started: RedisProcess[] = [];
  const servers: RedisProcess[] = [];
  const sentinelProcesses: RedisProcess[] = [];
  try {
    const primary = await startRedisProcess(await freePort(), ['--dir', dir]);
    servers.push(primary);
    started.push(primary);
    const replica = await startRedisProcess(await freePort(), ['--dir', dir, '--replicaof', '127.0.0.1', String(primary.port)]);
    servers.push(replica);
    started.push(replica);
    await until('the replica in sync', async () => (await info(replica.port)).includes('master_link_status:up'));
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const config = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        config,
        [
          `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER} 3000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await startRedisProcess(port, ['--dir', dir], config);
      sentinelProcesses.push(sentinel);
      started.push(sentinel);
    }
    // Sentinels find each other and the replica through the primary's hello channel (~1–2 s).
    await until('three Sentinels that know the replica', async () => {
      const reply = await sentinelCommand(sentinelProcesses[0]!.port, ['MASTER', SENTINEL_MASTER]);
      const fields = new Map<string, string>();
      for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
      return fields.get('num-slaves') === '1' && fields.get('num-other-sentinels') === '2';
    });
  } catch (error) {
    await Promise.all(started.map((process) => process.kill()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const primaryPort = async (): Promise<number> => {
    for (const sentinel of sentinelProcesses.filter((s) => s.alive)) {
      try {
        const [, port] = await sentinelCommand(sentinel.port, ['GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER]);
        return Number(port);
      } catch {
        // ask the next one
      }
    }
    throw new Error('no Sentinel answers');
  };

  return {
    sentinels: sentinelProcesses.map((s) => s.address),
    name: SENTINEL_MASTER,
    servers,
    sentinelProcesses,
    async primary() {
      const port = await primaryPort();
      const found = servers.find((s) => s.port === port);
      if (found === undefined) throw new Error(`the Sentinels name an unknown primary on port ${port}`);
      return found;
    },
    async whenHealed(timeoutMs = 15_000) {
      await until(
        'a live primary named by the Sentinels',
        async () => {
          const port = await primaryPort();
          return servers.some((s) => s.port === port && s.alive) && (await info(port)).includes('role:master');
        },
        timeoutMs,
      );
    },
    async stop() {
      await Promise.all(started.map((process) => process.kill()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function info(port: number): Promise<string> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.info('replication');
  } finally {
    client.disconnect();
  }
}

async function sentinelCommand(port: number, args: string[]): Promise<unknown[]> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return (await client.call('SENTINEL', ...args)) as unknown[];
  } finally {
    client.disconnect();
  }
}
