import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etaRange, queueProgress } from '../../../src/core/wait/eta-range.js';

test('the estimate is a range of whole minutes, rounded outwards', () => {
  assert.deepEqual(etaRange({ etaSeconds: 300, etaLowSeconds: 250, etaHighSeconds: 350 }), { low: 4, high: 6 });
});

test('a bare estimate gets a ±20 % band; no estimate gives no range', () => {
  assert.deepEqual(etaRange({ etaSeconds: 600, etaLowSeconds: null, etaHighSeconds: null }), { low: 8, high: 12 });
  assert.equal(etaRange({ etaSeconds: null, etaLowSeconds: null, etaHighSeconds: null }), null);
});

test('progress goes from 0 at the join position to 100 at the front', () => {
  assert.equal(queueProgress(11, 11), 0);
  assert.equal(queueProgress(11, 6), 50);
  assert.equal(queueProgress(11, 1), 100);
  assert.equal(queueProgress(1, 1), 100);
  assert.equal(queueProgress(5, 9), 0, 'moving back (server restart) never shows negative progress');
});
