import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type AutopilotBounds, type LawInput, type LawState } from '../../../src/server/autopilot/law.js';

const bounds: AutopilotBounds = { targetMs: 1_000, minCapacity: 100, maxCapacity: 3_000, minAdmitPerMinute: 60, maxAdmitPerMinute: 1_200 };
const state: LawState = { capacity: 1_000, admitPerMinute: 300, evidenceFrom: 0, changedAt: 0 };
const healthy = { samples: 100, p95Ms: 300, errorShare: 0, timeoutShare: 0 };
const input = (over: Partial<LawInput> = {}): LawInput => ({ now: 60_000, probe: healthy, waiting: 400, active: 1_000, admittingPerMinute: 300, ...over });

test('ramps seats and rate up while pages are fast, a line waits and both limits bind', () => {
  const { action, state: next } = decide(state, input(), bounds);
  assert.equal(action, 'up');
  assert.ok(next.capacity > 1_000 && next.capacity <= 1_120, `seats ${next.capacity}`);
  assert.ok(next.admitPerMinute > 300, `rate ${next.admitPerMinute}`);
});

test('steps shrink as the p95 nears the target, and stop in the hold band', () => {
  const far = decide(state, input({ probe: { ...healthy, p95Ms: 200 } }), bounds).state.capacity;
  const near = decide(state, input({ probe: { ...healthy, p95Ms: 800 } }), bounds).state.capacity;
  assert.ok(far - 1_000 > 2 * (near - 1_000), `far ${far}, near ${near}`);
  assert.equal(decide(state, input({ probe: { ...healthy, p95Ms: 900 } }), bounds).reason, 'near target');
});

test('never ramps up blind: no evidence, a silent probe, no line, or limits nobody reaches', () => {
  assert.equal(decide(state, input({ probe: undefined }), bounds).reason, 'too few samples');
  assert.equal(decide(state, input({ probe: { ...healthy, samples: 3 }, pupils: healthy }), bounds).reason, 'probe silent');
  assert.equal(decide(state, input({ waiting: 0 }), bounds).reason, 'no line');
  assert.equal(decide(state, input({ active: 500, admittingPerMinute: 100 }), bounds).reason, 'limits not reached');
  for (const over of [{ probe: undefined }, { waiting: 0 }]) assert.deepEqual(decide(state, input(over), bounds).state, state);
});

test('cuts at once on a breach, in proportion to the overshoot; errors and timeouts halve', () => {
  const slow = decide(state, input({ probe: { ...healthy, p95Ms: 1_250 } }), bounds);
  assert.equal(slow.action, 'cut');
  assert.equal(slow.state.capacity, 800);
  const timeouts = decide(state, input({ probe: { ...healthy, p95Ms: 2_000, timeoutShare: 0.3, errorShare: 0.3 } }), bounds);
  assert.equal(timeouts.reason, 'timeouts');
  assert.equal(timeouts.state.capacity, 500);
  assert.equal(timeouts.state.admitPerMinute, 150);
  const errors = decide(state, input({ probe: undefined, pupils: { ...healthy, errorShare: 0.2 } }), bounds);
  assert.equal(errors.reason, 'errors');
});

test('a reading just over the target needs twice the evidence before it cuts', () => {
  assert.equal(decide(state, input({ probe: { ...healthy, samples: 25, p95Ms: 1_100 } }), bounds).action, 'hold');
  assert.equal(decide(state, input({ probe: { ...healthy, samples: 45, p95Ms: 1_100 } }), bounds).action, 'cut');
});

test('never below the floor nor above the ceiling, whatever the signals', () => {
  const low = { ...state, capacity: 120, admitPerMinute: 70 };
  const cut = decide(low, input({ active: 120, probe: { ...healthy, timeoutShare: 1, errorShare: 1, p95Ms: 10_000 } }), bounds);
  assert.equal(cut.state.capacity, 100);
  assert.equal(cut.state.admitPerMinute, 60);
  const high = { ...state, capacity: 2_990, admitPerMinute: 1_190 };
  const up = decide(high, input({ active: 2_990, admittingPerMinute: 1_190 }), bounds);
  assert.equal(up.state.capacity, 3_000);
  assert.equal(up.state.admitPerMinute, 1_200);
});

test('while seats above a cut drain, it holds and restarts its evidence, rather than cutting to the floor', () => {
  const decision = decide({ ...state, capacity: 600 }, input({ active: 900, probe: { ...healthy, p95Ms: 3_000 } }), bounds);
  assert.equal(decision.reason, 'draining');
  assert.equal(decision.state.capacity, 600);
  assert.equal(decision.state.evidenceFrom, 60_000);
});
