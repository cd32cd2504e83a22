/** Waiting times while the rate moves: the range widens when the rate was just moved, not when steady. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateWait, rateBand, roomWaitEstimate } from '../../../src/server/room-policy/pacing.js';
import type { RoomSnapshot } from '../../../src/server/stores/store.js';

const FIVE_MIN = 300_000;
const room = (patch: Partial<RoomSnapshot> & { capacity?: number; admitPerMinute?: number }): RoomSnapshot => ({
  room: 'r',
  settings: { capacity: patch.capacity ?? 1_000, admitPerMinute: patch.admitPerMinute ?? 60, open: true },
  createdAt: 0,
  waiting: 500,
  active: 500,
  recentAdmissions: 300,
  ...patch,
});

test('a steady line is shown the same range as before the band', () => {
  // Free seats, 60/min configured and 300 admitted in the last 5 minutes: the rate holds.
  const steady = room({});
  assert.equal(rateBand(steady, FIVE_MIN), null);
  assert.deepEqual(roomWaitEstimate(120, steady, FIVE_MIN), { etaSeconds: 120, etaLowSeconds: 90, etaHighSeconds: 180 });
  // Full room, generous limit: seats turn over at the measured 1/s, whatever the limit.
  const full = room({ capacity: 500, admitPerMinute: 600 });
  assert.deepEqual(roomWaitEstimate(120, full, FIVE_MIN), estimateWait(120, 1));
});

test('seats just cut below the sessions held: the high end holds the true wait', () => {
  // 1/s for 5 minutes with 1 000 seats; the autopilot cuts to 800 seats while 1 000 sessions run. Nobody
  // enters until 200 sessions end (200 s at 1/s), then 1/s again: the pupil at 100 waits 300 s.
  const cut = room({ capacity: 800, active: 1_000 });
  const trueWaitS = 200 + 100;
  const before = estimateWait(100, 1);
  assert.ok(before !== null && before.etaHighSeconds < trueWaitS, 'the steady-rate range promised too short a wait');
  const shown = roomWaitEstimate(100, cut, FIVE_MIN);
  assert.ok(shown !== null && shown.etaLowSeconds <= trueWaitS && trueWaitS <= shown.etaHighSeconds, JSON.stringify(shown));
});

test('rate just cut to a third: the range widens on both sides and holds a further cut', () => {
  // Measured 3/s over 5 minutes, limit now 60/min with free seats. If the autopilot cuts once more to
  // 20/min, the pupil at 300 waits 900 s; the steady-rate range stops at 450 s.
  const moved = room({ admitPerMinute: 60, recentAdmissions: 900 });
  const shown = roomWaitEstimate(300, moved, FIVE_MIN);
  assert.ok(shown !== null);
  assert.equal(shown.etaSeconds, 300, 'the middle stays on the current rate');
  assert.ok(shown.etaHighSeconds >= 900, `high ${shown.etaHighSeconds}`);
  assert.ok(shown.etaLowSeconds < 225, 'and the low end leaves room for the rate coming back');
});
