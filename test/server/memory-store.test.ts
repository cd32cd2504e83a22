/** The in-memory store at the scale of a big school morning: exact places, and no slowdown per request. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RankIndex } from '../../src/server/stores/rank-index.js';
import { MemoryStore } from '../../src/server/stores/memory.js';

const ROOM = 'cite-scolaire';

test('places stay exact when pupils in the middle of the line leave', () => {
  const index = new RankIndex();
  const seqs = Array.from({ length: 5000 }, () => index.push());
  const alive = new Set(seqs);
  for (const seq of seqs) if (seq % 3 === 1) (index.remove(seq), alive.delete(seq));
  let expected = 0;
  for (const seq of seqs) {
    if (!alive.has(seq)) continue;
    expected++;
    assert.equal(index.rank(seq), expected);
  }
  assert.equal(index.size, alive.size);
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
