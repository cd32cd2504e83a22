/**
 * A throwaway Redis Cluster for tests: three primaries with one replica each, on free loopback ports,
 * in temp dirs, no persistence. `cluster-node-timeout 1000`: a killed primary is replaced in ~2 s
 * (the default 15 s would make a failover test take a minute). `cluster-require-full-coverage no`:
 * the other two shards keep answering while one fails over (what production should set too).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, startRedisProcess, until, type RedisProcess } from './redis-process.js';

const run = promisify(execFile);

export interface RedisClusterProcesses {
  /** Seed nodes as `host:port`, primaries first: what `--redis-cluster` takes. */
  readonly seeds: string[];
  readonly nodes: RedisProcess[];
  /** The process serving `key`'s slot as primary now. */
  primaryFor(key: string): Promise<RedisProcess>;
  /** The replica of `primary` now. */
  replicaOf(primary: RedisProcess): Promise<RedisProcess>;
  /** Resolves once every slot is served again by a live primary (after a kill). */
  whenHealed(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisCluster(primaries = 3, replicasEach = 1): Promise<RedisClusterProcesses> {
  const dir = await mkdtemp(join(tmpdir(), 'antichambre-cluster-'));
  const nodes: RedisProcess[] = [];
  try {
    for (let i = 0; i < primaries * (1 + replicasEach); i++) {
      const [port, busPort] = [await freePort(), await freePort()];
      nodes.push(
        await startRedisProcess(port, [
          '--cluster-enabled', 'yes',
          '--cluster-port', String(busPort),
          '--cluster-config-file', join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout', '1000',
          '--cluster-require-full-coverage', 'no',
          // A replica may always take over, however long ago it last heard its primary: the tests kill
          // primaries seconds after the cluster formed, and losing a shard would fail them for no reason.
          '--cluster-replica-validity-factor', '0',
          '--dir', dir,
        ]),
      );
    }
    const addresses = nodes.map((node) => node.address);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', String(replicasEach), '--cluster-yes'], { timeout: 20_000 });
    for (const node of nodes) await until(`cluster_state:ok and replication on ${node.address}`, () => clusterOk(node.port));
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill()));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  /** Slot → primary port, and `key`'s slot when given, as a live node sees them. */
  const slotOwners = async (key = ''): Promise<{ owners: Map<number, number>; slot: number }> => {
    for (const node of nodes.filter((n) => n.alive)) {
      const client = new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        await client.connect();
        const slots = await client.cluster('SLOTS');
        const owners = new Map<number, number>();
        for (const [from, to, [, port]] of slots) for (let slot = from; slot <= to; slot++) owners.set(slot, port);
        return { owners, slot: Number(await client.cluster('KEYSLOT', key)) };
      } catch {
        // try the next node
      } finally {
        client.disconnect();
      }
    }
    throw new Error('no live cluster node answers');
  };

  return {
    seeds: nodes.map((node) => node.address),
    nodes,
    async primaryFor(key) {
      const { owners, slot } = await slotOwners(key);
      const port = owners.get(slot);
      const node = nodes.find((n) => n.port === port);
      if (node === undefined) throw new Error(`no node owns the slot of ${key}`);
      return node;
    },
    async replicaOf(primary) {
      for (const node of nodes.filter((n) => n.alive && n !== primary)) {
        const client = new Redis(node.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
        try {
          await client.connect();
          if ((await client.info('replication')).includes(`master_port:${primary.port}`)) return node;
        } finally {
          client.disconnect();
        }
      }
      throw new Error(`${primary.address} has no replica`);
    },
    async whenHealed(timeoutMs = 15_000) {
      await until(
        'every slot served by a live primary',
        async () => {
          const { owners } = await slotOwners();
          if (owners.size !== 16384) return false;
          const live = new Set(nodes.filter((n) => n.alive).map((n) => n.port));
          return [...owners.values()].every((port) => live.has(port));
        },
        timeoutMs,
      );
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.kill()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function clusterOk(port: number): Promise<boolean> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    if (!String(await client.cluster('INFO')).includes('cluster_state:ok')) return false;
    const replication = await client.info('replication');
    return replication.includes('role:master') || replication.includes('master_link_status:up');
  } finally {
    client.disconnect();
  }
}
