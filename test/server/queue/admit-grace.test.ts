/**
 * A pupil admitted while away (laptop shut, phone asleep) has admitGrace to come back; then the seat
 * passes to the next pupil and the late-comer gets a 410 that says so (docs/protocol.md, "Admission grace").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer } from '../../../src/server/http/serve.js';
import { ROOM, assertError, harness, newKey } from '../../support/harness.js';

const heartbeat = (h: ReturnType<typeof harness>, id: string, ticket: string) =>
  h.request(`/rooms/${ROOM}/tickets/${id}/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${ticket}` } });

test('an admission not claimed within the default 3 minutes passes to the next pupil; the late-comer gets 410 admission-unclaimed', async () => {
  const h = harness({ capacity: 1, waitingTtlSeconds: 3600 });
  const inside = (await h.join(newKey())).body;
  const away = (await h.join(newKey())).body;
  const next = (await h.join(newKey())).body;
  h.tick(60_000);
  await h.release(inside.id, inside.ticket!); // `away` is admitted now, while its pupil is not looking
  h.tick(180_000 - 1);
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'waiting', 'the seat is held for the grace');
  h.tick(1);
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'admitted', 'then it passes to the next pupil');
  h.tick(60_000);
  await assertError(await h.status(away.id, away.ticket!), 410, 'admission-unclaimed');
  await assertError(await heartbeat(h, away.id, away.ticket!), 410, 'admission-unclaimed');
  await assertError(await h.status(inside.id, inside.ticket!), 410, 'ticket-expired');
});

test('a pupil who polls within the grace gets in and keeps the seat', async () => {
  const h = harness({ capacity: 1, waitingTtlSeconds: 3600 });
  const inside = (await h.join(newKey())).body;
  const back = (await h.join(newKey())).body;
  const next = (await h.join(newKey())).body;
  await h.release(inside.id, inside.ticket!);
  h.tick(170_000);
  const admitted = await h.statusOk(back.id, back.ticket!);
  assert.equal(admitted.state, 'admitted');
  assert.ok(admitted.admission?.token);
  h.tick(20 * 60_000);
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'waiting', 'claimed: sessionTtl applies, not the grace');
});

test('--admit-grace reaches the store of a started server (memory store)', async () => {
  const clock = { now: Date.parse('2026-09-01T08:00:00Z') };
  const server = await startServer({ port: 0, capacity: 1, admitGraceSeconds: 30, now: () => clock.now });
  const api = (path: string, init?: RequestInit) => fetch(`${server.apiUrl}/rooms/${ROOM}/tickets${path}`, init);
  const join = async () => (await (await api('', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey() }) })).json()) as { id: string; ticket: string };
  const auth = (ticket: string) => ({ authorization: `Bearer ${ticket}` });
  try {
    const inside = await join();
    const away = await join();
    assert.equal((await api(`/${inside.id}/release`, { method: 'POST', headers: auth(inside.ticket) })).status, 204);
    clock.now += 30_000;
    const res = await api(`/${away.id}`, { headers: auth(away.ticket) });
    assert.equal(res.status, 410);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'admission-unclaimed');
  } finally {
    await server.close();
  }
});

test('a far pupil who asks when told keeps the seat even when an admin adds seats and the line jumps ahead', async () => {
  // A full room with a generous rate limit: seats turn over slowly, so the estimate for the back is long
  // and, without the grace-safe cap, the hint would be 5 min. Then an admin adds seats: the whole line is
  // admitted at once, and the far pupil must still find the seat held when it asks, hidden tab included.
  const h = harness({ capacity: 10, admitPerMinute: 1_000, waitingTtlSeconds: 3600 });
  for (let i = 0; i < 10; i++) await h.join(newKey());
  h.tick(4 * 60_000); // 10 admissions in 4 min: the measured rate
  const line = [];
  for (let i = 0; i < 40; i++) line.push((await h.join(newKey())).body);
  const far = line.at(-1)!;
  const told = await h.statusOk(far.id, far.ticket!);
  assert.equal(told.state, 'waiting');
  assert.ok(told.etaSeconds! > 10 * 60, `the estimate is long (${told.etaSeconds} s)`);
  assert.equal((await h.configure(ROOM, { capacity: 100 })).status, 200);
  // The slowest well-behaved client: 1.4× the hint (hidden tab) plus 10 s for the request itself.
  h.tick(told.pollAfterMs * 1.4 + 10_000 - 1);
  const back = await h.statusOk(far.id, far.ticket!);
  assert.equal(back.state, 'admitted', `asked ${Math.round(told.pollAfterMs / 1000)} s × 1.4 later and still has the seat`);
});
