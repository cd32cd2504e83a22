/**
 * A Sentinel-managed primary crashes (kill -9) in the middle of a surge: two instances, 2,000 pupils over
 * 60 rooms (failover-scenario.ts), every room on that one primary. Three Sentinels (quorum 2,
 * down-after-milliseconds 1000) promote the replica; the servers follow without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisSentinel, type RedisSentinelProcesses } from '../../support/redis-sentinel.js';
import { redisAvailable } from '../../support/redis-server.js';
import { crashWithReplicaBehind, runFailover } from './failover-scenario.js';

/** Kill → the busiest room answers again. Measured ~3–4 s here (down-after 1 s + election + reconnection). */
const SWITCH_BOUND_MS = 10_000;

if (redisAvailable('the Redis Sentinel failover test')) {
  let sentinel: RedisSentinelProcesses;
  before(async () => void (sentinel = await startRedisSentinel()));
  after(async () => sentinel?.stop());

  test('redis sentinel: the primary killed mid-surge loses no answered place, admits nobody twice, keeps order and capacity', async () => {
    const sentinels = sentinel.sentinels.map((address) => ({ host: '127.0.0.1', port: Number(address.split(':')[1]) }));
    const figures = await runFailover({
      target: { kind: 'sentinel', sentinels, name: sentinel.name },
      kill: async () => {
        const primary = await sentinel.primary();
        await crashWithReplicaBehind(primary, sentinel.servers.find((server) => server !== primary)!);
      },
      reader: () => new Redis({ sentinels, name: sentinel.name }),
    });
    console.log(`sentinel failover: ${JSON.stringify(figures)}`);
    assert.ok(figures.unavailable > 0, 'the crash was felt: some requests were answered 503');
    assert.ok(figures.firstAnswerMs < SWITCH_BOUND_MS, `the busiest room answered again ${figures.firstAnswerMs} ms after the crash`);
    assert.ok(figures.lineMovesMs < SWITCH_BOUND_MS, `the busiest room's line moved again ${figures.lineMovesMs} ms after the crash`);
  });
}
