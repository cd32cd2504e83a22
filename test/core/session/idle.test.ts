import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activity, createIdleState, evaluate, extend, IdlePhase, MIN_WARNING_MS, release, ReleaseReason } from '../../../src/core/session/idle.js';

const T0 = Date.UTC(2026, 8, 1, 8, 0, 0); // a Monday, 8:00, the pupil logs in
const MIN = 60_000;
const TIMEOUT = 15 * MIN;
const WARNING = MIN;
const start = () => createIdleState(T0, { timeoutMs: TIMEOUT, warningMs: WARNING });

describe('idle: when the warning appears', () => {
  it('keeps a pupil who moved just before the deadline active for a full timeout more', () => {
    const justBefore = T0 + TIMEOUT - 1;
    const state = activity(start(), justBefore);
    assert.equal(evaluate(state, T0 + TIMEOUT).phase, IdlePhase.ACTIVE);
    assert.equal(evaluate(state, justBefore + TIMEOUT - 1).phase, IdlePhase.ACTIVE);
    assert.equal(evaluate(state, justBefore + TIMEOUT).phase, IdlePhase.WARNING);
  });

  it('shows the warning exactly at the timeout, with a countdown to timeout + warning', () => {
    assert.equal(evaluate(start(), T0 + TIMEOUT - 1).phase, IdlePhase.ACTIVE);
    const verdict = evaluate(start(), T0 + TIMEOUT);
    assert.equal(verdict.phase, IdlePhase.WARNING);
    assert.equal(verdict.releaseAt, T0 + TIMEOUT + WARNING);
  });

  it('asks the runner to wake at the warning, then at the release, not on a fixed tick', () => {
    const active = evaluate(start(), T0 + 1000);
    assert.equal(active.nextCheckAt, T0 + TIMEOUT);
    const warning = evaluate(active.state, T0 + TIMEOUT);
    assert.equal(warning.nextCheckAt, T0 + TIMEOUT + WARNING);
  });
});

describe('idle: release', () => {
  it('releases exactly at timeout + warning, once, for idleness', () => {
    const warning = evaluate(start(), T0 + TIMEOUT);
    assert.equal(evaluate(warning.state, T0 + TIMEOUT + WARNING - 1).phase, IdlePhase.WARNING);
    const released = evaluate(warning.state, T0 + TIMEOUT + WARNING);
    assert.equal(released.phase, IdlePhase.RELEASED);
    assert.equal(released.releasedNow, true);
    assert.deepEqual(released.state.released, { reason: ReleaseReason.IDLE, skippedWarning: false });
    assert.equal(released.nextCheckAt, null);
    // The server is asked to release once, not on every later wake-up.
    assert.equal(evaluate(released.state, T0 + TIMEOUT + WARNING + MIN).releasedNow, false);
  });

  it('does not bring a released pupil back on later activity', () => {
    const released = evaluate(start(), T0 + TIMEOUT + WARNING + 1).state;
    const after = activity(released, T0 + TIMEOUT + WARNING + 5000);
    assert.equal(evaluate(after, T0 + TIMEOUT + WARNING + 6000).phase, IdlePhase.RELEASED);
    assert.equal(extend(released, T0 + TIMEOUT + WARNING + 5000), released);
  });

  it('keeps the first reason: a logout after an idle release is still reported as idle', () => {
    const released = evaluate(start(), T0 + TIMEOUT + WARNING).state;
    assert.equal(release(released, ReleaseReason.LOGOUT).released?.reason, ReleaseReason.IDLE);
  });

  it('releases at once on logout, even while the pupil is active', () => {
    const loggedOut = release(start(), ReleaseReason.LOGOUT);
    const verdict = evaluate(loggedOut, T0 + 1000);
    assert.equal(verdict.phase, IdlePhase.RELEASED);
    assert.equal(verdict.releasedNow, false, 'the logout path already released the ticket itself');
    assert.equal(verdict.state.released?.reason, ReleaseReason.LOGOUT);
  });
});

describe('idle: "Je suis là" and other activity during the warning', () => {
  it('dismisses the warning and gives a whole new timeout', () => {
    const warning = evaluate(start(), T0 + TIMEOUT + 10_000).state;
    const answered = extend(warning, T0 + TIMEOUT + 30_000);
    const verdict = evaluate(answered, T0 + TIMEOUT + 31_000);
    assert.equal(verdict.phase, IdlePhase.ACTIVE);
    assert.equal(verdict.nextCheckAt, T0 + TIMEOUT + 30_000 + TIMEOUT);
    assert.equal(answered.extensions, 1);
  });

  it('allows far more than ten extensions in a row (WCAG 2.2.1)', () => {
    let state = start();
    let now = T0;
    for (let i = 0; i < 25; i++) {
      now += TIMEOUT + WARNING - 1; // answered with one millisecond to spare, every time
      const verdict = evaluate(state, now);
      assert.equal(verdict.phase, IdlePhase.WARNING, `warning ${i + 1} shown`);
      state = extend(verdict.state, now);
    }
    assert.equal(state.extensions, 25);
    assert.equal(evaluate(state, now + 1).phase, IdlePhase.ACTIVE);
  });

  it('does not count ordinary activity before the warning as an extension', () => {
    assert.equal(activity(start(), T0 + TIMEOUT - 1).extensions, 0);
  });
});

describe('idle: several tabs', () => {
  it('takes the latest timestamp whatever order the tabs report in', () => {
    const fromTabs = [T0 + 5 * MIN, T0 + 9 * MIN, T0 + 2 * MIN, T0 + 7 * MIN];
    const state = fromTabs.reduce(activity, start());
    assert.equal(state.lastActivityAt, T0 + 9 * MIN);
    assert.equal(evaluate(state, T0 + 9 * MIN + TIMEOUT - 1).phase, IdlePhase.ACTIVE);
  });

  it('lets activity in another tab prevent the warning here', () => {
    const otherTab = activity(start(), T0 + 14 * MIN);
    assert.equal(evaluate(otherTab, T0 + TIMEOUT).phase, IdlePhase.ACTIVE);
  });

  it('lets a frozen tab catch up with late news instead of releasing a pupil busy elsewhere', () => {
    // This tab heard nothing for 20 min, but the pupil was typing in another tab a moment ago.
    const caughtUp = activity(start(), T0 + 20 * MIN);
    assert.equal(evaluate(caughtUp, T0 + 20 * MIN + 1000).phase, IdlePhase.ACTIVE);
  });
});

describe('idle: clocks that jump', () => {
  it('goes straight to released after a 2 h sleep, and says the warning was skipped', () => {
    const active = evaluate(start(), T0 + MIN).state;
    const woke = evaluate(active, T0 + 2 * 60 * MIN);
    assert.equal(woke.phase, IdlePhase.RELEASED);
    assert.equal(woke.releasedNow, true);
    assert.deepEqual(woke.state.released, { reason: ReleaseReason.IDLE, skippedWarning: true });
  });

  it('still gives 20 s to answer when a throttled tab wakes late into the warning', () => {
    const lateWake = T0 + TIMEOUT + WARNING - 5000; // only 5 s of the nominal warning left
    const verdict = evaluate(start(), lateWake);
    assert.equal(verdict.phase, IdlePhase.WARNING);
    assert.equal(verdict.releaseAt, lateWake + MIN_WARNING_MS);
    assert.equal(evaluate(verdict.state, lateWake + MIN_WARNING_MS - 1).phase, IdlePhase.WARNING);
    assert.equal(extend(verdict.state, lateWake + 15_000).extensions, 1, 'answering in the extra time counts');
  });

  it('does not postpone the warning when the clock is set back', () => {
    const setBack = T0 - 60 * MIN;
    const verdict = evaluate(start(), setBack);
    assert.equal(verdict.nextCheckAt, setBack + TIMEOUT);
  });
});

describe('idle: timing limits', () => {
  it('never makes a warning shorter than 20 s, nor a zero timeout', () => {
    const state = createIdleState(T0, { timeoutMs: 0, warningMs: 5000 });
    assert.equal(state.warningMs, MIN_WARNING_MS);
    assert.equal(state.timeoutMs, 900_000);
    assert.equal(evaluate(state, T0 + 1000).phase, IdlePhase.ACTIVE);
  });

  it('defaults to 15 min then a 60 s warning', () => {
    const state = createIdleState(T0);
    assert.equal(evaluate(state, T0 + 900_000).releaseAt, T0 + 960_000);
  });
});
