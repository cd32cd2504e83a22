/**
 * The store conformance suite on the Redis store, against a real redis-server started for this file,
 * plus what only Redis has: a lost script cache, clock skew between instances, key layout per room.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { roomPolicyConformance } from './room-policy-conformance.js';
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
  roomPolicyConformance('redis store', async (options) => newStore(options));

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

  test('redis store: status calls made together share one round trip, each answered as if alone at its own time', async () => {
    const store = newStore({ waitingTtlMs: 60_000, defaults: { capacity: 0, admitPerMinute: 60, open: true } });
    const admin = new Redis(server.url);
    try {
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((k) => store.join('lycee-c', `key-000000000000000${k}`, T0)));
      await admin.config('RESETSTAT');
      // Given out of time order: c seen at +30 s survives the 60-s TTL that removes a and b at +61 s.
      const [lateA, earlyC, lateC, lateB] = await Promise.all([
        store.status('lycee-c', a!.ticket.id, T0 + 61_000),
        store.status('lycee-c', c!.ticket.id, T0 + 30_000),
        store.status('lycee-c', c!.ticket.id, T0 + 61_000),
        store.status('lycee-c', b!.ticket.id, T0 + 61_000),
      ]);
      assert.equal(earlyC?.ticket.position, 3, 'at +30 s nobody has expired yet');
      assert.equal(earlyC?.room.waiting, 3);
      assert.equal(lateA, null);
      assert.equal(lateB, null);
      assert.equal(lateC?.ticket.position, 1, 'at +61 s a and b are gone and c moved up');
      assert.equal(lateC?.room.waiting, 1);
      assert.match(await admin.info('commandstats'), /cmdstat_evalsha:calls=1,/, 'one script run for the four calls');
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });
} else {
  test('redis store (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
