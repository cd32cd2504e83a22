import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RETRY_BUDGET,
  createRetryBudget,
  isRetryThrottled,
  refundRetryToken,
  spendRetryToken,
  type RetryBudget,
} from '../../../src/core/wait/retry-budget.js';

const repeat = (budget: RetryBudget, times: number, step: (b: RetryBudget) => RetryBudget) =>
  Array.from({ length: times }).reduce<RetryBudget>((b) => step(b), budget);

test('a full budget lets the first four failures in a row back off normally; the fifth is throttled', () => {
  const full = createRetryBudget();
  assert.equal(full.tokens, DEFAULT_RETRY_BUDGET.maxTokens);
  assert.equal(isRetryThrottled(repeat(full, 4, spendRetryToken)), false);
  assert.equal(isRetryThrottled(repeat(full, 5, spendRetryToken)), true);
});

test('it is exhausted but never negative, so a long outage does not need a longer recovery', () => {
  const empty = repeat(createRetryBudget(), 50, spendRetryToken);
  assert.equal(empty.tokens, 0);
  // From empty, 51 successes (0.1 each) lift it above the threshold of 5 tokens, exactly, without float dust.
  assert.equal(isRetryThrottled(repeat(empty, 50, refundRetryToken)), true);
  assert.equal(repeat(empty, 50, refundRetryToken).tokens, 5);
  assert.equal(isRetryThrottled(repeat(empty, 51, refundRetryToken)), false);
});

test('successes refill it up to the maximum and no further', () => {
  const refilled = repeat(repeat(createRetryBudget(), 3, spendRetryToken), 500, refundRetryToken);
  assert.equal(refilled.tokens, 10);
});

test('a server failing every other request drains it: one success does not pay for one failure', () => {
  let budget = createRetryBudget();
  let throttledAfter = 0;
  while (!isRetryThrottled(budget)) {
    budget = refundRetryToken(spendRetryToken(budget));
    throttledAfter += 1;
  }
  assert.equal(throttledAfter, 6);
});

test('the state is immutable: spending returns a new budget', () => {
  const full = createRetryBudget();
  const spent = spendRetryToken(full);
  assert.notEqual(spent, full);
  assert.equal(full.tokens, 10);
  assert.equal(spent.tokens, 9);
});
