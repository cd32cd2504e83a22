/** The reload crowd: a press every few seconds, spread like people, deaf to the server and to failures. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSeededRandom } from '../../src/core/wait/seeded-random.js';
import { DEFAULT_RELOAD, reloadModel } from '../../src/sim/reload-model.js';

test('presses come every 5 s ± 40 %, spread, whatever the server says or whether it answered', () => {
  const model = reloadModel();
  assert.equal(model.name, 'reload-5s');
  const random = createSeededRandom(3);
  const ok = { kind: 'ok', pollAfterMs: 60_000, etaSeconds: 600, position: 1_000 } as const;
  const delays: number[] = [];
  for (let i = 0; i < 1_000; i++) {
    const next = model.next(model.create(), i % 2 ? ok : { kind: 'network' }, i, random);
    assert.ok(next !== null, 'a person never gives up reloading');
    delays.push(next.delayMs);
  }
  assert.ok(Math.min(...delays) >= 3_000 && Math.max(...delays) <= 7_000, `${Math.min(...delays)}–${Math.max(...delays)} ms`);
  const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
  assert.ok(Math.abs(mean - DEFAULT_RELOAD.periodMs) < 150, `mean ${mean} ms`);
  assert.ok(delays.filter((d) => d < 4_000).length > 100 && delays.filter((d) => d > 6_000).length > 100, 'spread over the whole range');
});

test('a period or spread that makes no sense is refused with a clear error', () => {
  assert.throws(() => reloadModel({ periodMs: 0, jitter: 0.4 }), RangeError);
  assert.throws(() => reloadModel({ periodMs: 5_000, jitter: 1 }), RangeError);
  assert.throws(() => reloadModel({ periodMs: Number.NaN, jitter: 0 }), RangeError);
  assert.equal(reloadModel({ periodMs: 2_000, jitter: 0 }).next(null, { kind: 'network' }, 0, Math.random)?.delayMs, 2_000);
});
