/** An operator at 7:55: which rooms exist, how full they are, and a pause button that keeps everyone's place. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdminRoomStats } from '../../../src/server/room-policy/admin-routes.js';
import { ADMIN, ROOM, assertError, harness, newKey, type Harness } from '../../support/harness.js';

const asAdmin = { authorization: `Bearer ${ADMIN}` };
const get = async <T>(h: Harness, path: string): Promise<T> => {
  const res = await h.request(path, { headers: asAdmin });
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
};

test('GET /admin/rooms lists every room with its counters, sorted by id', async () => {
  const h = harness({ capacity: 2, waitingTtlSeconds: 60, sessionTtlSeconds: 3600 });
  for (let i = 0; i < 5; i++) await h.join(newKey());
  await h.join(newKey(), 'ecole-a');
  h.tick(60_000); // the 3 waiting pupils never came back
  const { rooms } = await get<{ rooms: AdminRoomStats[] }>(h, '/admin/rooms');
  assert.deepEqual(rooms.map((r) => r.room), ['college-jean-moulin', 'ecole-a']);
  const room = rooms[0]!;
  assert.deepEqual(
    { waiting: room.waiting, active: room.active, admitted: room.admittedTotal, expired: room.expiredTotal, waitingExpired: room.expiredWaitingTotal },
    { waiting: 0, active: 2, admitted: 2, expired: 3, waitingExpired: 3 },
  );
  assert.equal(room.settings.capacity, 2);
  assert.equal(room.createdAt, new Date(h.clock.now - 60_000).toISOString());
});

test('GET /admin/rooms/{room} gives the stats of one room: waiting, active, totals, ETA', async () => {
  const h = harness({ capacity: 1, admitPerMinute: 60 });
  const inside = (await h.join(newKey())).body;
  await h.join(newKey());
  await h.release(inside.id, inside.ticket!);
  const stats = await get<AdminRoomStats>(h, `/admin/rooms/${ROOM}`);
  assert.equal(stats.waiting, 0);
  assert.equal(stats.active, 1);
  assert.equal(stats.admittedTotal, 2);
  assert.equal(stats.releasedTotal, 1);
  assert.equal(stats.expiredTotal, 0);
  assert.equal(stats.open, true);
  assert.ok('etaSeconds' in stats);
  await assertError(await h.request('/admin/rooms/never-seen', { headers: asAdmin }), 404, 'room-not-found');
  await assertError(await h.request('/admin/rooms/..%2fsecret', { headers: asAdmin }), 400, 'bad-room');
});

test('pause keeps pupils in line without admitting anyone; resume lets them in, in order', async () => {
  const h = harness({ capacity: 10 });
  const paused = await h.request(`/admin/rooms/${ROOM}/pause`, { method: 'POST', headers: asAdmin });
  assert.equal(paused.status, 201, 'pausing a room that does not exist yet creates it, paused');
  assert.equal(((await paused.json()) as { open: boolean }).open, false);
  const first = (await h.join(newKey())).body;
  const second = (await h.join(newKey())).body;
  assert.deepEqual([first.state, second.position], ['waiting', 2]);
  const resumed = await h.request(`/admin/rooms/${ROOM}/resume`, { method: 'POST', headers: asAdmin });
  assert.equal(resumed.status, 200);
  assert.equal((await h.statusOk(first.id, first.ticket!)).state, 'admitted');
  assert.equal((await h.statusOk(second.id, second.ticket!)).state, 'admitted');
});

test('every admin route refuses a missing or wrong token with 401, and changes nothing', async () => {
  const h = harness();
  await h.join(newKey());
  for (const [method, path] of [
    ['GET', '/admin/rooms'],
    ['GET', `/admin/rooms/${ROOM}`],
    ['POST', `/admin/rooms/${ROOM}/pause`],
    ['POST', `/admin/rooms/${ROOM}/resume`],
    ['PUT', `/admin/rooms/${ROOM}`],
  ] as const) {
    await assertError(await h.request(path, { method, body: method === 'PUT' ? '{"open":false}' : undefined }), 401, 'unauthorized');
    await assertError(await h.request(path, { method, headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401, 'unauthorized');
  }
  assert.equal((await h.roomStatus()).open, true);
});
