/** Rooms' proof-of-work state: an admin's "under attack" and a flood's raise reach every instance through Redis. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisDefenceState } from '../../../src/server/defence/defence-state.js';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const json = { 'content-type': 'application/json' };
const joinRoom = (server: RunningServer, room: string) =>
  fetch(`${server.apiUrl}/rooms/${room}/tickets`, { method: 'POST', headers: json, body: JSON.stringify({ key: `k-${Math.random().toString(36).slice(2)}-0123456789` }) });

if (redisAvailable('the shared proof-of-work state test')) {
  let redis: RedisServer;
  const servers: RunningServer[] = [];
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await redis?.stop();
  });

  const adminToken = 'admin-token-for-the-defence-test';
  test('two instances on one Redis: "under attack" set on one makes the other ask for a proof of work', async () => {
    for (let i = 0; i < 2; i++) servers.push(await startServer({ port: 0, redisUrl: redis.url, adminToken, secret: 'defence-test-secret', shutdownGraceMs: 500 }));
    const [a, b] = servers;
    const join = (server: RunningServer) => joinRoom(server, 'college-under-attack');
    assert.equal((await join(b)).status, 201, 'an ordinary day: no proof of work');
    const put = await fetch(`${a.apiUrl}/admin/rooms/college-under-attack/defence`, {
      method: 'PUT',
      headers: { ...json, authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ mode: 'on' }),
    });
    assert.equal(put.status, 200);
    // Instance b reads the room's state at most once a second (defence-state.ts): within 3 s it asks.
    let status = 0;
    for (const deadline = Date.now() + 3000; Date.now() < deadline && status !== 428; ) {
      status = (await join(b)).status;
      if (status !== 428) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 428);
    const view = await (await fetch(`${b.apiUrl}/admin/rooms/college-under-attack/defence`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
    assert.deepEqual(view, { room: 'college-under-attack', mode: 'on', powRequired: true, raisedUntil: null });
  });

  test('a shorter raise from another instance never shortens a longer one', async () => {
    const [one, two] = [new Redis(redis.url), new Redis(redis.url)];
    try {
      const a = new RedisDefenceState(one, 'defence-cas');
      const b = new RedisDefenceState(two, 'defence-cas', 0);
      const now = Date.now();
      await a.raise('college-cas', now + 15 * 60_000, now);
      await b.raise('college-cas', now + 60_000, now);
      assert.equal((await b.read('college-cas', now)).raisedUntil, now + 15 * 60_000);
      await b.raise('college-cas', now + 20 * 60_000, now);
      assert.equal((await b.read('college-cas', now)).raisedUntil, now + 20 * 60_000, 'a longer one still extends it');
    } finally {
      await Promise.all([one.quit(), two.quit()]);
    }
  });

  test("a flood one instance sees raises the room on the other: joins there pay too", async () => {
    const [a, b] = servers;
    const room = 'college-flooded';
    const headers = { ...json, authorization: `Bearer ${adminToken}` };
    // 1 admission a minute: more than 20 joins in a minute is a flood (flood-rule.ts).
    assert.equal((await fetch(`${a.apiUrl}/admin/rooms/${room}`, { method: 'PUT', headers, body: JSON.stringify({ admitPerMinute: 1 }) })).status, 201);
    const join = (server: RunningServer) => joinRoom(server, room);
    assert.equal((await join(b)).status, 201, 'before the flood');
    for (let i = 0; i < 21; i++) assert.equal((await join(a)).status, 201);
    let status = 0;
    for (const deadline = Date.now() + 3000; Date.now() < deadline && status !== 428; ) {
      status = (await join(b)).status;
      if (status !== 428) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 428);
    const view = (await (await fetch(`${b.apiUrl}/admin/rooms/${room}/defence`, { headers })).json()) as { mode: string; raisedUntil: string };
    assert.equal(view.mode, 'auto');
    assert.ok(Date.parse(view.raisedUntil) > Date.now() + 10 * 60_000, 'raised for the 15-minute hold');
  });
}
