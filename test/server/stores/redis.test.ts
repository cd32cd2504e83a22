/**
 * The store conformance suite on the Redis store, against a real redis-server started for this file,
 * plus what only Redis has: a lost script cache, clock skew between instances, key layout per room.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { roomKeys } from '../../../src/server/stores/redis-keys.js';
import { lanesConformance } from './lanes-conformance.js';
import { roomPolicyConformance } from './room-policy-conformance.js';
import { storeConformance } from './store-conformance.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

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
  lanesConformance('redis store', async (options) => newStore(options));

  test('redis store: a lane in a time zone only another instance knew is scheduled right (the zone is learnt)', async () => {
    const a = newStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true }, waitingTtlMs: 7_200_000 });
    const b = newStore({ prefix: a.prefix, defaults: a.options.defaults, waitingTtlMs: 7_200_000 });
    try {
      // 08:00 UTC is 04:00 in New York (summer time): inside 04:00–05:00 there, outside in Paris (10:00).
      await a.configureRoom('lycee-ny', { lanes: [{ name: 'personnels', share: 0.5, window: { from: '04:00', to: '05:00', timeZone: 'America/New_York' } }] }, T0);
      await b.join('lycee-ny', 'key-ny-pupil-000000001', T0);
      const staff = await b.join('lycee-ny', 'key-ny-staff-000000001', T0, undefined, 'personnels');
      assert.deepEqual([staff.ticket.lane, staff.ticket.position], ['personnels', 1], 'open in New York: passes first');
      const later = await b.status('lycee-ny', staff.ticket.id, T0 + 3_600_000 - 1000);
      assert.equal(later?.ticket.position, 1);
      const closed = await b.status('lycee-ny', staff.ticket.id, T0 + 3_600_000);
      assert.equal(closed?.ticket.position, 2, 'at 05:00 in New York the lane closes: the pupil passes first');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

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

  test('redis store: per-client state holds one entry per address with a waiting ticket, and none once they are in or gone', async () => {
    const store = newStore({ waitingTtlMs: 60_000, defaults: { capacity: 0, admitPerMinute: 1_000_000, open: true } });
    const admin = new Redis(server.url);
    const [, , , , , , , , , , clients, ticketClients] = roomKeys(store.prefix, 'lycee-c');
    try {
      const joined = [];
      for (const [i, client] of ['203.0.113.7', '203.0.113.7', '203.0.113.7', '198.51.100.1', '198.51.100.2'].entries()) {
        joined.push((await store.join('lycee-c', `key-00000000000001${i}`, T0, client)).ticket.id);
      }
      assert.deepEqual([await admin.hlen(clients!), await admin.hlen(ticketClients!)], [3, 5]);
      assert.equal(await admin.hget(clients!, '203.0.113.7'), '2 3', 'last round 2, three waiting');
      await store.configureRoom('lycee-c', { capacity: 3 }, T0 + 1000); // 203.0.113.7 (round 0) and the two pupils
      assert.deepEqual([await admin.hget(clients!, '203.0.113.7'), await admin.hlen(clients!)], ['2 2', 1]);
      await store.release('lycee-c', joined[1]!, T0 + 2000);
      await store.status('lycee-c', joined[0]!, T0 + 59_000);
      assert.equal(await store.status('lycee-c', joined[2]!, T0 + 61_000), null, 'expired');
      assert.deepEqual([await admin.exists(clients!), await admin.exists(ticketClients!)], [0, 0], 'nothing left of any client');
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });

  test("redis store: a lost settings hash does not let a newcomer in ahead of pupils who joined in an earlier round's slot", async () => {
    // An address's three tickets take rounds 0, 1, 2 (seq 1-3); five pupils alone at their address then
    // join round 0 (seq 4-8). The highest score is the address's round-2 ticket, seq 3: recovering seq
    // from it would hand the next join seq 4 again, ahead of four of the five pupils.
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 1_000, open: true } });
    const admin = new Redis(server.url);
    const [roomHash] = roomKeys(store.prefix, 'lycee-r');
    try {
      for (let i = 0; i < 3; i++) await store.join('lycee-r', `nat-key-000000000000${i}`, T0 + i, '10.0.0.1');
      const pupils = [];
      for (let i = 0; i < 5; i++) pupils.push((await store.join('lycee-r', `pupil-key-0000000000${i}`, T0 + 10 + i, `192.0.2.${i}`)).ticket.id);
      await admin.del(roomHash!);
      const late = await store.join('lycee-r', 'late-key-0000000000001', T0 + 20, '198.51.100.9');
      const places = await Promise.all(pupils.map(async (id) => (await store.status('lycee-r', id, T0 + 21))!.ticket.position));
      assert.deepEqual(places, [2, 3, 4, 5, 6], 'the five pupils keep their places, behind the address\'s first ticket');
      assert.equal(late.ticket.position, 7, 'the newcomer at the back of round 0: behind the five pupils, ahead of the address\'s later rounds');
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });

  test("redis store: a lost ticket-clients hash does not leave an address counted as waiting for ever", async () => {
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 1_000_000, open: true } });
    const admin = new Redis(server.url);
    const [, , , , , , , , , , clients, ticketClients] = roomKeys(store.prefix, 'lycee-s');
    try {
      const nat = [];
      for (let i = 0; i < 2; i++) nat.push((await store.join('lycee-s', `nat-key-000000000000${i}`, T0 + i, '10.0.0.1')).ticket.id);
      await admin.del(ticketClients!);
      for (const id of nat) await store.release('lycee-s', id, T0 + 10);
      await store.join('lycee-s', 'home-key-0000000000001', T0 + 11, '192.0.2.1');
      await store.join('lycee-s', 'home-key-0000000000002', T0 + 12, '192.0.2.2');
      const back = await store.join('lycee-s', 'nat-key-0000000000009', T0 + 13, '10.0.0.1');
      const later = await store.join('lycee-s', 'home-key-0000000000003', T0 + 14, '192.0.2.3');
      assert.deepEqual(
        [(await store.status('lycee-s', back.ticket.id, T0 + 15))!.ticket.position, later.ticket.position],
        [3, 4],
        'a pupil alone of her address again is first come, first served: not sent behind the pupils who come after her',
      );
      assert.match((await admin.hget(clients!, '10.0.0.1')) ?? '', /^\d+ 1$/, 'the address counts one waiting ticket, its own');
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });
  test('redis store: rounds and join order past half their exact range start again at 0 once nobody waits, so line scores stay exact', async () => {
    // round * 2^32 + seq is exact below 2^53: from round 2^21 on join order is lost. A room left at round
    // 2^30 (months of a declared room) with nobody waiting must order the next joins as they came.
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 1_000, open: true } });
    const admin = new Redis(server.url);
    const [roomHash] = roomKeys(store.prefix, 'lycee-w');
    try {
      await store.join('lycee-w', 'first-key-000000000001', T0, '192.0.2.99');
      await store.configureRoom('lycee-w', { capacity: 1 }, T0 + 1); // admitted: the line is empty
      await admin.hset(roomHash!, 'round', 2 ** 30, 'seq', 2 ** 32 - 3);
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push((await store.join('lycee-w', `wrap-key-00000000000${i}`, T0 + 10 + i, `198.51.100.${i}`)).ticket.id);
      const places = await Promise.all(ids.map(async (id) => (await store.status('lycee-w', id, T0 + 20))!.ticket.position));
      assert.deepEqual(places, [1, 2, 3, 4, 5, 6], 'join order kept');
      assert.deepEqual(await admin.hmget(roomHash!, 'round', 'seq'), ['0', '6']);
    } finally {
      await Promise.all([store.close(), admin.quit()]);
    }
  });
} else {
  test('redis store (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
