/**
 * The store conformance suite on the Redis store, against a real redis-server started for this file,
 * plus what only Redis has: a lost script cache, clock skew between instances, key layout per room.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { storeConformance } from './store-conformance.js';
import { redisAvailable, startRedisServer, type RedisServer } from './redis-server.js';

const T0 = Date.parse('2026-09-01T08:00:00Z');

if (redisAvailable('the Redis store conformance suite')) {
  let server: RedisServer;
  let prefixes = 0;
  before(async () => void (server = await startRedisServer()));
  after(async () => server?.stop());

  const newStore = (options: ConstructorParameters<typeof RedisStore>[0] = {}): RedisStore =>
    new RedisStore({ url: server.url, prefix: `test-${process.pid}-${++prefixes}`, ...options });

  storeConformance('redis store', async (options) => newStore(options));

  test('redis store: a Redis that lost its script cache (restart, failover) is reloaded transparently', async () => {
    const store = newStore();
    const admin = new Redis(server.url);
    try {
      await store.join('lycee-a', 'key-0000000000000001', T0);
      await admin.script('FLUSH');
      const again = await store.join('lycee-a', 'key-0000000000000002', T0);
      assert.equal(again.room.active, 2);
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });

  test('redis store: a slower clock on another instance cannot bring an expired ticket back', async () => {
    const fast = newStore({ waitingTtlMs: 60_000, defaults: { capacity: 0, admitPerMinute: 60, open: true } });
    const slow = new RedisStore({ url: server.url, prefix: fast.prefix, waitingTtlMs: 60_000, defaults: fast.options.defaults });
    try {
      const { ticket } = await fast.join('lycee-b', 'key-0000000000000003', T0);
      assert.equal(await fast.status('lycee-b', ticket.id, T0 + 60_000), null);
      assert.equal(await slow.status('lycee-b', ticket.id, T0 + 59_000), null, 'the room clock never goes back');
      const late = await slow.join('lycee-b', 'key-0000000000000004', T0 + 59_000);
      assert.equal(late.ticket.createdAt, T0 + 60_000, 'times are taken from the room clock');
    } finally {
      await Promise.all([fast.close(), slow.close()]);
    }
  });

  test("redis store: every key of a room carries the room's hash tag, so Redis Cluster can shard by room", async () => {
    const store = newStore({ defaults: { capacity: 1, admitPerMinute: 60, open: true } });
    const admin = new Redis(server.url);
    try {
      for (const room of ['college-a', 'lycee-b']) {
        await store.join(room, 'key-0000000000000005', T0);
        await store.join(room, 'key-0000000000000006', T0);
      }
      const keys = (await admin.keys(`${store.prefix}:*`)).sort();
      assert.ok(keys.length >= 10, keys.join(' '));
      for (const key of keys) assert.match(key, new RegExp(`^${store.prefix}:(\\{(college-a|lycee-b)\\}:[a-z-]+|rooms)$`));
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });
} else {
  test('redis store (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
