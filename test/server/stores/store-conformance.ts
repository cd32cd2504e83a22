/**
 * One behaviour, two stores: every case here runs against the memory store and the Redis store, so an
 * ENT gets the same queue whichever one its operator picks. Times are fixed numbers, never the clock.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoomSettings, Store, StoreOptions } from '../../../src/server/stores/store.js';

export interface ConformanceOptions extends Partial<StoreOptions> {
  random?: () => number;
}

/** Makes a fresh, empty store; the suite closes it after each case. */
export type MakeStore = (options: ConformanceOptions) => Promise<Store>;

const T0 = Date.parse('2026-09-01T08:00:00Z');
const ROOM = 'college-jean-moulin';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

let keySeq = 0;
const newKey = (): string => `conformance-key-${String(++keySeq).padStart(10, '0')}`;
const settings = (over: Partial<RoomSettings> = {}): RoomSettings => ({ capacity: 100, admitPerMinute: 1_000_000, open: true, ...over });

export function storeConformance(label: string, make: MakeStore): void {
  const open: Store[] = [];
  const store = async (options: ConformanceOptions = {}): Promise<Store> => {
    const created = await make(options);
    open.push(created);
    return created;
  };
  const it = (name: string, body: () => Promise<void>): void => {
    test(`${label}: ${name}`, async () => {
      try {
        await body();
      } finally {
        await Promise.all(open.splice(0).map((s) => s.close?.()));
      }
    });
  };
  /** Joins `n` pupils at `now`, returning their ticket ids in join order. */
  const joinMany = async (s: Store, n: number, now = T0, room = ROOM): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await s.join(room, newKey(), now)).ticket.id);
    return ids;
  };
  const states = async (s: Store, ids: string[], now: number): Promise<string[]> => {
    const result: string[] = [];
    for (const id of ids) result.push((await s.status(ROOM, id, now))?.ticket.state ?? 'gone');
    return result;
  };
  const positions = async (s: Store, ids: string[], now: number): Promise<(number | null)[]> => {
    const result: (number | null)[] = [];
    for (const id of ids) result.push((await s.status(ROOM, id, now))?.ticket.position ?? null);
    return result;
  };

  it('a pupil arriving at a room with free seats is admitted at once; the room gets the defaults', async () => {
    const s = await store({ defaults: settings({ capacity: 5, admitPerMinute: 30 }) });
    const { ticket, created, room } = await s.join(ROOM, newKey(), T0);
    assert.equal(created, true);
    assert.deepEqual({ ...ticket, id: 'x' }, { id: 'x', room: ROOM, state: 'admitted', position: null, createdAt: T0, admittedAt: T0 });
    assert.deepEqual(room.settings, { capacity: 5, admitPerMinute: 30, open: true, opensAt: null });
    assert.deepEqual([room.waiting, room.active, room.createdAt], [0, 1, T0]);
  });

  it('a full room keeps pupils waiting with exact places, first come first served', async () => {
    const s = await store({ defaults: settings({ capacity: 1 }) });
    const ids = await joinMany(s, 4);
    assert.deepEqual(await positions(s, ids, T0 + SECOND), [null, 1, 2, 3]);
    const room = await s.roomStatus(ROOM, T0 + SECOND);
    assert.deepEqual([room?.waiting, room?.active], [3, 1]);
  });

  it('joining again with the same key returns the same ticket and place, never a second one', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    await joinMany(s, 1);
    const key = newKey();
    const first = await s.join(ROOM, key, T0);
    const again = await s.join(ROOM, key, T0 + SECOND);
    assert.equal(again.created, false);
    assert.equal(again.ticket.id, first.ticket.id);
    assert.equal(again.ticket.position, 2);
    assert.equal(again.ticket.createdAt, T0);
    assert.equal(again.room.waiting, 2);
  });

  it('seats go in join order up to capacity when an admin adds seats', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    const ids = await joinMany(s, 5);
    const { room, created } = await s.configureRoom(ROOM, { capacity: 2 }, T0 + SECOND);
    assert.equal(created, false);
    assert.deepEqual([room.active, room.waiting], [2, 3]);
    assert.deepEqual(await states(s, ids, T0 + SECOND), ['admitted', 'admitted', 'waiting', 'waiting', 'waiting']);
    assert.deepEqual(await positions(s, ids.slice(2), T0 + SECOND), [1, 2, 3]);
  });

  it('admitPerMinute caps admissions in any sliding minute', async () => {
    const s = await store({ defaults: settings({ capacity: 100, admitPerMinute: 3 }) });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await s.join(ROOM, newKey(), T0 + i * SECOND)).ticket.id);
    assert.deepEqual(await states(s, ids, T0 + 5 * SECOND), ['admitted', 'admitted', 'admitted', 'waiting', 'waiting']);
    assert.equal((await s.status(ROOM, ids[3]!, T0 + 59_999))?.ticket.state, 'waiting');
    // The admission at T0 leaves the window at T0 + 60 s exactly.
    assert.deepEqual(await states(s, ids.slice(3), T0 + MINUTE), ['admitted', 'waiting']);
    assert.equal((await s.status(ROOM, ids[4]!, T0 + MINUTE + SECOND))?.ticket.state, 'admitted');
  });

  it('a release frees the seat for the next pupil; releasing twice or an unknown ticket is harmless', async () => {
    const s = await store({ defaults: settings({ capacity: 1 }) });
    const [inside, next] = await joinMany(s, 2);
    await s.release(ROOM, inside!, T0 + SECOND);
    await s.release(ROOM, inside!, T0 + SECOND);
    await s.release(ROOM, 'no-such-ticket-id', T0 + SECOND);
    await s.release('never-seen-room', 'no-such-ticket-id', T0 + SECOND);
    assert.equal(await s.status(ROOM, inside!, T0 + SECOND), null);
    assert.equal((await s.status(ROOM, next!, T0 + SECOND))?.ticket.state, 'admitted');
    const room = await s.roomStatus(ROOM, T0 + SECOND);
    assert.deepEqual(room?.totals, { admitted: 2, expiredWaiting: 0, expiredSessions: 0, released: 1 });
    assert.equal(await s.roomStatus('never-seen-room', T0), null, 'a release does not create a room');
  });

  it('a waiting pupil not seen for waitingTtl loses the place; one who polls keeps it', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }), waitingTtlMs: 10 * MINUTE });
    const [gone, polling] = await joinMany(s, 2);
    await s.status(ROOM, polling!, T0 + 5 * MINUTE);
    assert.equal((await s.roomStatus(ROOM, T0 + 10 * MINUTE - 1))?.waiting, 2, 'still there 1 ms before');
    assert.equal(await s.status(ROOM, gone!, T0 + 10 * MINUTE), null);
    assert.equal((await s.status(ROOM, polling!, T0 + 10 * MINUTE))?.ticket.position, 1, 'the pupil behind moves up');
    assert.equal((await s.roomStatus(ROOM, T0 + 10 * MINUTE))?.totals?.expiredWaiting, 1);
  });

  it('an admitted pupil not seen for sessionTtl frees the seat for the next one', async () => {
    const s = await store({ defaults: settings({ capacity: 1 }), sessionTtlMs: 30 * MINUTE, waitingTtlMs: 60 * MINUTE });
    const [inside, next] = await joinMany(s, 2);
    assert.equal((await s.status(ROOM, next!, T0 + 30 * MINUTE - 1))?.ticket.state, 'waiting');
    const admitted = await s.status(ROOM, next!, T0 + 30 * MINUTE);
    assert.equal(admitted?.ticket.state, 'admitted');
    assert.equal(admitted?.ticket.admittedAt, T0 + 30 * MINUTE);
    assert.equal(await s.status(ROOM, inside!, T0 + 30 * MINUTE), null);
    assert.equal(admitted?.room.totals?.expiredSessions, 1);
  });

  it('an admitted session ends at admittedAt + maxSession, however alive; the next pupil gets the seat', async () => {
    const s = await store({ defaults: settings({ capacity: 1 }), sessionTtlMs: 30 * MINUTE, waitingTtlMs: 600 * MINUTE, maxSessionMs: 120 * MINUTE });
    const [inside, next] = await joinMany(s, 2);
    for (let minute = 10; minute < 120; minute += 10) {
      assert.equal((await s.status(ROOM, inside!, T0 + minute * MINUTE))?.ticket.state, 'admitted', `alive at minute ${minute}`);
      assert.equal((await s.status(ROOM, next!, T0 + minute * MINUTE))?.ticket.state, 'waiting');
    }
    assert.equal(await s.isAdmitted(ROOM, inside!, T0 + 120 * MINUTE - 1), true);
    assert.equal(await s.isAdmitted(ROOM, inside!, T0 + 120 * MINUTE), false, 'the gate sees the end before any expiry pass');
    const admitted = await s.status(ROOM, next!, T0 + 120 * MINUTE);
    assert.equal(admitted?.ticket.state, 'admitted');
    assert.equal(await s.status(ROOM, inside!, T0 + 120 * MINUTE), null);
    assert.equal(admitted?.room.totals?.expiredSessions, 1);
  });

  it('isAdmitted: true only while the seat is held (released, expired, unclaimed, waiting and unknown are false); it changes nothing', async () => {
    const s = await store({ defaults: settings({ capacity: 3 }), sessionTtlMs: 30 * MINUTE, waitingTtlMs: 60 * MINUTE, admitGraceMs: 3 * MINUTE });
    const [released, idle, polling, waiting] = await joinMany(s, 4);
    assert.deepEqual(
      await Promise.all([released, idle, polling, waiting].map((id) => s.isAdmitted(ROOM, id!, T0))),
      [true, true, true, false],
    );
    await s.release(ROOM, released!, T0 + MINUTE);
    assert.equal(await s.isAdmitted(ROOM, released!, T0 + MINUTE), false, 'released');
    // The release let `waiting` in at T0 + 1 min, unclaimed: held within the grace, not after.
    assert.equal(await s.isAdmitted(ROOM, waiting!, T0 + MINUTE + 3 * MINUTE - 1), true);
    assert.equal(await s.isAdmitted(ROOM, waiting!, T0 + MINUTE + 3 * MINUTE), false, 'admission not claimed within the grace');
    await s.status(ROOM, polling!, T0 + 20 * MINUTE);
    assert.equal(await s.isAdmitted(ROOM, idle!, T0 + 30 * MINUTE - 1), true);
    assert.equal(await s.isAdmitted(ROOM, idle!, T0 + 30 * MINUTE), false, 'not seen for sessionTtl');
    assert.equal(await s.isAdmitted(ROOM, polling!, T0 + 30 * MINUTE), true, 'seen 10 minutes ago');
    assert.equal(await s.isAdmitted(ROOM, 'no-such-ticket-000', T0), false);
    assert.equal(await s.isAdmitted('never-seen-room', polling!, T0), false);
    assert.equal(await s.roomStatus('never-seen-room', T0), null, 'nothing created');
    // Read-only: no sign of life. Had the checks touched `idle`, it would still be held here.
    assert.equal(await s.status(ROOM, idle!, T0 + 30 * MINUTE), null);
    assert.equal((await s.roomStatus(ROOM, T0 + 30 * MINUTE))?.active, 1);
  });

  it('isLive: waiting and seen within waitingTtl, or holding a seat; asking is no sign of life', async () => {
    const s = await store({ defaults: settings({ capacity: 1 }), sessionTtlMs: 30 * MINUTE, waitingTtlMs: 10 * MINUTE });
    const [seated, waiting] = await joinMany(s, 2);
    assert.deepEqual(await Promise.all([seated, waiting, 'no-such-ticket-000'].map((id) => s.isLive(ROOM, id!, T0 + 10 * MINUTE - 1))), [true, true, false]);
    // Asked every minute meanwhile, as a replayed pass asks about its subject's ticket: it still expires on time.
    for (let minute = 1; minute < 10; minute++) await s.isLive(ROOM, waiting!, T0 + minute * MINUTE);
    assert.equal(await s.isLive(ROOM, waiting!, T0 + 10 * MINUTE), false, 'not seen for waitingTtl');
    assert.equal(await s.status(ROOM, waiting!, T0 + 10 * MINUTE), null);
    assert.equal(await s.isLive(ROOM, seated!, T0 + 30 * MINUTE), false, 'not seen for sessionTtl');
    assert.equal(await s.isLive('never-seen-room', seated!, T0), false);
  });

  it('an expired pupil who joins again with the same key gets a new ticket at the back', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }), waitingTtlMs: MINUTE });
    const key = newKey();
    const old = await s.join(ROOM, key, T0);
    const other = await s.join(ROOM, newKey(), T0 + 30 * SECOND);
    const again = await s.join(ROOM, key, T0 + MINUTE);
    assert.equal(again.created, true);
    assert.notEqual(again.ticket.id, old.ticket.id);
    assert.equal(again.ticket.position, 2, 'behind the pupil who was still there');
    assert.equal((await s.status(ROOM, other.ticket.id, T0 + MINUTE))?.ticket.position, 1);
  });

  it('a paused room keeps pupils in line and admits them in order when reopened', async () => {
    const s = await store({ defaults: settings({ capacity: 2 }) });
    const created = await s.configureRoom(ROOM, { open: false }, T0);
    assert.equal(created.created, true);
    const ids = await joinMany(s, 3, T0 + SECOND);
    assert.deepEqual(await positions(s, ids, T0 + SECOND), [1, 2, 3]);
    const reopened = await s.configureRoom(ROOM, { open: true }, T0 + 2 * SECOND);
    assert.deepEqual([reopened.created, reopened.room.active, reopened.room.waiting], [false, 2, 1]);
    assert.deepEqual(await states(s, ids, T0 + 2 * SECOND), ['admitted', 'admitted', 'waiting']);
  });

  it('an admin patch changes only the fields it names', async () => {
    const s = await store({ defaults: settings({ capacity: 7, admitPerMinute: 70 }) });
    await s.configureRoom(ROOM, { admitPerMinute: 12 }, T0);
    const { room } = await s.configureRoom(ROOM, { capacity: undefined, open: false }, T0);
    assert.deepEqual(room.settings, { capacity: 7, admitPerMinute: 12, open: false, opensAt: null });
  });

  it('unknown rooms and tickets read as null and create nothing', async () => {
    const s = await store();
    assert.equal(await s.status('never-seen-room', 'no-such-ticket-id', T0), null);
    assert.equal(await s.roomStatus('never-seen-room', T0), null);
    await s.advance('never-seen-room', T0);
    await joinMany(s, 1);
    assert.equal(await s.status(ROOM, 'no-such-ticket-id', T0), null);
    assert.deepEqual((await s.listRooms(T0)).map((r) => r.room), [ROOM]);
  });

  it('the room counts recent admissions for the ETA, over the stats window only', async () => {
    const s = await store({ defaults: settings({ capacity: 100 }), statsWindowMs: 5 * MINUTE });
    await joinMany(s, 3, T0);
    await joinMany(s, 2, T0 + 4 * MINUTE);
    assert.equal((await s.roomStatus(ROOM, T0 + 4 * MINUTE))?.recentAdmissions, 5);
    assert.equal((await s.roomStatus(ROOM, T0 + 5 * MINUTE))?.recentAdmissions, 2);
  });

  it('places stay exact when pupils in the middle of a line of 2,000 leave', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    const ids = await joinMany(s, 2000);
    for (let i = 0; i < ids.length; i += 7) await s.release(ROOM, ids[i]!, T0);
    let expected = 0;
    for (let i = 0; i < ids.length; i++) {
      const result = await s.status(ROOM, ids[i]!, T0);
      if (i % 7 === 0) assert.equal(result, null);
      else assert.equal(result?.ticket.position, ++expected);
    }
    const { room } = await s.configureRoom(ROOM, { capacity: 3 }, T0);
    assert.equal(room.active, 3);
    assert.deepEqual(await states(s, ids.slice(0, 5), T0), ['gone', 'admitted', 'admitted', 'admitted', 'waiting']);
  });

  it('listRooms lists every room by id with its counters', async () => {
    const s = await store({ defaults: settings({ capacity: 1 }) });
    await joinMany(s, 2, T0, 'lycee-b');
    await joinMany(s, 1, T0, 'college-a');
    await s.configureRoom('ecole-c', { capacity: 3 }, T0);
    const rooms = await s.listRooms(T0);
    assert.deepEqual(rooms.map((r) => [r.room, r.active, r.waiting]), [['college-a', 1, 0], ['ecole-c', 0, 0], ['lycee-b', 1, 1]]);
  });

  describeAdmitGrace(it, store, joinMany);
  describePreQueue(it, store, joinMany, positions, states);
  describeFairness(it, store, positions, states);
}

/**
 * Fair admission (fair-round.ts): the line is ordered by round, then join order; a client's k-th waiting
 * ticket goes k rounds back, so one address cannot push the pupils who come after it back.
 */
function describeFairness(it: It, store: (options?: ConformanceOptions) => Promise<Store>, positions: Read<number | null>, states: Read<string>): void {
  const A = '203.0.113.7';
  const B = '2001:db8:5:7::/64';
  let home = 0;
  /** A pupil alone at an address of its own. */
  const pupil = (s: Store, now = T0): Promise<string> => s.join(ROOM, newKey(), now, `198.51.100.${++home % 250}`).then((r) => r.ticket.id);
  const from = (s: Store, client: string, now = T0): Promise<string> => s.join(ROOM, newKey(), now, client).then((r) => r.ticket.id);

  it("one address's tickets interleave with other pupils: its k-th waiting ticket goes k rounds back", async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    const a = [await from(s, A), await from(s, A), await from(s, A)];
    const p = [await pupil(s, T0 + SECOND), await pupil(s, T0 + 2 * SECOND)];
    const b = [await from(s, B, T0 + 3 * SECOND), await from(s, B, T0 + 3 * SECOND)];
    // Round 0: a1 p1 p2 b1; round 1: a2 b2; round 2: a3.
    assert.deepEqual(await positions(s, [a[0]!, ...p, b[0]!, a[1]!, b[1]!, a[2]!], T0 + 4 * SECOND), [1, 2, 3, 4, 5, 6, 7]);
    await s.configureRoom(ROOM, { capacity: 4 }, T0 + 5 * SECOND);
    assert.deepEqual(await states(s, [...a, ...p, ...b], T0 + 5 * SECOND), ['admitted', 'waiting', 'waiting', 'admitted', 'admitted', 'admitted', 'waiting']);
  });

  it('pupils alone at their address stay first come, first served, also once the rounds moved on', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    const a = [await from(s, A), await from(s, A), await from(s, A)];
    const first = await pupil(s);
    // a1, first (round 0) and a2 (round 1) get in: the next round is 1.
    await s.configureRoom(ROOM, { capacity: 3 }, T0 + SECOND);
    assert.deepEqual(await states(s, [a[0]!, first, a[1]!], T0 + SECOND), ['admitted', 'admitted', 'admitted']);
    const later: string[] = [];
    for (let i = 0; i < 4; i++) later.push(await pupil(s, T0 + (2 + i) * SECOND));
    later.push((await s.join(ROOM, newKey(), T0 + 6 * SECOND)).ticket.id); // no client given: its own
    assert.deepEqual(await positions(s, [...later, a[2]!], T0 + 7 * SECOND), [1, 2, 3, 4, 5, 6], 'in arrival order, ahead of the third ticket of A');
  });

  it('the place shown is the rank in line: seats go in the order of the places shown', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    const ids = [await from(s, A), await pupil(s), await from(s, A), await from(s, B), await from(s, A), await pupil(s), await from(s, B)];
    const shown = await positions(s, ids, T0 + SECOND);
    assert.deepEqual(shown, [1, 2, 5, 3, 7, 4, 6]);
    for (let seats = 1; seats <= ids.length; seats++) {
      await s.configureRoom(ROOM, { capacity: seats }, T0 + (1 + seats) * SECOND);
      const admitted = (await states(s, ids, T0 + (1 + seats) * SECOND)).map((state) => state === 'admitted');
      assert.deepEqual(admitted, shown.map((place) => place! <= seats), `${seats} seats`);
    }
  });

  it('per-address state lasts while the address has a waiting ticket: once they all left or expired, it joins as a newcomer', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }), waitingTtlMs: 10 * MINUTE });
    const [a1, a2] = [await from(s, A), await from(s, A)];
    const p1 = await pupil(s);
    await s.release(ROOM, a2, T0 + SECOND);
    const a3 = await from(s, A, T0 + SECOND); // A still waits (a1): two rounds on from a1's round, as a2 had one
    const p2 = await pupil(s, T0 + SECOND);
    assert.deepEqual(await positions(s, [a1, p1, p2, a3], T0 + 2 * SECOND), [1, 2, 3, 4]);
    await s.release(ROOM, a1, T0 + 3 * SECOND);
    await s.release(ROOM, a3, T0 + 3 * SECOND);
    const a4 = await from(s, A, T0 + 4 * SECOND);
    assert.deepEqual(await positions(s, [p1, p2, a4], T0 + 4 * SECOND), [1, 2, 3], 'a newcomer again: at the back of the round');
    // Expiry forgets an address the same way: a5 expires (p1, p2 and a4 polled), then A's next ticket is a newcomer.
    const a5 = await from(s, A, T0 + 4 * SECOND);
    await positions(s, [p1, p2], T0 + 9 * MINUTE);
    await s.release(ROOM, a4, T0 + 9 * MINUTE);
    assert.equal(await s.status(ROOM, a5, T0 + 10 * MINUTE + 4 * SECOND), null);
    const a6 = await from(s, A, T0 + 10 * MINUTE + 5 * SECOND);
    const p3 = await pupil(s, T0 + 10 * MINUTE + 6 * SECOND);
    assert.deepEqual(await positions(s, [p1, p2, a6, p3], T0 + 10 * MINUTE + 7 * SECOND), [1, 2, 3, 4]);
  });

  it('joining again with the same key keeps the ticket and its place, from any address, and takes no round', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    const key = newKey();
    const a1 = (await s.join(ROOM, key, T0, A)).ticket.id;
    const a2 = await from(s, A);
    const p1 = await pupil(s);
    for (const client of [A, B, undefined]) {
      const again = await s.join(ROOM, key, T0 + SECOND, client);
      assert.deepEqual([again.created, again.ticket.id, again.ticket.position], [false, a1, 1]);
    }
    const a3 = await from(s, A, T0 + 2 * SECOND);
    const b1 = await from(s, B, T0 + 2 * SECOND);
    // Rounds: a1 p1 b1 | a2 | a3; had a rejoin counted, a3 would sit a round further back, still last.
    assert.deepEqual(await positions(s, [a1, p1, b1, a2, a3], T0 + 3 * SECOND), [1, 2, 3, 4, 5]);
    const b2 = await from(s, B, T0 + 4 * SECOND);
    assert.equal((await s.status(ROOM, b2, T0 + 4 * SECOND))?.ticket.position, 5, "B's second ticket: round 1, behind a2, ahead of a3");
  });

  it('a scheduled opening draws each round apart: one address gets one place per round of the draw', async () => {
    const s = await store({ defaults: settings({ capacity: 0 }) });
    await s.configureRoom(ROOM, { opensAt: new Date(T0 + MINUTE).toISOString() }, T0);
    const a = [await from(s, A, T0 + SECOND), await from(s, A, T0 + SECOND), await from(s, A, T0 + SECOND)];
    const p = [await pupil(s, T0 + 2 * SECOND), await pupil(s, T0 + 3 * SECOND), await pupil(s, T0 + 4 * SECOND)];
    const drawn = await positions(s, [...a, ...p], T0 + MINUTE);
    assert.deepEqual([drawn[1], drawn[2]], [5, 6], "A's second and third tickets come after the first round");
    assert.deepEqual([drawn[0], ...drawn.slice(3)].sort(), [1, 2, 3, 4]);
  });
}

type It = (name: string, body: () => Promise<void>) => void;
type JoinMany = (s: Store, n: number, now?: number, room?: string) => Promise<string[]>;
type Read<T> = (s: Store, ids: string[], now: number) => Promise<T[]>;

/** Scheduled opening: early arrivals wait in a pre-queue, drawn into random order at opening. */
function describePreQueue(
  it: It,
  store: (options?: ConformanceOptions) => Promise<Store>,
  joinMany: JoinMany,
  positions: Read<number | null>,
  states: Read<string>,
): void {
  const OPENS = T0 + 10 * MINUTE;
  const opensAt = new Date(OPENS).toISOString();

  it('before a scheduled opening nobody gets in, and early arrivals all get the last place', async () => {
    const s = await store({ defaults: settings({ capacity: 10 }) });
    const { room } = await s.configureRoom(ROOM, { opensAt }, T0);
    assert.equal(room.settings.opensAt, OPENS);
    const ids = await joinMany(s, 3, T0 + MINUTE);
    assert.deepEqual(await positions(s, ids, T0 + 2 * MINUTE), [3, 3, 3], 'nobody learns the draw early');
    const later = await s.join(ROOM, newKey(), OPENS - 1);
    assert.deepEqual([later.ticket.state, later.ticket.position, later.room.waiting, later.room.active], ['waiting', 4, 4, 0]);
    const opened = await s.roomStatus(ROOM, OPENS);
    assert.deepEqual([opened?.active, opened?.waiting], [4, 0]);
  });

  it('at opening the pre-queue is drawn at random, behind the line already there and ahead of later arrivals', async () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const s = await store({ defaults: settings({ capacity: 0 }), random });
    const inLine = await joinMany(s, 2, T0);
    await s.configureRoom(ROOM, { opensAt }, T0 + SECOND);
    const early: string[] = [];
    for (let i = 0; i < 30; i++) early.push((await s.join(ROOM, newKey(), T0 + 2 * SECOND + i)).ticket.id);
    assert.deepEqual(await positions(s, inLine, T0 + MINUTE), [1, 2], 'the line already there keeps its places');
    const late = await s.join(ROOM, newKey(), OPENS);
    assert.equal(late.ticket.position, 33, 'a pupil arriving at opening goes behind the whole pre-queue');
    const drawn = await positions(s, early, OPENS);
    assert.deepEqual([...drawn].sort((a, b) => a! - b!), Array.from({ length: 30 }, (_, i) => i + 3), 'places 3–32, each once');
    assert.notDeepEqual(drawn, Array.from({ length: 30 }, (_, i) => i + 3), 'arriving first before opening buys nothing');
    // Seats then follow the drawn order.
    await s.configureRoom(ROOM, { capacity: 5 }, OPENS + SECOND);
    const byPlace = [...early].sort((a, b) => drawn[early.indexOf(a)]! - drawn[early.indexOf(b)]!);
    assert.deepEqual(await states(s, [...inLine, ...byPlace.slice(0, 4)], OPENS + SECOND), ['admitted', 'admitted', 'admitted', 'admitted', 'admitted', 'waiting']);
  });

  it('removing the schedule opens the room at once', async () => {
    const s = await store({ defaults: settings({ capacity: 10 }) });
    await s.configureRoom(ROOM, { opensAt }, T0);
    const ids = await joinMany(s, 2, T0 + SECOND);
    const { room } = await s.configureRoom(ROOM, { opensAt: null }, T0 + 2 * SECOND);
    assert.deepEqual([room.settings.opensAt, room.active, room.waiting], [null, 2, 0]);
    assert.deepEqual(await states(s, ids, T0 + 2 * SECOND), ['admitted', 'admitted']);
  });
}

/** A pupil admitted while away has admitGrace to come back (any status or join); then the seat passes on. */
function describeAdmitGrace(it: It, store: (options?: ConformanceOptions) => Promise<Store>, joinMany: JoinMany): void {
  const options = { defaults: settings({ capacity: 1 }), admitGraceMs: 3 * MINUTE, sessionTtlMs: 30 * MINUTE, waitingTtlMs: 60 * MINUTE };
  const state = async (s: Store, id: string, now: number): Promise<string> => (await s.status(ROOM, id, now))?.ticket.state ?? 'gone';

  it('an admission not claimed within admitGrace ends: the seat passes to the next pupil, and the store says why', async () => {
    const s = await store(options);
    const [inside, away, next] = await joinMany(s, 3);
    await s.release(ROOM, inside!, T0 + MINUTE); // admits `away` while its pupil is not looking
    assert.equal(await state(s, next!, T0 + 4 * MINUTE - 1), 'waiting', 'the seat is held for the whole grace');
    const moved = await s.status(ROOM, next!, T0 + 4 * MINUTE);
    assert.deepEqual([moved?.ticket.state, moved?.ticket.admittedAt], ['admitted', T0 + 4 * MINUTE]);
    assert.equal(moved?.room.totals?.expiredSessions, 1);
    assert.equal(await s.status(ROOM, away!, T0 + 4 * MINUTE + SECOND), null, 'coming back late finds the ticket gone');
    assert.equal(await s.endReason(ROOM, away!, T0 + 4 * MINUTE + SECOND), 'admission-unclaimed');
    assert.equal(await s.endReason(ROOM, inside!, T0 + 4 * MINUTE), null, 'a release is no unclaimed admission');
    assert.equal(await s.endReason(ROOM, 'no-such-ticket-id', T0), null);
    assert.equal(await s.endReason('never-seen-room', 'no-such-ticket-id', T0), null);
    // Remembered for sessionTtl after the grace ended, then forgotten like any ended ticket.
    assert.equal(await s.endReason(ROOM, away!, T0 + 34 * MINUTE - 1), 'admission-unclaimed');
    assert.equal(await s.endReason(ROOM, away!, T0 + 34 * MINUTE), null);
  });

  it('a pupil who asks within admitGrace claims the seat and keeps it until sessionTtl', async () => {
    const s = await store(options);
    const [inside, back, next] = await joinMany(s, 3);
    await s.release(ROOM, inside!, T0 + MINUTE);
    assert.equal(await state(s, back!, T0 + 4 * MINUTE - 1), 'admitted', 'claimed 1 ms before the grace ends');
    assert.equal(await state(s, next!, T0 + 20 * MINUTE), 'waiting', 'a claimed seat outlives the grace');
    assert.equal(await state(s, next!, T0 + 34 * MINUTE - 2), 'waiting');
    assert.equal(await state(s, next!, T0 + 34 * MINUTE - 1), 'admitted', 'sessionTtl after the last sign of life');
    assert.equal(await s.endReason(ROOM, back!, T0 + 34 * MINUTE), null, 'a claimed session that expires is no unclaimed admission');
  });

  it('an admission handed over by a join answer is claimed: on arrival, or joining again with the same key', async () => {
    const s = await store(options);
    const first = (await s.join(ROOM, newKey(), T0)).ticket;
    const key = newKey();
    const second = (await s.join(ROOM, key, T0)).ticket;
    const third = (await s.join(ROOM, newKey(), T0)).ticket;
    assert.equal(first.state, 'admitted');
    assert.equal(await state(s, third.id, T0 + 10 * MINUTE), 'waiting', 'admitted on arrival: the seat is claimed');
    await s.release(ROOM, first.id, T0 + 10 * MINUTE);
    const again = await s.join(ROOM, key, T0 + 11 * MINUTE);
    assert.deepEqual([again.created, again.ticket.id, again.ticket.state], [false, second.id, 'admitted']);
    assert.equal(await state(s, third.id, T0 + 20 * MINUTE), 'waiting', 'claimed by the second join');
  });
}
