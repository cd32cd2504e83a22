/** One holder per pass subject, the same in memory and in Redis, however the joins race. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryPassSubjects, RedisPassSubjects, type PassSubjects } from '../../../src/server/passes/pass-subjects.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const ROOM = 'college-jean-moulin';
const TTL = { ttlMs: 3_600_000, pendingTtlMs: 30_000 };

function conformance(make: () => PassSubjects, clock: { now: () => number }) {
  test('of two joins racing with one subject, exactly one holds it; the holder re-claiming keeps it', async () => {
    const subjects = make();
    const now = clock.now();
    const [a, b] = await Promise.all([subjects.claim(ROOM, 'prof-1', 'key-a', now), subjects.claim(ROOM, 'prof-1', 'key-b', now)]);
    assert.equal(a.key, b.key, 'both see the same holder');
    const holder = a.key;
    assert.deepEqual(await subjects.claim(ROOM, 'prof-1', holder, now), { key: holder, ticketId: null });
    await subjects.bind(ROOM, 'prof-1', holder === 'key-a' ? 'key-b' : 'key-a', 'ticket-of-the-loser', now);
    assert.deepEqual(await subjects.claim(ROOM, 'prof-1', 'key-c', now), { key: holder, ticketId: null }, 'only the holder binds its ticket');
    await subjects.bind(ROOM, 'prof-1', holder, 'ticket-0001', now);
    assert.deepEqual(await subjects.claim(ROOM, 'prof-1', 'key-c', now), { key: holder, ticketId: 'ticket-0001' });
    assert.deepEqual(await subjects.claim('lycee-victor-hugo', 'prof-1', 'key-c', now), { key: 'key-c', ticketId: null }, 'subjects are per room');
  });

  test('of two joins taking over an ended ticket at once, exactly one gets the subject', async () => {
    const subjects = make();
    const now = clock.now();
    await subjects.claim(ROOM, 'prof-2', 'key-a', now);
    await subjects.bind(ROOM, 'prof-2', 'key-a', 'ticket-0002', now);
    const from = { key: 'key-a', ticketId: 'ticket-0002' };
    const won = await Promise.all([subjects.takeOver(ROOM, 'prof-2', from, 'key-b', now), subjects.takeOver(ROOM, 'prof-2', from, 'key-c', now)]);
    assert.equal(won.filter(Boolean).length, 1);
    assert.equal((await subjects.claim(ROOM, 'prof-2', 'key-d', now)).key, won[0] ? 'key-b' : 'key-c');
  });
}

describe('memory', () => {
  let now = Date.parse('2026-09-01T07:55:00Z');
  conformance(() => new MemoryPassSubjects(TTL), { now: () => now });

  test('a claim whose join never came back frees the subject after 30 s; a bound one lasts its TTL', async () => {
    const subjects: PassSubjects = new MemoryPassSubjects(TTL);
    await subjects.claim(ROOM, 'prof-3', 'key-a', now);
    now += 30_001;
    assert.equal((await subjects.claim(ROOM, 'prof-3', 'key-b', now)).key, 'key-b');
    await subjects.bind(ROOM, 'prof-3', 'key-b', 'ticket-0003', now);
    now += 3_599_000;
    assert.equal((await subjects.claim(ROOM, 'prof-3', 'key-c', now)).key, 'key-b');
  });
});

if (redisAvailable('the Redis pass subjects test')) {
  describe('redis', () => {
    let redis: RedisServer;
    let client: Redis;
    before(async () => {
      redis = await startRedisServer();
      client = new Redis(redis.url);
    });
    after(async () => {
      await client?.quit();
      await redis?.stop();
    });
    let round = 0;
    // A prefix per test: each starts from an empty Redis, as the memory version starts from a new Map.
    conformance(() => new RedisPassSubjects(client, TTL, `passes-test-${round++}`), { now: Date.now });

    test('records live in the room hash slot and expire: 30 s while pending, the TTL once bound', async () => {
      const subjects: PassSubjects = new RedisPassSubjects(client, TTL, 'passes-ttl');
      await subjects.claim(ROOM, 'prof-3', 'key-a', Date.now());
      const [key] = await client.keys('passes-ttl:*');
      assert.match(key!, /^passes-ttl:\{college-jean-moulin\}:pass-subject:[A-Za-z0-9_-]{43}$/, 'the subject is stored hashed');
      assert.ok((await client.pttl(key!)) <= 30_000);
      await subjects.bind(ROOM, 'prof-3', 'key-a', 'ticket-0003', Date.now());
      assert.ok((await client.pttl(key!)) > 3_500_000);
    });
  });
}
