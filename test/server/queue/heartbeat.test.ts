/** Session mode's sign of life: a heartbeat keeps an admitted seat past sessionTtl, as a status would. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from 'valibot';
import { TicketStatusSchema } from '../../../src/core/protocol/protocol.js';
import { assertError, harness, newKey } from '../../support/harness.js';

const heartbeat = (h: ReturnType<typeof harness>, id: string, ticket: string | null) =>
  h.request(`/rooms/college-jean-moulin/tickets/${id}/heartbeat`, {
    method: 'POST',
    headers: ticket === null ? {} : { authorization: `Bearer ${ticket}` },
  });

test('heartbeats keep an admitted session alive past sessionTtl; without them the seat goes to the next pupil', async () => {
  const h = harness({ capacity: 1, sessionTtlSeconds: 1800, waitingTtlSeconds: 7200 });
  const inside = (await h.join(newKey())).body;
  const next = (await h.join(newKey())).body;
  for (let minute = 0; minute < 40; minute++) {
    h.tick(60_000);
    const res = await heartbeat(h, inside.id, inside.ticket!);
    assert.equal(res.status, 200);
    const status = v.parse(TicketStatusSchema, await res.json());
    assert.equal(status.state, 'admitted');
    assert.equal(Date.parse(status.admission!.expiresAt), h.clock.now + 300_000, 'a fresh admission, for admissionTtl');
  }
  assert.equal((await h.roomStatus()).active, 1, '40 minutes of heartbeats: the seat is still held');
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'waiting');
  h.tick(1800 * 1000);
  assert.equal((await h.statusOk(next.id, next.ticket!)).state, 'admitted', 'heartbeats stopped: sessionTtl frees the seat');
  await assertError(await heartbeat(h, inside.id, inside.ticket!), 410, 'ticket-expired');
});

test('a heartbeat after release answers 410, so the session knows its seat is gone', async () => {
  const h = harness();
  const inside = (await h.join(newKey())).body;
  assert.equal((await h.release(inside.id, inside.ticket!)).status, 204);
  await assertError(await heartbeat(h, inside.id, inside.ticket!), 410, 'ticket-expired');
});

test('a heartbeat needs the ticket credential of that very ticket', async () => {
  const h = harness();
  const mine = (await h.join(newKey())).body;
  const other = (await h.join(newKey())).body;
  await assertError(await heartbeat(h, mine.id, null), 401, 'unauthorized');
  await assertError(await heartbeat(h, mine.id, other.ticket!), 401, 'unauthorized');
  await assertError(await heartbeat(h, mine.id, 'not-a-credential'), 401, 'unauthorized');
});
