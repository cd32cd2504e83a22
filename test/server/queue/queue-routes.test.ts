/** What a pupil and an operator see of the line: places, admissions, limits, expiry. Clock moved by hand. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOM, assertError, harness, newKey } from '../../support/harness.js';

test('a pupil who joins a full room waits with a position, people ahead and a pacing hint', async () => {
  const h = harness({ capacity: 0 });
  const first = await h.join(newKey());
  const second = await h.join(newKey());
  assert.equal(first.res.status, 201);
  assert.equal(second.body.state, 'waiting');
  assert.equal(second.body.position, 2);
  assert.equal(second.body.ahead, 1);
  assert.equal(second.body.etaSeconds, null, 'capacity 0: nobody can promise a wait');
  assert.ok(second.body.pollAfterMs >= 2000 && second.body.pollAfterMs <= 30_000);
  assert.ok(second.body.ticket, 'the join answer carries the credential');
  const status = await h.statusOk(second.body.id, second.body.ticket!);
  assert.equal(status.position, 2);
  assert.equal(status.ticket, undefined, 'the credential is only sent on join');
});

test('a pupil arriving at a room with free seats is admitted at once with a JWT', async () => {
  const h = harness();
  const { res, body } = await h.join(newKey());
  assert.equal(res.status, 201);
  assert.equal(body.state, 'admitted');
  assert.equal(body.position, null);
  assert.ok(body.admission?.token.split('.').length === 3);
  assert.equal(Date.parse(body.admission!.expiresAt), h.clock.now + 300 * 1000, 'an admission token lasts admissionTtl');
});

test('joining again with the same key returns the same ticket and place (200), never a second place', async () => {
  const h = harness({ capacity: 0 });
  await h.join(newKey());
  const key = newKey();
  const first = await h.join(key);
  const again = await h.join(key);
  assert.equal(again.res.status, 200);
  assert.equal(again.body.id, first.body.id);
  assert.equal(again.body.ticket, first.body.ticket);
  assert.equal(again.body.position, 2);
  assert.equal((await h.roomStatus()).waiting, 2);
});

test('seats go to pupils in the order they joined, up to capacity', async () => {
  const h = harness({ capacity: 0 });
  const pupils = [];
  for (let i = 0; i < 5; i++) pupils.push((await h.join(newKey())).body);
  assert.equal((await h.configure(ROOM, { capacity: 2 })).status, 200);
  const states = [];
  for (const p of pupils) states.push((await h.statusOk(p.id, p.ticket!)).state);
  assert.deepEqual(states, ['admitted', 'admitted', 'waiting', 'waiting', 'waiting']);
  const third = await h.statusOk(pupils[2]!.id, pupils[2]!.ticket!);
  assert.equal(third.position, 1, 'the next in line is now first');
});

test('admitPerMinute caps admissions in any sliding minute', async () => {
  const h = harness({ capacity: 100, admitPerMinute: 3 });
  const pupils = [];
  for (let i = 0; i < 5; i++) {
    pupils.push((await h.join(newKey())).body);
    h.tick(1000);
  }
  assert.deepEqual(pupils.map((p) => p.state), ['admitted', 'admitted', 'admitted', 'waiting', 'waiting']);
  assert.ok(pupils[3]!.etaSeconds !== null && pupils[3]!.etaSeconds > 0);
  // The loop left the clock at 5 s; admissions happened at 0, 1 and 2 s.
  h.tick(51_000); // 56 s: all three are within the last minute
  assert.equal((await h.statusOk(pupils[3]!.id, pupils[3]!.ticket!)).state, 'waiting');
  h.tick(4_000); // 60 s: the admission at 0 s leaves the window, one slot frees
  assert.equal((await h.statusOk(pupils[3]!.id, pupils[3]!.ticket!)).state, 'admitted');
  assert.equal((await h.statusOk(pupils[4]!.id, pupils[4]!.ticket!)).state, 'waiting');
  h.tick(1000); // 61 s: the admission at 1 s leaves the window
  assert.equal((await h.statusOk(pupils[4]!.id, pupils[4]!.ticket!)).state, 'admitted');
});

test('releasing a seat lets the next pupil in; releasing twice is harmless', async () => {
  const h = harness({ capacity: 1 });
  const inside = (await h.join(newKey())).body;
  const next = (await h.join(newKey())).body;
  assert.equal(next.state, 'waiting');
  assert.equal((await h.release(inside.id, inside.ticket!)).status, 204);
  assert.equal((await h.release(inside.id, inside.ticket!)).status, 204);
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'admitted');
  await assertError(await h.status(inside.id, inside.ticket!), 410, 'ticket-expired');
});

test('a pupil can leave the line with a sendBeacon-style text/plain body', async () => {
  const h = harness({ capacity: 0 });
  const a = (await h.join(newKey())).body;
  const b = (await h.join(newKey())).body;
  const res = await h.request(`/rooms/${ROOM}/tickets/${a.id}/release`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify({ ticket: a.ticket }),
  });
  assert.equal(res.status, 204);
  assert.equal((await h.statusOk(b.id, b.ticket!)).position, 1);
  assert.equal((await h.roomStatus()).waiting, 1);
});

test('a waiting pupil not seen for waitingTtl loses the place (410); one who polls keeps it', async () => {
  const h = harness({ capacity: 0, waitingTtlSeconds: 600 });
  const gone = (await h.join(newKey())).body;
  const polling = (await h.join(newKey())).body;
  h.tick(300_000);
  await h.statusOk(polling.id, polling.ticket!);
  h.tick(300_000);
  await assertError(await h.status(gone.id, gone.ticket!), 410, 'ticket-expired');
  const kept = await h.statusOk(polling.id, polling.ticket!);
  assert.equal(kept.position, 1, 'the expired pupil ahead no longer counts');
});

test('an admitted pupil not seen for sessionTtl frees the seat for the next one', async () => {
  const h = harness({ capacity: 1, sessionTtlSeconds: 1800, waitingTtlSeconds: 3600 });
  const inside = (await h.join(newKey())).body;
  const next = (await h.join(newKey())).body;
  h.tick(1799_000);
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'waiting');
  h.tick(1000);
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'admitted');
  await assertError(await h.status(inside.id, inside.ticket!), 410, 'ticket-expired');
});

test('an expired pupil who joins again with the same key gets a new place at the back', async () => {
  const h = harness({ capacity: 0, waitingTtlSeconds: 60 });
  const key = newKey();
  const old = (await h.join(key)).body;
  h.tick(60_000);
  const again = await h.join(key);
  assert.equal(again.res.status, 201);
  assert.notEqual(again.body.id, old.id);
});

test('the public room status counts waiting and active pupils', async () => {
  const h = harness({ capacity: 2, admitPerMinute: 30 });
  for (let i = 0; i < 5; i++) await h.join(newKey());
  const room = await h.roomStatus();
  assert.deepEqual({ ...room, etaSeconds: undefined }, {
    room: ROOM, open: true, waiting: 3, active: 2, capacity: 2, admitPerMinute: 30, etaSeconds: undefined,
  });
  await assertError(await h.request('/rooms/never-seen'), 404, 'room-not-found');
});

test('an admin creates a room, pauses it and changes its limits', async () => {
  const h = harness();
  const created = await h.configure('lycee-victor-hugo', { capacity: 1, admitPerMinute: 10, open: false });
  assert.equal(created.status, 201);
  const pupil = (await h.join(newKey(), 'lycee-victor-hugo')).body;
  assert.equal(pupil.state, 'waiting', 'a paused room keeps pupils in line');
  const reopened = await h.configure('lycee-victor-hugo', { open: true });
  assert.equal(reopened.status, 200);
  assert.deepEqual(await reopened.json(), {
    room: 'lycee-victor-hugo', open: true, waiting: 0, active: 1, capacity: 1, admitPerMinute: 10, etaSeconds: null,
  });
  assert.equal((await h.statusOk(pupil.id, pupil.ticket!, 'lycee-victor-hugo')).state, 'admitted');
});
