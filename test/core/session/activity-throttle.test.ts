import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { flushActivity, initialActivityThrottle, throttleActivity, type ActivityThrottleState } from '../../../src/core/session/activity-throttle.js';

const T0 = 1_000_000;

/** Feeds events at the given times; returns what was recorded and broadcast. */
function feed(times: number[], state: ActivityThrottleState = initialActivityThrottle) {
  const recorded: number[] = [];
  const broadcast: number[] = [];
  for (const at of times) {
    const decision = throttleActivity(state, at);
    state = decision.state;
    if (decision.record) recorded.push(at);
    if (decision.broadcast) broadcast.push(at);
  }
  return { state, recorded, broadcast };
}

describe('activity-throttle', () => {
  it('records the first event at once, so a returning pupil is seen immediately', () => {
    const decision = throttleActivity(initialActivityThrottle, T0);
    assert.equal(decision.record, true);
    assert.equal(decision.broadcast, true);
  });

  it('records at most one activity per 500 ms of mouse movement', () => {
    const mousemoves = Array.from({ length: 100 }, (_, i) => T0 + i * 16); // 60 Hz for 1.6 s
    const { recorded } = feed(mousemoves);
    assert.deepEqual(recorded, [T0, T0 + 512, T0 + 1024, T0 + 1536]);
  });

  it('tells the other tabs at most every 3 s', () => {
    const typing = Array.from({ length: 40 }, (_, i) => T0 + i * 250); // 10 s of typing
    const { broadcast } = feed(typing);
    assert.deepEqual(broadcast, [T0, T0 + 3000, T0 + 6000, T0 + 9000]);
  });

  it('still tells the other tabs about the last activity before the pupil stopped', () => {
    const { state } = feed([T0, T0 + 1000, T0 + 2000]);
    const held = throttleActivity(state, T0 + 2000);
    assert.equal(held.flushAt, T0 + 3000);
    assert.equal(flushActivity(state, T0 + 2999).broadcast, null, 'not before the interval');
    const flushed = flushActivity(state, T0 + 3000);
    assert.equal(flushed.broadcast, T0 + 2000, 'the activity time, not the flush time');
    assert.equal(flushActivity(flushed.state, T0 + 9000).broadcast, null, 'sent once');
  });

  it('keeps recording when the clock is set back, instead of going deaf for the size of the jump', () => {
    const { state } = feed([T0]);
    const decision = throttleActivity(state, T0 - 3_600_000);
    assert.equal(decision.record, true);
    assert.equal(decision.broadcast, true);
  });
});
