/**
 * A lane with a time window, before it opens, over real HTTP on both stores: a parent joining the parents'
 * lane (08:30 onwards) at 08:10 in an empty room is held and told the 20 minutes until the window, is still
 * held at 08:29:59, and is admitted at the first poll from 08:30; a pupil joining beside them goes in at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer, type StartOptions } from '../../../src/server/http/serve.js';
import { configureOver, entKeys, joinOver, mintPass, type JoinAnswer } from '../../support/pass-minting.js';
import { newKey } from '../../support/harness.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const ADMIN = 'lane-window-admin-0123456789';
const AT_0810 = Date.parse('2026-09-07T08:10:00+02:00');

function windowCase(label: string, options: () => Partial<StartOptions>): void {
  describe(label, () => {
    const clock = { now: AT_0810 };
    let server: RunningServer;
    before(async () => void (server = await startServer({ port: 0, adminToken: ADMIN, joinLimitPerMinute: 0, waitingTtlSeconds: 3600, now: () => clock.now, ...options() })));
    after(() => server?.close());

    test('a parent at 08:10 waits until the 08:30 window, told so, and is admitted as it opens', async () => {
      const room = 'college-parents-window';
      const ent = await entKeys();
      await configureOver(server.apiUrl, ADMIN, room, { capacity: 100, admitPerMinute: 600, lanes: [{ name: 'parents', share: 0.1, window: { from: '08:30' } }], passKeys: { publicKeys: [ent.jwk] } });
      const parent = await joinOver(server.apiUrl, room, { key: newKey(), pass: await mintPass(ent, room, { lane: 'parents', now: clock.now }) });
      assert.deepEqual([parent.status, parent.body.lane, parent.body.state], [201, 'parents', 'waiting'], 'held although the room is empty');
      assert.equal(parent.body.etaSeconds, 20 * 60, 'told the wait until the window opens');
      const pupil = await joinOver(server.apiUrl, room, { key: newKey() });
      assert.equal(pupil.body.state, 'admitted', 'the default lane is not held');
      const poll = async (): Promise<JoinAnswer> => {
        const res = await fetch(`${server.apiUrl}/rooms/${room}/tickets/${parent.body.id}`, { headers: { authorization: `Bearer ${parent.body.ticket}` } });
        assert.equal(res.status, 200);
        return (await res.json()) as JoinAnswer;
      };
      clock.now = Date.parse('2026-09-07T08:29:59+02:00');
      const justBefore = await poll();
      assert.deepEqual([justBefore.state, justBefore.etaSeconds], ['waiting', 1]);
      clock.now = Date.parse('2026-09-07T08:30:00+02:00');
      assert.equal((await poll()).state, 'admitted', 'admitted as the window opens');
    });
  });
}

windowCase('memory store', () => ({}));

if (redisAvailable('the lane window test on Redis')) {
  let redis: RedisServer;
  before(async () => void (redis = await startRedisServer()));
  after(async () => redis?.stop());
  windowCase('Redis store', () => ({ redisUrl: redis.url }));
}
