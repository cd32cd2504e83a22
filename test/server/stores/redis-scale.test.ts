/** The Redis store at the scale of a national morning: 100,000 waiting in one room, exact and cheap places. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const T0 = Date.parse('2026-09-01T08:00:00Z');
const ROOM = 'academie-de-lyon';
const WAITING = 100_000;

/** Runs `task(i)` for i in [0, n), `width` at a time: concurrent enough to pipeline, bounded in memory. */
async function inBatches<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < n; start += width) {
    const batch = Array.from({ length: Math.min(width, n - start) }, (_, k) => task(start + k));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

/** Redis-side time of all script calls since RESETSTAT (µs), from INFO commandstats: no network or Node in it. */
async function scriptMicros(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  const match = /cmdstat_evalsha:calls=\d+,usec=(\d+),/.exec(info);
  assert.ok(match, info);
  return Number(match[1]);
}

if (redisAvailable('the Redis scale test')) {
  let server: RedisServer;
  before(async () => void (server = await startRedisServer()));
  after(async () => server?.stop());

  test('redis store: 100,000 waiting pupils each get their exact place, for tens of µs of Redis time', async () => {
    // 2,000 joins in flight from one process: on a busy machine some wait over the 1-s request timeout
    // that a server's pupils get (a 503 there); a bulk load is no pupil and may wait.
    const store = new RedisStore({ url: server.url, defaults: { capacity: 0, admitPerMinute: 60, open: true }, commandTimeoutMs: 30_000 });
    const admin = new Redis(server.url);
    try {
      const ids = await inBatches(WAITING, 2000, async (i) => (await store.join(ROOM, `pupil-key-${String(i).padStart(10, '0')}`, T0)).ticket.id);
      // Every tenth of the first 10,000 leaves: everyone behind moves up exactly.
      await inBatches(1000, 1000, (k) => store.release(ROOM, ids[k * 10]!, T0));
      const sample = Array.from({ length: 2000 }, (_, k) => k * 50 + 1);
      await admin.config('RESETSTAT');
      const places = await inBatches(sample.length, 500, async (k) => (await store.status(ROOM, ids[sample[k]!]!, T0))?.ticket.position);
      const expected = sample.map((i) => i + 1 - Math.min(1000, Math.ceil((i + 1) / 10)));
      assert.deepEqual(places, expected);
      // Concurrent statuses share a script run (RedisStore.status batches them): cost per status, not per run.
      const micros = (await scriptMicros(admin)) / sample.length;
      console.log(`status at ${WAITING.toLocaleString('en')} waiting: ${micros.toFixed(1)} µs of Redis time per status`);
      assert.ok(micros < 500, `a status cost ${micros} µs in Redis: it should be O(log n), tens of µs`);
      assert.equal((await store.roomStatus(ROOM, T0))?.waiting, WAITING - 1000);
      const memory = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
      console.log(`Redis memory: ${Math.round(memory / (WAITING - 1000))} bytes per waiting pupil (docs/capacity.md)`);
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });
} else {
  test('redis store at scale (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
