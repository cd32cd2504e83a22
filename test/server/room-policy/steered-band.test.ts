/** Waiting times while the autopilot steers: the range reaches as far as the rate may move, within the operator's bounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roomWaitEstimate, type SteeringBounds } from '../../../src/server/room-policy/pacing.js';
import type { RoomSnapshot } from '../../../src/server/stores/store.js';

const BOUNDS: SteeringBounds = { minAdmitPerMinute: 30, maxAdmitPerMinute: 5_000 };
const room = (patch: Partial<RoomSnapshot> & { capacity?: number; admitPerMinute?: number }): RoomSnapshot => ({
  room: 'r',
  settings: { capacity: patch.capacity ?? 100, admitPerMinute: patch.admitPerMinute ?? 60, open: true },
  createdAt: 0,
  waiting: 6_000,
  active: 0,
  recentAdmissions: 0,
  ...patch,
});

test('8:00, nothing measured, the autopilot steering: the pupil whom its ramp lets in early is within the range', () => {
  // The autopilot morning (bench:autopilot): the room opens at the server's 60/min on 6 000 pupils; the
  // 3 000th got in after 674 s, the 1 000th after 112 s, while 60/min promised 50 and 17 minutes.
  const opening = room({});
  for (const [position, inAfterS] of [
    [1_000, 112],
    [3_000, 674],
  ]) {
    const steered = roomWaitEstimate(position, opening, 0, BOUNDS);
    assert.ok(steered !== null && steered.etaLowSeconds <= inAfterS && inAfterS <= steered.etaHighSeconds, `${position}: ${JSON.stringify(steered)}`);
    const unsteered = roomWaitEstimate(position, opening, 0);
    assert.ok(unsteered !== null && unsteered.etaLowSeconds > inAfterS, 'a room nobody steers keeps the rate it was given');
    // Still a range, not "0 to ∞": the low end is the ramp's, the high end today's.
    assert.ok(steered.etaLowSeconds >= position / 10 / 2, `low ${steered.etaLowSeconds}`);
    assert.equal(steered.etaHighSeconds, unsteered.etaHighSeconds);
  }
});

test('the low end never assumes a rate above the operator\'s ceiling', () => {
  const opening = room({ admitPerMinute: 600 });
  const shown = roomWaitEstimate(2_000, opening, 0, { minAdmitPerMinute: 60, maxAdmitPerMinute: 1_200 });
  // 2 000 pupils at 1 200/min at most: 100 s, shown as 75 s with the usual 0.75 margin.
  assert.equal(shown?.etaLowSeconds, 75);
});

test('a rate moving fast: the range stays within what the operator\'s floor and ceiling allow', () => {
  // 8:10 on the autopilot morning: seats drained after the node loss, 366 admitted in 5 minutes, the law now
  // at 358/min with free seats. The k² band reached 0.05–143/s: a high end of 60 hours for a 21-minute wait.
  const moving = room({ capacity: 1_319, active: 867, admitPerMinute: 358, recentAdmissions: 366, waiting: 7_416 });
  const unbounded = roomWaitEstimate(7_416, moving, 600_000);
  const shown = roomWaitEstimate(7_416, moving, 600_000, BOUNDS);
  assert.ok(unbounded !== null && unbounded.etaHighSeconds > 24 * 3600, JSON.stringify(unbounded));
  assert.ok(shown !== null);
  assert.ok(shown.etaHighSeconds <= Math.ceil((7_416 / 0.5) * 1.5), `high ${shown.etaHighSeconds}`);
  assert.ok(shown.etaLowSeconds >= Math.floor((7_416 / (5_000 / 60)) * 0.75), `low ${shown.etaLowSeconds}`);
  const trueWaitS = 1_251;
  assert.ok(shown.etaLowSeconds <= trueWaitS && trueWaitS <= shown.etaHighSeconds, JSON.stringify(shown));
});
