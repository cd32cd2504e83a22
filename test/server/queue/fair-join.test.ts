/**
 * The join route hands the client's address bucket to the store, so the line is fair between addresses
 * (stores/fair-round.ts): a machine that joins three times does not push back the pupils who come after.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { ROOM, harness, newKey } from '../../support/harness.js';

test('over HTTP, one address joining three times gets one place per round; pupils from other addresses go between', async () => {
  const store = new MemoryStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true } });
  const h = harness({ store, joinLimitPerMinute: 60, joinBurst: 60 });
  const joinFrom = async (remoteAddress: string): Promise<{ id: string; position: number }> => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey() }) };
    const res = await h.app.request(`/api/v1/rooms/${ROOM}/tickets`, init, { incoming: { socket: { remoteAddress } } });
    assert.equal(res.status, 201);
    return (await res.json()) as { id: string; position: number };
  };
  const machine = [await joinFrom('203.0.113.7'), await joinFrom('203.0.113.7'), await joinFrom('::ffff:203.0.113.7')];
  const pupils = [await joinFrom('198.51.100.1'), await joinFrom('2001:db8:1:2::1'), await joinFrom('2001:db8:1:3::1')];
  assert.deepEqual(machine.map((t) => t.position), [1, 2, 3], 'each in line behind the ones before when it joined');
  assert.deepEqual(pupils.map((t) => t.position), [2, 3, 4], 'each pupil ahead of the machine’s second and third tickets');
  const places = await Promise.all([...machine, ...pupils].map(async (t) => (await store.status(ROOM, t.id, h.clock.now))?.ticket.position));
  assert.deepEqual(places, [1, 5, 6, 2, 3, 4]);
});

test('pupils from a listed shared network (--shared-networks) keep plain join order; unlisted same-address tickets still interleave', async () => {
  const store = new MemoryStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true } });
  const h = harness({ store, joinLimitPerMinute: 60, joinBurst: 60, sharedNetworks: ['192.0.2.0/24', '2001:db8:5c::/48'] });
  const joinFrom = async (remoteAddress: string): Promise<{ id: string; position: number }> => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey() }) };
    const res = await h.app.request(`/api/v1/rooms/${ROOM}/tickets`, init, { incoming: { socket: { remoteAddress } } });
    assert.equal(res.status, 201);
    return (await res.json()) as { id: string; position: number };
  };
  // A school's NAT (one address in the listed /24) and a school on IPv6 (one /64 in the listed /48).
  const school = [await joinFrom('192.0.2.10'), await joinFrom('192.0.2.10'), await joinFrom('2001:db8:5c:7::1'), await joinFrom('2001:db8:5c:7::2')];
  // The same three joins from one unlisted address, then a pupil alone at hers.
  const machine = [await joinFrom('203.0.113.7'), await joinFrom('203.0.113.7'), await joinFrom('203.0.113.7')];
  const home = await joinFrom('198.51.100.1');
  const places = async (tickets: { id: string }[]) =>
    Promise.all(tickets.map(async (t) => (await store.status(ROOM, t.id, h.clock.now))?.ticket.position));
  assert.deepEqual(await places(school), [1, 2, 3, 4], 'the school’s pupils one after the other, in join order');
  assert.deepEqual(await places(machine), [5, 7, 8], 'the unlisted address’s second and third tickets go a round back each');
  assert.deepEqual(await places([home]), [6], 'the pupil alone at her address ahead of them');
});
