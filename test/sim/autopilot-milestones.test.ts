import { test } from 'node:test';
import assert from 'node:assert/strict';
import { milestones } from '../../src/sim/autopilot-milestones.js';
import { DEFAULT_MORNING, type MorningResult } from '../../src/sim/autopilot-morning.js';

const options = { ...DEFAULT_MORNING, dropAtS: 100, dropForS: 100, targetMs: 1_000 };
const morning = (admitted: number[], p95Ms: number[] = admitted.map(() => 500)): MorningResult =>
  ({ name: 'm', trace: { admitted, p95Ms, capacity: [], admitPerMinute: [], active: [] } }) as unknown as MorningResult;

test('reach 80 % counts admissions over the trailing minute against the oracle’s, from opening and from recovery', () => {
  const oracle = morning(new Array(400).fill(4));
  // 1 a second for 30 s, then 4; after the recovery (200 s) 2 a second for a minute, then 4 again.
  const ours = morning(Array.from({ length: 400 }, (_, s) => (s < 30 ? 1 : s >= 200 && s < 260 ? 2 : 4)));
  const m = milestones(ours, oracle, options);
  // Opening: the oracle's minute holds 240 from s = 59; ours reaches 192 when only 16 of its slow
  // seconds are left in the window (s = 73).
  assert.equal(m.reach80S, 73);
  // After the recovery the trailing minute dips under 80 % only once 25 seconds of 2 are in it: the first
  // second at or above 80 % is the recovery itself.
  assert.equal(m.back80AfterRecoveryS, 0);
});

test('under target after the drop waits for 30 s in a row under the target, and says never when it does not come', () => {
  const p95 = Array.from({ length: 400 }, (_, s) => (s >= 100 && s < 150 ? 3_000 : s === 170 ? 1_200 : 500));
  assert.equal(milestones(morning(new Array(400).fill(4), p95), morning(new Array(400).fill(4)), options).underTargetAfterDropS, 71);
  const never = p95.map((ms, s) => (s >= 100 ? 3_000 : ms));
  assert.equal(milestones(morning(new Array(400).fill(4), never), morning(new Array(400).fill(4)), options).underTargetAfterDropS, null);
});
