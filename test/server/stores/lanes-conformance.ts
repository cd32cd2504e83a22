/**
 * Lanes (lane-schedule.ts), the same on both stores: a priority lane passes by its share, FIFO inside
 * each lane, an empty lane lends its share, windows close a lane, the place shown counts who passes
 * before, and lanes removed while people wait in them lose nobody. Run by memory.test.ts and redis.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LaneSettings } from '../../../src/server/stores/lane-schedule.js';
import type { RoomSettings, Store } from '../../../src/server/stores/store.js';
import type { MakeStore } from './store-conformance.js';

const T0 = Date.parse('2026-09-01T08:00:00Z');
const ROOM = 'lycee-des-lanes';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const defaults: RoomSettings = { capacity: 0, admitPerMinute: 1_000_000, open: true };
const staff: LaneSettings = { name: 'personnels', share: 0.5 };
let keys = 0;
const key = (): string => `lanes-key-${String(++keys).padStart(12, '0')}`;

export function lanesConformance(label: string, make: MakeStore): void {
  const it = (name: string, body: (s: Store) => Promise<void>): void => {
    test(`${label}: lanes: ${name}`, async () => {
      // Long TTLs: a case may span a window's opening without polling every ticket meanwhile.
      const s = await make({ defaults, waitingTtlMs: HOUR, sessionTtlMs: HOUR });
      try {
        await body(s);
      } finally {
        await s.close?.();
      }
    });
  };
  const join = async (s: Store, lane?: string, now = T0): Promise<string> => (await s.join(ROOM, key(), now, undefined, lane)).ticket.id;
  const joinMany = async (s: Store, n: number, lane?: string, now = T0): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await join(s, lane, now));
    return ids;
  };
  /** Opens `seats` more seats one at a time and returns who was admitted, in order. */
  const admitted = async (s: Store, ids: string[], seats: number, now = T0 + SECOND): Promise<string[]> => {
    const order: string[] = [];
    let capacity = (await s.roomStatus(ROOM, now))!.settings.capacity;
    for (let i = 0; i < seats; i++) {
      await s.configureRoom(ROOM, { capacity: ++capacity }, now);
      for (const id of ids) {
        if (!order.includes(id) && (await s.status(ROOM, id, now))?.ticket.state === 'admitted') order.push(id);
      }
    }
    return order;
  };

  it('a staff member joining behind 100 pupils passes first, then by the lane share', async (s) => {
    await s.configureRoom(ROOM, { lanes: [staff] }, T0);
    const pupils = await joinMany(s, 100);
    const staffIds = await joinMany(s, 3, 'personnels', T0 + SECOND);
    const first = await s.status(ROOM, staffIds[0]!, T0 + SECOND);
    assert.deepEqual([first?.ticket.lane, first?.ticket.position], ['personnels', 1]);
    assert.equal((await s.status(ROOM, pupils[0]!, T0 + SECOND))?.ticket.lane, undefined, 'the default lane is not named');
    const order = await admitted(s, [...staffIds, ...pupils.slice(0, 10)], 6);
    const lanes = order.map((id) => (staffIds.includes(id) ? 'S' : 'P')).join('');
    assert.equal(lanes, 'SPSPSP', 'half the admissions while staff wait');
  });

  it('within a lane, first come first served; a lane the room does not have is the default lane', async (s) => {
    await s.configureRoom(ROOM, { lanes: [staff] }, T0);
    const staffIds = await joinMany(s, 4, 'personnels');
    const unknown = await s.join(ROOM, key(), T0, undefined, 'direction');
    assert.equal(unknown.ticket.lane, undefined);
    assert.deepEqual(await admitted(s, staffIds, 8), staffIds);
  });

  it('an empty lane lends its share: pupils alone get every seat', async (s) => {
    await s.configureRoom(ROOM, { lanes: [staff, { name: 'parents', share: 0.3 }] }, T0);
    const pupils = await joinMany(s, 10);
    await s.configureRoom(ROOM, { capacity: 10 }, T0 + SECOND);
    const room = await s.roomStatus(ROOM, T0 + SECOND);
    assert.deepEqual([room?.active, room?.waiting], [10, 0]);
    assert.equal((await s.status(ROOM, pupils[9]!, T0 + SECOND))?.ticket.state, 'admitted');
  });

  it('a lane outside its window admits nobody (shareOutside 0) and its pupils see everyone ahead', async (s) => {
    // 08:00 UTC: before the parents' 08:30 window.
    await s.configureRoom(ROOM, { lanes: [{ name: 'parents', share: 0.3, window: { from: '08:30', to: '17:30', timeZone: 'UTC' } }] }, T0);
    const parents = await joinMany(s, 3, 'parents');
    const pupils = await joinMany(s, 3);
    assert.equal((await s.status(ROOM, parents[0]!, T0))?.ticket.position, 4, 'the 3 pupils pass first');
    await s.configureRoom(ROOM, { capacity: 6 }, T0 + SECOND);
    assert.deepEqual([(await s.roomStatus(ROOM, T0 + SECOND))?.active, (await s.status(ROOM, parents[0]!, T0 + SECOND))?.ticket.state], [3, 'waiting']);
    assert.equal((await s.status(ROOM, pupils[2]!, T0 + SECOND))?.ticket.state, 'admitted');
    assert.equal((await s.status(ROOM, parents[0]!, T0 + 30 * MINUTE))?.ticket.state, 'admitted', 'the window opened at 08:30');
  });

  it('outside its window a lane is admitted at its shareOutside', async (s) => {
    await s.configureRoom(ROOM, { lanes: [{ name: 'parents', share: 0.3, window: { from: '08:30', timeZone: 'UTC', shareOutside: 0.25 } }] }, T0);
    const parents = await joinMany(s, 4, 'parents');
    const pupils = await joinMany(s, 12);
    await s.configureRoom(ROOM, { capacity: 8 }, T0 + SECOND);
    let parentsIn = 0;
    for (const id of parents) if ((await s.status(ROOM, id, T0 + SECOND))?.ticket.state === 'admitted') parentsIn++;
    // Strides 1/0.25 and 1/0.7: P D D D P D D D.
    assert.equal(parentsIn, 2);
    assert.equal((await s.roomStatus(ROOM, T0 + SECOND))?.active, 8);
    assert.equal((await s.status(ROOM, pupils[5]!, T0 + SECOND))?.ticket.state, 'admitted');
  });

  it('the place shown counts who passes before, from every lane', async (s) => {
    await s.configureRoom(ROOM, { lanes: [staff] }, T0);
    const pupils = await joinMany(s, 10);
    const staffIds = await joinMany(s, 3, 'personnels');
    // Pupil 10: 9 pupils ahead, and the 3 staff pass meanwhile (min(3, 9 × 0.5/0.5)).
    assert.equal((await s.status(ROOM, pupils[9]!, T0))?.ticket.position, 13);
    assert.equal((await s.status(ROOM, staffIds[1]!, T0))?.ticket.position, 3, '1 staff ahead and 1 pupil meanwhile');
    const order = await admitted(s, [...pupils, ...staffIds], 13);
    assert.equal(order.indexOf(pupils[9]!) + 1, 13);
    assert.equal(order.indexOf(staffIds[1]!) + 1, 3);
  });

  it('lanes removed while people wait in them: they keep their lane and place, and drain beside the default lane', async (s) => {
    await s.configureRoom(ROOM, { lanes: [staff] }, T0);
    const pupils = await joinMany(s, 4);
    const staffIds = await joinMany(s, 2, 'personnels');
    await s.configureRoom(ROOM, { lanes: [] }, T0 + SECOND);
    const kept = await s.status(ROOM, staffIds[1]!, T0 + SECOND);
    assert.deepEqual([kept?.ticket.lane, kept?.ticket.state], ['personnels', 'waiting']);
    const late = await s.join(ROOM, key(), T0 + SECOND, undefined, 'personnels');
    assert.equal(late.ticket.lane, undefined, 'no new joins in a removed lane');
    const order = await admitted(s, [...pupils, ...staffIds, late.ticket.id], 7, T0 + 2 * SECOND);
    assert.equal(order.length, 7, 'nobody lost');
    assert.deepEqual(order.filter((id) => staffIds.includes(id)), staffIds, 'in their join order');
    assert.ok(order.indexOf(staffIds[1]!) < order.indexOf(pupils[3]!), 'at the default share: 1 for 1 with the pupils');
  });

  it('12 lanes at most in use beside the default one (8 configured, 8 removed still draining): a 13th lane\'s joins go to the default lane', async (s) => {
    const lanes = (prefix: string): LaneSettings[] => Array.from({ length: 8 }, (_, i) => ({ name: `${prefix}${i + 1}`, share: 0.1 }));
    await s.configureRoom(ROOM, { lanes: lanes('a') }, T0);
    for (const lane of lanes('a')) assert.equal((await s.join(ROOM, key(), T0, undefined, lane.name)).ticket.lane, lane.name);
    await s.configureRoom(ROOM, { lanes: lanes('b') }, T0 + SECOND);
    const placed = [];
    for (const lane of lanes('b')) placed.push((await s.join(ROOM, key(), T0 + SECOND, undefined, lane.name)).ticket.lane ?? 'default');
    // Redis keeps 12 lane lines per room (redis-keys.ts LANE_SLOTS); the memory store keeps the same limit.
    assert.deepEqual(placed, ['b1', 'b2', 'b3', 'b4', 'default', 'default', 'default', 'default']);
    assert.equal((await s.roomStatus(ROOM, T0 + SECOND))?.waiting, 16, 'nobody turned away');
  });
}
