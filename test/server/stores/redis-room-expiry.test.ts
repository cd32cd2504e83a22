/**
 * Rooms in Redis do not outlive their use: every key of a room gets a TTL refreshed by each call (a room
 * joined once and abandoned would otherwise stay for good: lazy expiry only runs when someone asks),
 * the settings of configured rooms are kept, and the room registry forgets rooms whose keys expired.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { roomKeys, roomsKey } from '../../../src/server/stores/redis-keys.js';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const T0 = Date.parse('2026-09-01T08:00:00Z');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

if (redisAvailable('the Redis room expiry test')) {
  let server: RedisServer;
  let admin: Redis;
  let prefixes = 0;
  before(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });
  after(async () => {
    await admin?.quit();
    await server?.stop();
  });
  const newStore = (options: ConstructorParameters<typeof RedisStore>[0] = {}): RedisStore =>
    new RedisStore({ url: server.url, prefix: `expiry-${process.pid}-${++prefixes}`, ...options });

  test('every key of a room a join created expires after the idle TTL, refreshed by each call; a configured room keeps its settings', async () => {
    const store = newStore({ defaults: { capacity: 1, admitPerMinute: 60, open: true } });
    try {
      const idleTtl = Math.max(store.options.waitingTtlMs, store.options.sessionTtlMs) + store.options.admitGraceMs + store.options.statsWindowMs;
      for (const room of ['junk-room', 'college-configure']) {
        await store.join(room, 'expiry-key-000000000001', T0);
        await store.join(room, 'expiry-key-000000000002', T0);
      }
      await store.configureRoom('college-configure', { capacity: 2 }, T0);
      for (const room of ['junk-room', 'college-configure']) {
        const keys = roomKeys(store.prefix, room);
        const ttls = await Promise.all(keys.map(async (key) => [key.split(':').at(-1), (await admin.exists(key)) ? await admin.pttl(key) : null] as const));
        const present = ttls.filter(([, ttl]) => ttl !== null);
        assert.ok(present.length >= 6, JSON.stringify(ttls));
        for (const [name, ttl] of present) {
          if (room === 'college-configure' && name === 'room') assert.equal(ttl, -1, 'configured settings never expire');
          else assert.ok(ttl! > idleTtl - 60_000 && ttl! <= idleTtl, `${room} ${name}: PTTL ${ttl}`);
        }
      }
    } finally {
      await store.close();
    }
  });

  test('rooms whose keys expired leave the registry: --max-rooms counts live rooms only', async () => {
    const store = newStore({ roomIdleTtlMs: 200, waitingTtlMs: 100, sessionTtlMs: 100, admitGraceMs: 50, maxRooms: 5 });
    try {
      for (let i = 0; i < 5; i++) await store.join(`junk-${i}`, 'expiry-key-000000000003', T0);
      assert.equal(await admin.scard(roomsKey(store.prefix)), 5);
      await sleep(500);
      assert.equal((await admin.keys(`${store.prefix}:{junk-*`)).length, 0, 'every key of the junk rooms expired');
      await store.join('college-new', 'expiry-key-000000000004', T0 + 60_000);
      assert.deepEqual(await admin.smembers(roomsKey(store.prefix)), ['college-new']);
    } finally {
      await store.close();
    }
  });
} else {
  test('Redis room expiry (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
