/** The simulator's agenda hands events back in time order, however they were pushed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSeededRandom } from '../../src/core/wait/seeded-random.js';
import { EventQueue } from '../../src/sim/event-queue.js';

test('events come out in time order, interleaved pushes and pops included', () => {
  const random = createSeededRandom(3);
  const queue = new EventQueue();
  const popped: number[] = [];
  let now = 0;
  for (let i = 0; i < 5_000; i++) {
    queue.push(now + random() * 1000, i);
    if (i % 3 === 0) {
      now = queue.peekTime();
      queue.pop();
      popped.push(now);
    }
  }
  while (queue.size > 0) {
    popped.push(queue.peekTime());
    queue.pop();
  }
  assert.equal(popped.length, 5_000);
  assert.ok(popped.every((t, i) => i === 0 || t >= popped[i - 1]));
  assert.equal(queue.peekTime(), Infinity);
});
