/** The benchmark's figures: inversions counted like the O(n²) definition, percentiles as published. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSeededRandom } from '../../src/core/wait/seeded-random.js';
import { countInversions, percentile } from '../../src/sim/summary.js';

test('FIFO inversions are the pairs admitted in the opposite order of joining', () => {
  assert.equal(countInversions([]), 0);
  assert.equal(countInversions([1, 2, 3]), 0);
  assert.equal(countInversions([3, 2, 1]), 3);
  const random = createSeededRandom(7);
  const values = Array.from({ length: 300 }, () => Math.floor(random() * 50));
  let brute = 0;
  for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) if (values[i] > values[j]) brute++;
  assert.equal(countInversions(values), brute, 'ties are not inversions');
});

test('the 95th percentile of 100 values is the 95th', () => {
  const sorted = [...Array(100).keys()].map((i) => i + 1);
  assert.equal(percentile(sorted, 0.95), 95);
  assert.equal(percentile([], 0.95), 0);
});
