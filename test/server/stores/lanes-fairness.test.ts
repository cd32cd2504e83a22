// Lanes over time, memory and Redis alike: no credit banked while a lane is empty or outside its window,
// no debt carried from a time it was alone, and both stores agreeing after lanes come and go (review
// findings on issue 18; docs/adr/0014-lanes-stride-scheduling.md, "Amendment").
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import type { Store } from '../../../src/server/stores/store.js';

let server: RedisServer;
before(async () => void (server = await startRedisServer()));
after(async () => server?.stop());

/** Seats and places held for hours, so only the lanes decide who goes in. */
const opts = { defaults: { capacity: 0, admitPerMinute: 1_000_000, open: true }, waitingTtlMs: 7_200_000, sessionTtlMs: 7_200_000, admitGraceMs: 3_600_000 };

{
  // A lane waiting outside its window banks credit: at the window's opening it takes every seat.

  const T0 = Date.parse('2026-09-01T08:00:00Z');
  const ROOM = 'burst';

  async function run(s: Store) {
    await s.configureRoom(ROOM, { capacity: 0, admitPerMinute: 1_000_000, lanes: [{ name: 'parents', share: 0.1, window: { from: '08:30', timeZone: 'UTC' } }] }, T0);
    const parents: string[] = [];
    for (let i = 0; i < 20; i++) parents.push((await s.join(ROOM, `parent-key-${String(i).padStart(16, '0')}`, T0, undefined, 'parents')).ticket.id);
    const pupils: string[] = [];
    for (let i = 0; i < 300; i++) pupils.push((await s.join(ROOM, `pupil-key-${String(i).padStart(17, '0')}`, T0)).ticket.id);
    // 08:00–08:30: 200 pupils admitted (parents closed); admitGrace is an hour so their seats stay taken and
    // 100 pupils still wait at 08:30 (with the default 3 min, unclaimed seats passed on and the line emptied).
    await s.configureRoom(ROOM, { capacity: 200 }, T0 + 60_000);
    const at830 = T0 + 30 * 60_000;
    // 08:30: 20 more seats, one at a time.
    let parentsIn = 0;
    for (let c = 201; c <= 220; c++) await s.configureRoom(ROOM, { capacity: c }, at830);
    for (const id of parents) if ((await s.status(ROOM, id, at830))?.ticket.state === 'admitted') parentsIn++;
    return parentsIn;
  }

  for (const [label, make] of [
    ['memory', () => new MemoryStore(opts as never)],
    ['redis', () => new RedisStore({ url: server.url, prefix: `rev2-${process.pid}-${Math.random()}`, ...opts })],
  ] as const) {
    test(`${label}: at 08:30 the parents' lane (share 0.1) gets about 10 % of 20 seats, not all of them`, async () => {
      const s = make() as Store;
      try {
        const parentsIn = await run(s);
        assert.ok(parentsIn <= 3, `${parentsIn} of the 20 seats went to parents at 08:30`);
      } finally {
        await (s as { close?: () => Promise<void> }).close?.();
      }
    });
  }
}

{
  // Stride debt: staff admitted alone early (nobody else waiting) make a late teacher wait behind pupils,
  // while the teacher is told position 1.

  const T0 = Date.parse('2026-09-01T05:40:00Z'); // 07:40 Paris
  const ROOM = 'debt';

  for (const [label, make] of [
    ['memory', () => new MemoryStore(opts as never)],
    ['redis', () => new RedisStore({ url: server.url, prefix: `debt-${process.pid}-${Math.random()}`, ...opts })],
  ] as const) {
    test(`${label}: a teacher told position 1 is admitted first, however many staff came in alone earlier`, async () => {
      const s = make() as Store;
      try {
        await s.configureRoom(ROOM, { lanes: [{ name: 'personnels', share: 0.5 }] }, T0);
        // 07:40: 40 staff come and are let in at once, nobody else waiting.
        const early: string[] = [];
        for (let i = 0; i < 40; i++) early.push((await s.join(ROOM, `staff-early-${String(i).padStart(16, '0')}`, T0, undefined, 'personnels')).ticket.id);
        await s.configureRoom(ROOM, { capacity: 40 }, T0);
        // They take their seats (and keep working: seen again at 07:58).
        for (const id of early) assert.equal((await s.status(ROOM, id, T0))?.ticket.state, 'admitted');
        for (const id of early) await s.status(ROOM, id, T0 + 18 * 60_000);
        // 07:55: 100 pupils; 08:00: one late teacher.
        const t1 = T0 + 15 * 60_000;
        for (let i = 0; i < 100; i++) await s.join(ROOM, `pupil-${String(i).padStart(20, '0')}`, t1);
        const t2 = T0 + 20 * 60_000;
        const teacher = await s.join(ROOM, 'teacher-late-00000000000', t2, undefined, 'personnels');
        assert.equal(teacher.ticket.position, 1);
        let pupilsBefore = 0;
        for (let c = 41; c <= 80; c++) {
          await s.configureRoom(ROOM, { capacity: c }, t2);
          if ((await s.status(ROOM, teacher.ticket.id, t2))?.ticket.state === 'admitted') break;
          pupilsBefore++;
        }
        assert.equal(pupilsBefore, 0, `${pupilsBefore} pupils were admitted before the teacher told "position 1"`);
      } finally {
        await (s as { close?: () => Promise<void> }).close?.();
      }
    });
  }
}

{
  // A lane that fills first after a quiet spell keeps its old (low) virtual time: banked credit.

  const T0 = Date.parse('2026-09-01T08:00:00Z');
  const ROOM = 'credit';

  for (const [label, make] of [
    ['memory', () => new MemoryStore(opts as never)],
    ['redis', () => new RedisStore({ url: server.url, prefix: `credit-${process.pid}-${Math.random()}`, ...opts })],
  ] as const) {
    test(`${label}: parents (share 0.1) who queue first get about 10 % of the seats, not all`, async () => {
      const s = make() as Store;
      try {
        await s.configureRoom(ROOM, { lanes: [{ name: 'parents', share: 0.1 }] }, T0);
        // Earlier: 100 pupils came and went in (nobody else waiting); their seats stay taken.
        const early: string[] = [];
        for (let i = 0; i < 100; i++) early.push((await s.join(ROOM, `early-${String(i).padStart(20, '0')}`, T0)).ticket.id);
        await s.configureRoom(ROOM, { capacity: 100 }, T0);
        for (const id of early) await s.status(ROOM, id, T0);
        // Then 20 parents, then 100 pupils, all waiting for seats.
        const parents: string[] = [];
        for (let i = 0; i < 20; i++) parents.push((await s.join(ROOM, `parent-${String(i).padStart(20, '0')}`, T0 + 1000, undefined, 'parents')).ticket.id);
        for (let i = 0; i < 100; i++) await s.join(ROOM, `pupil-${String(i).padStart(20, '0')}`, T0 + 2000);
        await s.configureRoom(ROOM, { capacity: 120 }, T0 + 3000);
        let parentsIn = 0;
        for (const id of parents) if ((await s.status(ROOM, id, T0 + 3000))?.ticket.state === 'admitted') parentsIn++;
        assert.ok(parentsIn <= 4, `${parentsIn} of 20 seats went to parents`);
      } finally {
        await (s as { close?: () => Promise<void> }).close?.();
      }
    });
  }
}

{
  // Memory and Redis disagree once a lane is removed while empty and added back.

  const T0 = Date.parse('2026-09-01T08:00:00Z');
  const ROOM = 'reconf';

  async function order(s: Store): Promise<string> {
    const staff = [{ name: 'personnels', share: 0.5 }];
    await s.configureRoom(ROOM, { lanes: staff }, T0);
    const early: string[] = [];
    for (let i = 0; i < 4; i++) early.push((await s.join(ROOM, `staff-a-${String(i).padStart(16, '0')}`, T0, undefined, 'personnels')).ticket.id);
    await s.configureRoom(ROOM, { capacity: 4 }, T0);
    for (const id of early) await s.status(ROOM, id, T0); // seats claimed
    await s.configureRoom(ROOM, { lanes: [] }, T0 + 1000);
    await s.configureRoom(ROOM, { capacity: 5 }, T0 + 1500); // a seat more, nobody waiting
    await s.configureRoom(ROOM, { lanes: staff }, T0 + 2000);
    const ids = new Map<string, string>();
    for (let i = 0; i < 10; i++) ids.set((await s.join(ROOM, `pupil-${String(i).padStart(20, '0')}`, T0 + 3000)).ticket.id, 'P');
    for (let i = 0; i < 3; i++) ids.set((await s.join(ROOM, `staff-b-${String(i).padStart(16, '0')}`, T0 + 3000, undefined, 'personnels')).ticket.id, 'S');
    let out = '';
    for (let c = 6; c <= 9; c++) {
      await s.configureRoom(ROOM, { capacity: c }, T0 + 4000);
      for (const [id, who] of ids) if ((await s.status(ROOM, id, T0 + 4000))?.ticket.state === 'admitted') { out += who; ids.delete(id); }
    }
    return out;
  }

  test('memory and redis admit in the same order after a lane is removed while empty, then added back', async () => {
    const m = await order(new MemoryStore(opts as never));
    const rd = new RedisStore({ url: server.url, prefix: `reconf-${process.pid}`, ...opts });
    try {
      const r = await order(rd);
      assert.equal(m, r, 'memory order vs redis order');
    } finally {
      await rd.close();
    }
  });
}
