/**
 * A Redis Cluster primary crashes (kill -9) in the middle of a surge: two instances, 2,000 pupils over
 * 60 rooms (failover-scenario.ts). Its replica takes over in ~2 s (cluster-node-timeout 1000); the
 * other shards keep answering meanwhile (cluster-require-full-coverage no).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Cluster } from 'ioredis';
import { startRedisCluster, type RedisClusterProcesses } from '../../support/redis-cluster.js';
import { redisAvailable } from '../../support/redis-server.js';
import { crashWithReplicaBehind, runFailover } from './failover-scenario.js';

/** Kill → the busiest room answers again. Measured ~3 s here (node timeout 1 s + election + slots refresh 1 s). */
const SWITCH_BOUND_MS = 10_000;

if (redisAvailable('the Redis Cluster failover test')) {
  let cluster: RedisClusterProcesses;
  before(async () => void (cluster = await startRedisCluster()));
  after(async () => cluster?.stop());

  test('redis cluster: a primary killed mid-surge loses no answered place, admits nobody twice, keeps order and capacity', async () => {
    const nodes = cluster.seeds.map((seed) => ({ host: '127.0.0.1', port: Number(seed.split(':')[1]) }));
    const figures = await runFailover({
      target: { kind: 'cluster', nodes },
      kill: async (key) => {
        const primary = await cluster.primaryFor(key);
        await crashWithReplicaBehind(primary, await cluster.replicaOf(primary));
      },
      reader: () => new Cluster(nodes.filter((_, i) => cluster.nodes[i]!.alive)),
    });
    console.log(`cluster failover: ${JSON.stringify(figures)}`);
    assert.ok(figures.unavailable > 0, 'the crash was felt: some requests were answered 503');
    assert.ok(figures.firstAnswerMs < SWITCH_BOUND_MS, `the busiest room answered again ${figures.firstAnswerMs} ms after the crash`);
    assert.ok(figures.lineMovesMs < SWITCH_BOUND_MS, `the busiest room's line moved again ${figures.lineMovesMs} ms after the crash`);
  });
}
