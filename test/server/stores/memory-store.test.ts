/** The in-memory store at the scale of a big school morning: exact places, and no slowdown per request. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTurns } from '../../../src/server/stores/fair-round.js';
import { FairLine } from '../../../src/server/stores/fair-line.js';
import { MemoryStore } from '../../../src/server/stores/memory.js';

const ROOM = 'cite-scolaire';

test('places in the fair line stay exact when tickets in the middle leave, one address or many', () => {
  const line = new FairLine<number>();
  // Every 4th ticket from one address (rounds 0, 1, 2, …), the others each from an address of their own.
  const places = Array.from({ length: 5000 }, (_, i) => line.push(i, i % 4 === 0 ? '203.0.113.7' : `home-${i}`));
  for (const place of places) if (place.value % 3 === 1) line.leave(place);
  const alive = places.filter((place) => place.value % 3 !== 1);
  const expected = [...alive].sort(compareTurns);
  for (const place of alive) assert.equal(line.rank(place), expected.indexOf(place) + 1);
  assert.equal(line.size, alive.length);
  assert.equal(line.first(), expected[0]!.value);
  assert.equal(line.clientCount, new Set(alive.map((place) => place.client)).size, 'one entry per address still waiting');
  for (const place of alive) line.leave(place, true);
  assert.deepEqual([line.size, line.clientCount], [0, 0], 'nothing kept once the line is empty');
});

async function lineOf(n: number): Promise<{ store: MemoryStore; ids: string[] }> {
  const store = new MemoryStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true } });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await store.join(ROOM, `pupil-key-${String(i).padStart(8, '0')}`, 0)).ticket.id);
  return { store, ids };
}

/** Time for every pupil of the line to ask for its status once (a warm pass first, for the JIT). */
async function statusPassMs({ store, ids }: { store: MemoryStore; ids: string[] }): Promise<number> {
  for (const id of ids) await store.status(ROOM, id, 0);
  const start = performance.now();
  for (const id of ids) await store.status(ROOM, id, 0);
  return performance.now() - start;
}

test('20,000 waiting pupils each get their exact place after removals', async () => {
  const n = 20_000;
  const { store, ids } = await lineOf(n);
  // Every tenth pupil leaves: those behind move up exactly.
  for (let i = 0; i < n; i += 10) await store.release(ROOM, ids[i]!, 0);
  let expected = 0;
  for (let i = 0; i < n; i++) {
    const result = await store.status(ROOM, ids[i]!, 0);
    if (i % 10 === 0) assert.equal(result, null, 'a pupil who left has no place');
    else assert.equal(result?.ticket.position, ++expected);
  }
  assert.equal((await store.roomStatus(ROOM, 0))?.waiting, n * 0.9);
});

test('a status costs about the same in a line of 20,000 as in a line of 5,000', async () => {
  const quarter = await statusPassMs(await lineOf(5_000));
  const full = await statusPassMs(await lineOf(20_000));
  // 4× the pupils: about 4× the time for a whole pass if a status is O(log n), 16× if it were O(n).
  assert.ok(full < quarter * 10, `a pass over 20k took ${full.toFixed(0)} ms, over 5k ${quarter.toFixed(0)} ms`);
});

test('admission follows join order even after the line was rebuilt many times', async () => {
  const store = new MemoryStore({ defaults: { capacity: 0, admitPerMinute: 1_000_000, open: true } });
  const ids: string[] = [];
  for (let i = 0; i < 3000; i++) ids.push((await store.join(ROOM, `pupil-key-${String(i).padStart(8, '0')}`, 0)).ticket.id);
  for (let i = 1; i < 3000; i += 2) await store.release(ROOM, ids[i]!, 0);
  await store.configureRoom(ROOM, { capacity: 10 }, 0);
  const admitted = [];
  for (let i = 0; i < 3000; i += 2) if ((await store.status(ROOM, ids[i]!, 0))?.ticket.state === 'admitted') admitted.push(i);
  assert.deepEqual(admitted, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  assert.equal((await store.status(ROOM, ids[20]!, 0))?.ticket.position, 1);
});
