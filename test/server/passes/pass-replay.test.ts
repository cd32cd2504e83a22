/**
 * A pass in an attacker's hands, over real HTTP, memory and Redis alike: the same valid pass joined 200
 * times at once from 200 addresses puts one ticket in its lane; replaying it never keeps an abandoned
 * ticket alive (the subject frees when the ticket would have expired anyway); and a flood of forged
 * passes costs the store no more than plain joins, nor makes the server fetch the ENT's JWKS per join.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startServer, type RunningServer, type StartOptions } from '../../../src/server/http/serve.js';
import { withDefaults } from '../../../src/server/config/settings.js';
import { memoryPasses, redisPasses } from '../../../src/server/passes/passes-from-settings.js';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { configureOver, entKeys, joinOver, mintPass, type Ent } from '../../support/pass-minting.js';
import { newKey } from '../../support/harness.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const ADMIN = 'pass-replay-admin-token-0123';
const LANES = [{ name: 'personnels', share: 0.5 }];
const T0 = Date.parse('2026-09-07T06:00:00Z'); // 08:00 in Paris
const WAITING_TTL_S = 120;

let ent: Ent;
let forger: Ent;
before(async () => {
  ent = await entKeys();
  forger = await entKeys('forged-kid');
});

/** A server with a clock the test moves; `trustProxy` so each join may come from its own address. */
function cases(label: string, start: (clock: { now: number }) => Promise<{ server: RunningServer; redis?: Redis; store?: RedisStore }>): void {
  describe(label, () => {
    const clock = { now: T0 };
    let server: RunningServer;
    let redis: Redis | undefined;
    let store: RedisStore | undefined;
    before(async () => ({ server, redis, store } = await start(clock)));
    after(async () => {
      await server?.close();
      await store?.close();
      await redis?.quit();
    });

    test('the same pass joined 200 times at once from 200 addresses: one ticket in the lane, 199 in the default lane', async () => {
      const room = 'college-flood-pass';
      await configureOver(server.apiUrl, ADMIN, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
      const pass = await mintPass(ent, room, { sub: 'prof-flooded', now: clock.now });
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => joinOver(server.apiUrl, room, { key: newKey(), pass }, `10.1.${i >> 8}.${i & 255}`)));
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [201]);
      assert.equal(answers.filter((a) => a.body.lane === 'personnels').length, 1, JSON.stringify(answers.slice(0, 2).map((a) => a.body)));
      assert.equal(answers.filter((a) => a.body.passRefused === 'pass-subject-busy').length, 199);
    });

    test('an abandoned ticket of a pass expires on time while the pass is replayed every 30 s', async () => {
      const room = 'college-replayed-pass';
      await configureOver(server.apiUrl, ADMIN, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
      const pass = await mintPass(ent, room, { sub: 'prof-abandoned', now: clock.now });
      const teacher = await joinOver(server.apiUrl, room, { key: newKey(), pass });
      assert.equal(teacher.body.lane, 'personnels');
      // The teacher closes the tab: no poll from now on. Someone replays the pass meanwhile.
      const joinedAt = clock.now;
      const replies: string[] = [];
      while (clock.now < joinedAt + (WAITING_TTL_S + 30) * 1000) {
        clock.now += 30_000;
        const replay = await joinOver(server.apiUrl, room, { key: newKey(), pass });
        replies.push(`${(clock.now - joinedAt) / 1000}s:${replay.body.lane ?? replay.body.passRefused}`);
      }
      // Busy while the teacher's ticket is live (last seen at 0 s, waiting TTL 120 s); at 120 s the replay takes
      // the lane, and that ticket is the live one at 150 s.
      assert.deepEqual(replies, ['30s:pass-subject-busy', '60s:pass-subject-busy', '90s:pass-subject-busy', '120s:personnels', '150s:pass-subject-busy']);
      const gone = await fetch(`${server.apiUrl}/rooms/${room}/tickets/${teacher.body.id}`, { headers: { authorization: `Bearer ${teacher.body.ticket}` } });
      assert.ok([404, 410].includes(gone.status), `the abandoned ticket has ended: ${gone.status}`);
    });

    test('forged passes with unknown kids: one JWKS fetch at most for 100 joins, and no more store work than plain joins', async () => {
      let fetches = 0;
      const jwks = createServer((_req, res) => {
        fetches++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [ent.jwk] }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      try {
        const room = 'college-forged-flood';
        const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
        await configureOver(server.apiUrl, ADMIN, room, { capacity: 0, lanes: LANES, passKeys: { jwksUrl } });
        assert.equal((await joinOver(server.apiUrl, room, { key: newKey(), pass: await mintPass(ent, room, { now: clock.now }) })).body.lane, 'personnels', 'the JWKS serves the ENT key');
        const fetchedOnce = fetches;
        const forged = await Promise.all(Array.from({ length: 100 }, (_, i) => mintPass(forger, room, { kid: `forged-${i}`, now: clock.now })));
        const scripts = async (): Promise<number> => (redis ? evalCalls(await redis.info('commandstats')) : 0);
        const before = await scripts();
        for (const pass of forged.slice(0, 50)) assert.equal((await joinOver(server.apiUrl, room, { key: newKey(), pass })).body.passRefused, 'pass-invalid');
        const forgedCost = (await scripts()) - before;
        for (let i = 0; i < 50; i++) await joinOver(server.apiUrl, room, { key: newKey() });
        const plainCost = (await scripts()) - before - forgedCost;
        await Promise.all(forged.slice(50).map((pass) => joinOver(server.apiUrl, room, { key: newKey(), pass })));
        assert.ok(fetches - fetchedOnce <= 1, `${fetches - fetchedOnce} JWKS fetches for 100 forged passes with unknown kids`);
        assert.ok(forgedCost <= plainCost, `50 forged-pass joins ran ${forgedCost} Redis scripts, 50 plain joins ${plainCost}`);
      } finally {
        await new Promise((resolve) => jwks.close(resolve));
      }
    });
  });
}

/** Script runs (EVALSHA and EVAL) Redis has served, from INFO commandstats. */
function evalCalls(info: string): number {
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

const common = (clock: { now: number }): StartOptions => ({
  port: 0,
  adminToken: ADMIN,
  joinLimitPerMinute: 0,
  trustProxy: ['127.0.0.1/32'],
  waitingTtlSeconds: WAITING_TTL_S,
  now: () => clock.now,
});

cases('memory store', async (clock) => ({
  server: await startServer({ ...common(clock), passes: memoryPasses(withDefaults({ waitingTtlSeconds: WAITING_TTL_S }), { fetchTimeoutMs: 500 }) }),
}));

if (redisAvailable('the pass replay tests on Redis')) {
  let redisServer: RedisServer;
  before(async () => void (redisServer = await startRedisServer()));
  after(async () => redisServer?.stop());
  cases('Redis store', async (clock) => {
    const store = new RedisStore({ url: redisServer.url, waitingTtlMs: WAITING_TTL_S * 1000 });
    const settings = withDefaults({ waitingTtlSeconds: WAITING_TTL_S });
    const server = await startServer({ ...common(clock), store, passes: redisPasses(store.client, store.prefix, settings, { fetchTimeoutMs: 500 }) });
    return { server, store, redis: new Redis(redisServer.url) };
  });
}
