/**
 * Which rooms exist, the same on both stores: declared rooms come from their declaration whatever
 * happens, joins create rooms only when allowed and up to maxRooms, and rooms a join created are
 * forgotten once idle while declared and configured ones are kept. Run by memory.test.ts and
 * redis.test.ts. Idle expiry in Redis runs on Redis's clock, so those cases also wait (a few 100 ms).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomNotFoundError, TooManyRoomsError } from '../../../src/server/stores/store-errors.js';
import type { RoomSettings, Store } from '../../../src/server/stores/store.js';
import type { MakeStore } from './store-conformance.js';

const T0 = Date.parse('2026-09-01T08:00:00Z');
const HOUR = 3_600_000;
const defaults: RoomSettings = { capacity: 100, admitPerMinute: 1_000_000, open: true };
const declaredRooms: Record<string, RoomSettings> = { 'lycee-declare': { capacity: 2, admitPerMinute: 30, open: true, opensAt: null } };
let keys = 0;
const key = (): string => `policy-key-${String(++keys).padStart(12, '0')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function roomPolicyConformance(label: string, make: MakeStore): void {
  const it = (name: string, body: (store: (options: Parameters<MakeStore>[0]) => Promise<Store>) => Promise<void>): void => {
    test(`${label}: ${name}`, async () => {
      const open: Store[] = [];
      try {
        await body(async (options) => {
          const created = await make(options);
          open.push(created);
          return created;
        });
      } finally {
        await Promise.all(open.map((s) => s.close?.()));
      }
    });
  };

  it('a declared room is created from its declaration, not the defaults, by a join or a read, and is always listed', async (store) => {
    const s = await store({ defaults, declaredRooms, createOnJoin: false });
    const listed = await s.listRooms(T0);
    assert.deepEqual(listed.map((room) => [room.room, room.settings.capacity]), [['lycee-declare', 2]]);
    const joins = [await s.join('lycee-declare', key(), T0), await s.join('lycee-declare', key(), T0), await s.join('lycee-declare', key(), T0)];
    assert.deepEqual(joins.map((j) => j.ticket.state), ['admitted', 'admitted', 'waiting'], 'capacity 2 as declared');
    assert.equal((await s.roomStatus('lycee-declare', T0))?.settings.admitPerMinute, 30);
  });

  it('with joins not allowed to create rooms, a join to an unknown room is refused and creates nothing; configured rooms are joined', async (store) => {
    const s = await store({ defaults, createOnJoin: false });
    await assert.rejects(s.join('college-inconnu', key(), T0), RoomNotFoundError);
    assert.equal(await s.roomStatus('college-inconnu', T0), null);
    assert.deepEqual(await s.listRooms(T0), []);
    await s.configureRoom('college-configure', { capacity: 1 }, T0);
    assert.equal((await s.join('college-configure', key(), T0)).ticket.state, 'admitted');
  });

  it('joins create at most maxRooms rooms; an admin call and a declared room still may', async (store) => {
    const s = await store({ defaults, maxRooms: 3, declaredRooms });
    for (const room of ['junk-1', 'junk-2', 'junk-3']) await s.join(room, key(), T0);
    await assert.rejects(s.join('junk-4', key(), T0), TooManyRoomsError);
    assert.equal((await s.join('junk-2', key(), T0)).created, true, 'an existing room is still joined');
    assert.equal((await s.configureRoom('college-admin', { capacity: 5 }, T0)).created, true);
    assert.equal((await s.join('lycee-declare', key(), T0)).ticket.state, 'admitted');
  });

  it('a room a join created is forgotten once unused for roomIdleTtl; declared and configured rooms are kept', async (store) => {
    const idle = { defaults, declaredRooms, waitingTtlMs: 100, sessionTtlMs: 100, admitGraceMs: 50, roomIdleTtlMs: 300, maxRooms: 4 };
    const s = await store(idle);
    await s.join('junk-a', key(), T0);
    await s.join('junk-b', key(), T0);
    await s.configureRoom('college-configure', { capacity: 7 }, T0);
    await s.join('lycee-declare', key(), T0);
    await sleep(700); // Redis expires keys on its own clock
    const later = T0 + HOUR;
    assert.deepEqual((await s.listRooms(later)).map((room) => room.room), ['college-configure', 'lycee-declare']);
    assert.equal(await s.roomStatus('junk-a', later), null);
    assert.equal((await s.roomStatus('college-configure', later))?.settings.capacity, 7, 'configured settings survive idleness');
    // The forgotten rooms no longer count against maxRooms (4: two kept, two new).
    await s.join('junk-c', key(), later);
    const fresh = await s.join('junk-a', key(), later);
    assert.equal(fresh.created, true);
    assert.equal(fresh.ticket.state, 'admitted', 'a new room: admitted at once');
    await assert.rejects(s.join('junk-d', key(), later), TooManyRoomsError);
  });
}
