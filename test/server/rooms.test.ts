/** The admission policy a pupil feels: honest estimates, and polling that slows down far from the front. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admissionRate, admissionsAllowed, estimateWait, waitingPollAfterMs } from '../../src/server/rooms.js';
import type { RoomSnapshot } from '../../src/server/stores/store.js';

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

test('polling is rare far from the front and frequent near it, between 2 s and 30 s', () => {
  assert.equal(waitingPollAfterMs(1, estimateWait(1, 1)), 2_000);
  assert.equal(waitingPollAfterMs(100, estimateWait(100, 1)), 10_000);
  assert.equal(waitingPollAfterMs(5000, estimateWait(5000, 1)), 30_000);
  assert.equal(waitingPollAfterMs(1, null), 2_000, 'front of a stalled line: notices new seats quickly');
  assert.equal(waitingPollAfterMs(900, null), 30_000);
});
