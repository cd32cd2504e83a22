/**
 * The admission contract over a whole morning (docs/protocol.md, "Admission lifetime"): short-lived
 * tokens renewed by every admitted status and heartbeat, a maximum session length, and a gate that asks
 * the store, so a released or expired seat stops passing within 2 s. In process with a moving clock,
 * plus the status fast path over real HTTP.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from 'valibot';
import { TicketStatusSchema, type TicketStatus } from '../../../src/core/protocol/protocol.js';
import { startServer } from '../../../src/server/http/serve.js';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import type { Store } from '../../../src/server/stores/store.js';
import { ROOM, harness, newKey, type Harness } from '../../support/harness.js';
import { redisAvailable, startRedisServer } from '../../support/redis-server.js';

const MINUTE = 60_000;

const heartbeat = async (h: Harness, pupil: TicketStatus): Promise<TicketStatus> => {
  const res = await h.request(`/rooms/${ROOM}/tickets/${pupil.id}/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${pupil.ticket}` } });
  assert.equal(res.status, 200, `heartbeat answered ${res.status}`);
  return v.parse(TicketStatusSchema, await res.json());
};

/** What the proxy learns from the gate for this cookie: 200, or the reason of the 401. */
const gate = async (h: Harness, token: string): Promise<string> => {
  const res = await h.request(`/verify?room=${ROOM}`, { headers: { cookie: `antichambre_admission=${encodeURIComponent(token)}` } });
  return res.status === 200 ? '200' : `${res.status} ${res.headers.get('x-antichambre-reason')}`;
};

test('an active pupil passes the gate all morning: each heartbeat brings a fresh 5-minute token', async () => {
  const h = harness({ capacity: 1, sessionTtlSeconds: 1800 });
  const pupil = (await h.join(newKey())).body;
  const first = pupil.admission!.token;
  let token = first;
  // 8:00 → 12:00, a heartbeat a minute (what <antichambre-session> sends while the pupil works).
  for (let minute = 1; minute <= 240; minute++) {
    h.tick(MINUTE);
    assert.equal(await gate(h, token), '200', `minute ${minute}: the cookie set a minute ago still passes`);
    const status = await heartbeat(h, pupil);
    assert.equal(status.state, 'admitted');
    assert.equal(Date.parse(status.admission!.expiresAt), h.clock.now + 300_000, 'exp = now + admissionTtl');
    assert.equal(Date.parse(status.serverTime), h.clock.now);
    token = status.admission!.token;
  }
  assert.equal(await gate(h, token), '200', 'at noon');
  assert.equal(await gate(h, first), '401 expired', 'the 8:00 token died at 8:05');
});

test('the first token alone lasts admissionTtl, not the session: a copied cookie soon stops working', async () => {
  const h = harness({ admissionTtlSeconds: 120 });
  const { body } = await h.join(newKey());
  assert.equal(Date.parse(body.admission!.expiresAt), h.clock.now + 120_000);
  h.tick(119_000);
  assert.equal(await gate(h, body.admission!.token), '200');
  h.tick(3_000); // past exp and the 2 s forgiven to another instance's clock
  assert.equal(await gate(h, body.admission!.token), '401 expired');
});

test('--max-session ends an admitted session at admittedAt + maxSession, heartbeats or not; no token outlives it', async () => {
  const h = harness({ capacity: 1, maxSessionSeconds: 3600, sessionTtlSeconds: 1800, waitingTtlSeconds: 7200 });
  const pupil = (await h.join(newKey())).body;
  const admittedAt = h.clock.now;
  const next = (await h.join(newKey())).body;
  let token = pupil.admission!.token;
  for (let minute = 1; minute < 60; minute++) {
    h.tick(MINUTE);
    const status = await heartbeat(h, pupil);
    assert.ok(Date.parse(status.admission!.expiresAt) <= admittedAt + 3600_000, `minute ${minute}: exp within the max session`);
    token = status.admission!.token;
  }
  const last = await heartbeat(h, pupil);
  assert.equal(Date.parse(last.admission!.expiresAt), admittedAt + 3600_000, 'the last minute: exp = admittedAt + maxSession');
  h.tick(MINUTE);
  const gone = await h.request(`/rooms/${ROOM}/tickets/${pupil.id}/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${pupil.ticket}` } });
  assert.equal(gone.status, 410, 'the session ended at the max');
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'admitted', 'the seat went to the next pupil');
  assert.match(await gate(h, token), /^401 /);
});

test('a released seat stops passing the gate within 2 s, though its token has not expired', async () => {
  const h = harness({ capacity: 1 });
  const pupil = (await h.join(newKey())).body;
  const token = pupil.admission!.token;
  assert.equal(await gate(h, token), '200');
  assert.equal((await h.release(pupil.id, pupil.ticket!)).status, 204);
  h.tick(2_000);
  assert.equal(await gate(h, token), '401 released');
  const next = (await h.join(newKey())).body;
  assert.equal(next.state, 'admitted', 'the seat went to the next pupil, and only that pupil passes');
  assert.equal(await gate(h, next.admission!.token), '200');
});

test('an idle pupil (no heartbeat) is refused once the store ends the session, even with a longer-lived token', async () => {
  const h = harness({ capacity: 1, sessionTtlSeconds: 60, admissionTtlSeconds: 300 });
  const pupil = (await h.join(newKey())).body;
  h.tick(59_000);
  assert.equal(await gate(h, pupil.admission!.token), '200');
  h.tick(3_000); // sessionTtl passed; the 2 s cache entry from the last check is stale too
  assert.equal(await gate(h, pupil.admission!.token), '401 released');
});

/** A store that counts the gate's reads and can be made to fail. */
function watchedStore(): { store: Store; reads: () => number; fail: (on: boolean) => void } {
  const inner = new MemoryStore();
  let reads = 0;
  let failing = false;
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      if (name !== 'isAdmitted') return Reflect.get(target, name, receiver) as unknown;
      return async (room: string, id: string, now: number) => {
        reads++;
        if (failing) throw new Error('connection lost');
        return target.isAdmitted(room, id, now);
      };
    },
  });
  return { store, reads: () => reads, fail: (on) => void (failing = on) };
}

test('the gate reads the store once per ticket per 2 s, however many requests the page makes', async () => {
  const watched = watchedStore();
  const h = harness({ store: watched.store });
  const pupil = (await h.join(newKey())).body;
  const answers = await Promise.all(Array.from({ length: 50 }, () => gate(h, pupil.admission!.token)));
  assert.deepEqual(new Set(answers), new Set(['200']));
  assert.equal(watched.reads(), 1, '50 gate requests of one page load, one store read');
  h.tick(1_999);
  await gate(h, pupil.admission!.token);
  assert.equal(watched.reads(), 1);
  h.tick(1);
  await gate(h, pupil.admission!.token);
  assert.equal(watched.reads(), 2);
});

test('a store that cannot answer never locks pupils out: a valid token passes', async () => {
  const watched = watchedStore();
  const h = harness({ store: watched.store });
  const pupil = (await h.join(newKey())).body;
  watched.fail(true);
  assert.equal(await gate(h, pupil.admission!.token), '200');
  assert.equal(watched.reads(), 1);
  watched.fail(false);
  await h.release(pupil.id, pupil.ticket!);
  h.tick(2_000);
  assert.equal(await gate(h, pupil.admission!.token), '401 released', 'once the store answers again, the release counts');
});

test('with Redis paused or killed, the gate lets a valid token through within a few seconds; with Redis back, a lost seat stops passing', async (t) => {
  if (!redisAvailable('the gate with Redis down')) return t.skip('redis-server not installed');
  const redis = await startRedisServer();
  const server = await startServer({ port: 0, redisUrl: redis.url });
  try {
    const joined = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: newKey() }),
    });
    const pupil = v.parse(TicketStatusSchema, await joined.json());
    const gate = async (): Promise<{ status: number; seconds: number }> => {
      const start = performance.now();
      const res = await fetch(`${server.apiUrl}/verify?room=${ROOM}`, { headers: { cookie: `antichambre_admission=${pupil.admission!.token}` } });
      return { status: res.status, seconds: (performance.now() - start) / 1000 };
    };
    assert.equal((await gate()).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 2100)); // past the 2 s verdict cache
    redis.pause();
    const paused = await gate();
    redis.resume();
    assert.equal(paused.status, 200, 'Redis not answering: the token decides');
    assert.ok(paused.seconds < 5, `answered in ${paused.seconds.toFixed(1)} s, not hung`);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await redis.kill();
    assert.equal((await gate()).status, 200, 'Redis gone: the token decides');
    await redis.restart();
    // Redis came back empty (no persistence): the seat is gone, and the gate says so once it can ask.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    let refused = 0;
    for (let i = 0; i < 20 && refused === 0; i++) {
      if ((await gate()).status === 401) refused++;
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(refused, 1, 'with Redis back, the store answers again: the lost seat no longer passes');
  } finally {
    await server.close();
    await redis.stop();
  }
});

test('over real HTTP, the status fast path hands out the renewed token too', async () => {
  const clock = { now: Date.parse('2026-09-01T08:00:00Z') };
  const server = await startServer({ port: 0, admissionTtlSeconds: 4, sessionTtlSeconds: 6, now: () => clock.now });
  try {
    const joined = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: newKey() }),
    });
    const pupil = v.parse(TicketStatusSchema, await joined.json());
    for (let i = 0; i < 5; i++) {
      clock.now += 2_000;
      const res = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets/${pupil.id}`, { headers: { authorization: `Bearer ${pupil.ticket}` } });
      const status = v.parse(TicketStatusSchema, await res.json());
      assert.equal(status.state, 'admitted', `after ${(i + 1) * 2} s of polling (sessionTtl 6 s)`);
      assert.equal(Date.parse(status.admission!.expiresAt) - Date.parse(status.serverTime), 4_000, 'exp = now + admissionTtl');
      const verified = await fetch(`${server.apiUrl}/verify?room=${ROOM}`, { headers: { cookie: `antichambre_admission=${status.admission!.token}` } });
      assert.equal(verified.status, 200);
    }
  } finally {
    await server.close();
  }
});
