import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKOFF_CAP_MS, delayAfterFailure, delayAfterSuccess, MIN_DELAY_MS, POLL_FLOOR_MS } from '../../src/core/poll-delay.js';

test('after an answer, the server pollAfterMs is followed with ±20 % jitter', () => {
  assert.equal(delayAfterSuccess(10_000, () => 0), 8_000);
  assert.equal(delayAfterSuccess(10_000, () => 0.5), 10_000);
  assert.equal(delayAfterSuccess(10_000, () => 0.999999), 12_000);
});

test('a server asking for pollAfterMs 0 still waits at least the floor (minus jitter)', () => {
  assert.equal(delayAfterSuccess(0, () => 0.5), POLL_FLOOR_MS);
  assert.ok(delayAfterSuccess(0, () => 0) >= POLL_FLOOR_MS * 0.8);
});

test('failures back off exponentially with full jitter, capped at 60 s', () => {
  const top = () => 0.999999;
  assert.equal(delayAfterFailure(1, null, top), 1_000);
  assert.equal(delayAfterFailure(2, null, top), 2_000);
  assert.equal(delayAfterFailure(4, null, top), 8_000);
  assert.equal(delayAfterFailure(30, null, top), BACKOFF_CAP_MS);
  assert.equal(delayAfterFailure(3, null, () => 0.5), 2_000);
});

test('a failure never retries at once, even when the jitter draws 0', () => {
  assert.equal(delayAfterFailure(1, null, () => 0), MIN_DELAY_MS);
});

test("a throttled answer's Retry-After is a minimum, spread by up to 20 %", () => {
  assert.equal(delayAfterFailure(1, 30_000, () => 0), 30_000);
  assert.equal(delayAfterFailure(1, 30_000, () => 0.5), 33_000);
  assert.equal(delayAfterFailure(1, 0, () => 0), 1_000, 'Retry-After: 0 still waits a second');
});
