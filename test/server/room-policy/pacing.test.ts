/** The admission policy a pupil feels: honest estimates, and polling that slows down far from the front. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admissionRate, admissionsAllowed, estimateWait, graceSafePollMaxMs, harmonic, waitingPollAfterMs } from '../../../src/server/room-policy/pacing.js';
import type { RoomSnapshot } from '../../../src/server/stores/store.js';

const room = (patch: Partial<RoomSnapshot> & { capacity?: number; open?: boolean }): RoomSnapshot => ({
  room: 'r',
  settings: { capacity: patch.capacity ?? 10, admitPerMinute: 60, open: patch.open ?? true },
  createdAt: 0,
  waiting: 100,
  active: 10,
  recentAdmissions: 0,
  ...patch,
});

test('admissions stop at capacity, at the rate limit, and when the room is paused', () => {
  const settings = { capacity: 10, admitPerMinute: 5, open: true };
  assert.equal(admissionsAllowed(settings, 0, 0), 5);
  assert.equal(admissionsAllowed(settings, 8, 0), 2);
  assert.equal(admissionsAllowed(settings, 0, 5), 0);
  assert.equal(admissionsAllowed({ ...settings, open: false }, 0, 0), 0);
  assert.equal(admissionsAllowed({ ...settings, capacity: 3 }, 5, 0), 0, 'capacity lowered below the active count');
});

test('the admission rate: rate limit with free seats, measured turnover when full, unknown when stuck', () => {
  assert.equal(admissionRate(room({ active: 3 }), 60_000), 1, 'free seats: admitPerMinute / 60');
  assert.equal(admissionRate(room({ recentAdmissions: 30 }), 300_000), 0.1, 'full: 30 admissions in 5 min');
  assert.equal(admissionRate(room({ recentAdmissions: 2 }), 300_000), null, 'too few to measure');
  assert.equal(admissionRate(room({ capacity: 0, active: 0 }), 300_000), null);
  assert.equal(admissionRate(room({ open: false, active: 0 }), 300_000), null);
  assert.equal(admissionRate(room({ recentAdmissions: 600 }), 300_000), 1, 'never faster than the rate limit');
});

test('the estimate is a range around position / rate, and unknown without a rate', () => {
  assert.deepEqual(estimateWait(120, 1), { etaSeconds: 120, etaLowSeconds: 90, etaHighSeconds: 180 });
  assert.equal(estimateWait(5, null), null);
});

test('polling is rare far from the front and frequent near it, between 3 s and 5 min', () => {
  const poll = (position: number, rate: number | null): number => waitingPollAfterMs(position, position, estimateWait(position, rate));
  assert.equal(poll(1, 1), 3_000, 'the front notices its admission within seconds');
  assert.equal(poll(100, 1), 50_000, 'half the wait near the front');
  assert.equal(poll(5000, 1), 300_000, 'far back: capped well below the 10-min waiting TTL');
  assert.ok(poll(300, 1) > 0.5 * 300_000 && poll(300, 1) < 0.8 * 300_000, 'a larger share of the wait further back');
  assert.equal(waitingPollAfterMs(1, 1, null), 3_000, 'front of a stalled line: notices new seats quickly');
  assert.equal(waitingPollAfterMs(900, 900, null), 30_000);
});

test('a line too long for the status budget is slowed down from the back, never at the front', () => {
  const budget = 1_000;
  const line = 20_000;
  const poll = (position: number): number => waitingPollAfterMs(position, line, null, budget);
  assert.equal(poll(1), 3_000, 'the front keeps its pace');
  assert.ok(poll(5_000) > 30_000, 'further back: slower than the stalled-line pace');
  // Whatever the line, the floors alone keep it within the budget: Σ 1 / interval ≤ budget.
  let rate = 0;
  for (let k = 1; k <= line; k++) rate += 1000 / poll(k);
  assert.ok(rate <= budget * 1.01, `${rate.toFixed(1)} req/s for a budget of ${budget}`);
  assert.ok(Math.abs(harmonic(line) - [...Array(line).keys()].reduce((h, k) => h + 1 / (k + 1), 0)) < 1e-6);
});

test('keeping places beats the budget: nobody is told to wait longer than 5 min, even over budget', () => {
  assert.equal(waitingPollAfterMs(100_000, 100_000, null, 10), 300_000);
});

test('no hint outlasts admitGrace: whatever the line, a pupil who asks when told (1.4×, +10 s) finds its seat held', () => {
  const grace = 180_000;
  for (const admitPerMinute of [1, 10, 60, 600, 5_000]) {
    for (const position of [1, 2, 10, 100, 1_000, 100_000]) {
      const hint = waitingPollAfterMs(position, 100_000, estimateWait(position, 0.001), 1, graceSafePollMaxMs(position, admitPerMinute, grace));
      // The soonest the rate limit lets this pupil in: admitPerMinute at once, then as many each minute.
      const earliest = Math.floor((position - 1) / admitPerMinute) * 60_000;
      assert.ok(hint * 1.4 + 10_000 <= earliest + grace, `position ${position}, ${admitPerMinute}/min: hint ${hint} ms`);
    }
  }
  assert.equal(graceSafePollMaxMs(1, 60, 10 * 60_000), 300_000, 'a long grace leaves the 5-min cap');
});
