/**
 * Two server instances on one Redis, a few thousand pupils joining, polling and leaving at once through
 * either instance. The Redis side writes one audit line per admission (join seq, ticket, seats taken
 * after it), read back at the end: 0 duplicate admissions, 0 order inversions, capacity never exceeded.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import * as v from 'valibot';
import { TicketStatusSchema, type TicketStatus } from '../../../src/core/protocol/protocol.js';
import { createApp } from '../../../src/server/http/app.js';
import { unlimited } from '../../../src/server/rate-limit/rate-limit.js';
import { auditKey } from '../../../src/server/stores/redis-keys.js';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const PUPILS = 2000;
const CAPACITY = 200;
const ROOM = 'college-victor-hugo';
const ADMIN = 'concurrency-admin-token-0123456789';
const SECRET = 'concurrency-secret-0123456789abcdef';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** At most `width` requests in flight over both instances, as a load balancer's connection pool would. */
function limiter(width: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  return async (task) => {
    if (running >= width) await new Promise<void>((resolve) => queue.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}

if (redisAvailable('the two-instance concurrency test')) {
  let server: RedisServer;
  before(async () => void (server = await startRedisServer()));
  after(async () => server?.stop());

  test(`redis store: two instances, ${PUPILS} pupils at once: no duplicate, no inversion, capacity held`, async () => {
    const prefix = `concurrency-${process.pid}`;
    const stores = [0, 1].map(() => new RedisStore({ url: server.url, prefix, audit: true }));
    const apps = stores.map((store) => createApp({ secret: SECRET, adminToken: ADMIN, store, joinLimiter: unlimited, logError: (e) => console.error(e) }));
    const redis = new Redis(server.url);
    const limit = limiter(150);
    const call = (path: string, init?: RequestInit): Promise<Response> =>
      limit(async () => apps[Math.floor(Math.random() * apps.length)]!.request(`/api/v1${path}`, init));
    const admittedAt = new Map<string, string>();

    try {
      const configured = await call(`/admin/rooms/${ROOM}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ capacity: CAPACITY, admitPerMinute: 1_000_000 }),
      });
      assert.equal(configured.status, 201);
      // 2,000 joins in 2 s from one in-process "address" is what the flood rule exists to catch; this test is
      // about the store, so each instance's proof-of-work defence is turned off for the room.
      for (const app of apps) {
        const off = await app.request(`/api/v1/admin/rooms/${ROOM}/defence`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ mode: 'off' }),
        });
        assert.equal(off.status, 200);
      }

      const pupil = async (n: number): Promise<void> => {
        await sleep(Math.random() * 2000); // a surge: everyone within 2 s
        const joined = await call(`/rooms/${ROOM}/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key: `pupil-${String(n).padStart(12, '0')}` }),
        });
        assert.equal(joined.status, 201);
        let status: TicketStatus = v.parse(TicketStatusSchema, await joined.json());
        const auth = { authorization: `Bearer ${status.ticket}` };
        for (let seenAdmitted = 0; seenAdmitted < 2; ) {
          if (status.state === 'admitted') {
            // Each admitted status carries a fresh short-lived token; its `iat` is the admission time itself.
            const payload = JSON.parse(Buffer.from(status.admission!.token.split('.')[1]!, 'base64url').toString()) as { iat: number };
            const admittedAtIat = String(payload.iat);
            const before = admittedAt.get(status.id);
            assert.ok(before === undefined || before === admittedAtIat, `${status.id} was admitted twice`);
            admittedAt.set(status.id, admittedAtIat);
            seenAdmitted++;
          } else {
            await sleep(100 + Math.random() * 200); // waiting pupils poll calmly, as the scheduler paces them
          }
          const res = await call(`/rooms/${ROOM}/tickets/${status.id}`, { headers: auth });
          assert.equal(res.status, 200, `status answered ${res.status}`);
          status = v.parse(TicketStatusSchema, await res.json());
        }
        assert.equal((await call(`/rooms/${ROOM}/tickets/${status.id}/release`, { method: 'POST', headers: auth })).status, 204);
      };
      await Promise.all(Array.from({ length: PUPILS }, (_, n) => pupil(n)));

      const audit = (await redis.lrange(auditKey(prefix, ROOM), 0, -1)).map((line) => {
        const [seq, id, active] = line.split(' ');
        return { seq: Number(seq), id: id!, active: Number(active) };
      });
      assert.equal(audit.length, PUPILS, 'everyone got in exactly once');
      assert.equal(new Set(audit.map((a) => a.id)).size, PUPILS, '0 duplicate admissions');
      const inversions = audit.filter((a, i) => i > 0 && a.seq <= audit[i - 1]!.seq).length;
      assert.equal(inversions, 0, '0 order inversions: seats follow join order');
      const fullest = Math.max(...audit.map((a) => a.active));
      assert.ok(fullest <= CAPACITY, `capacity never exceeded (saw ${fullest} of ${CAPACITY})`);
      assert.equal(fullest, CAPACITY, 'the room was full at times: the limit was really contended');
      assert.equal(admittedAt.size, PUPILS);
      const room = await stores[0]!.roomStatus(ROOM, Date.now());
      assert.deepEqual([room?.waiting, room?.active, room?.totals?.admitted, room?.totals?.released], [0, 0, PUPILS, PUPILS]);
    } finally {
      await Promise.all([...stores.map((s) => s.close()), redis.quit()]);
    }
  });
} else {
  test('two instances on one Redis (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
