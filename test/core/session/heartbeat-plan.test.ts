import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planNextHeartbeat, renewalTime, shouldSendHeartbeat, type HeartbeatPlan } from '../../../src/core/session/heartbeat-plan.js';

const ADMITTED = 5_000_000;
const MIN = 60_000;
const noJitter = () => 0;

/** A pupil active every second from admission to `until`; the session checks every second too. */
function heartbeatsOfBusyPupil(until: number, random: () => number): number[] {
  let plan: HeartbeatPlan = planNextHeartbeat(ADMITTED, random);
  const sent: number[] = [];
  for (let now = ADMITTED + 1000; now <= until; now += 1000) {
    if (shouldSendHeartbeat(plan, now, now)) {
      sent.push(now);
      plan = planNextHeartbeat(now, random);
    }
  }
  return sent;
}

describe('heartbeat-plan', () => {
  it('sends nothing in the first minute after admission, however busy the pupil is', () => {
    const plan = planNextHeartbeat(ADMITTED, noJitter);
    for (let t = ADMITTED + 1000; t < ADMITTED + MIN; t += 1000) {
      assert.equal(shouldSendHeartbeat(plan, t, t), false);
    }
    assert.equal(shouldSendHeartbeat(plan, ADMITTED + MIN, ADMITTED + MIN), true);
  });

  it('sends at most one heartbeat a minute to a pupil active every second for 10 min', () => {
    const sent = heartbeatsOfBusyPupil(ADMITTED + 10 * MIN, Math.random);
    assert.ok(sent.length >= 7 && sent.length <= 10, `sent ${sent.length}`);
    for (let i = 1; i < sent.length; i++) {
      const gap = (sent[i] ?? 0) - (sent[i - 1] ?? 0);
      assert.ok(gap >= MIN && gap <= 75_000 + 1000, `gap ${gap}`);
    }
  });

  it('sends nothing for a pupil who walked away: heartbeats do not count as activity', () => {
    const plan = planNextHeartbeat(ADMITTED, noJitter);
    const lastActivityAt = ADMITTED + 10_000;
    assert.equal(shouldSendHeartbeat(plan, lastActivityAt, ADMITTED + MIN), true);
    const afterBeat = planNextHeartbeat(ADMITTED + MIN, noJitter);
    for (let t = ADMITTED + 2 * MIN; t <= ADMITTED + 30 * MIN; t += MIN) {
      assert.equal(shouldSendHeartbeat(afterBeat, lastActivityAt, t), false);
    }
  });

  it('still sends once at the minute when the pupil stopped before it', () => {
    const plan = planNextHeartbeat(ADMITTED, noJitter);
    assert.equal(shouldSendHeartbeat(plan, ADMITTED + 30_000, ADMITTED + 30_000), false);
    assert.equal(shouldSendHeartbeat(plan, ADMITTED + 30_000, plan.notBefore), true);
  });

  it('spreads a class admitted together over 60–75 s instead of all at 60 s', () => {
    const draws = [0, 0.25, 0.5, 0.999];
    const times = draws.map((r) => planNextHeartbeat(ADMITTED, () => r).notBefore - ADMITTED);
    assert.deepEqual(times, [60_000, 63_750, 67_500, 74_985]);
  });

  it('renews a 5-minute admission of a pupil reading without input at half its remaining life', () => {
    const ADMISSION_MS = 5 * MIN;
    let endsAt = ADMITTED + ADMISSION_MS;
    let plan: HeartbeatPlan = { ...planNextHeartbeat(ADMITTED, noJitter), renewAt: renewalTime(ADMITTED, endsAt) };
    const lastActivityAt = ADMITTED; // reads, never touches anything
    const sent: number[] = [];
    for (let now = ADMITTED + 1000; now <= ADMITTED + 15 * MIN; now += 1000) {
      if (!shouldSendHeartbeat(plan, lastActivityAt, now)) continue;
      sent.push(now - ADMITTED);
      endsAt = now + ADMISSION_MS; // the answer's fresh admission
      plan = { ...planNextHeartbeat(now, noJitter), renewAt: renewalTime(now, endsAt) };
    }
    assert.deepEqual(sent, [150_000, 300_000, 450_000, 600_000, 750_000, 900_000], 'every 2.5 min, each well before the cookie expires');
  });

  it('retries a failed renewal at half of what is left, then leaves it to activity once the admission is over', () => {
    const endsAt = ADMITTED + 300_000;
    const tries: number[] = [];
    for (let at = renewalTime(ADMITTED, endsAt); at !== undefined; at = renewalTime(at, endsAt)) tries.push(endsAt - at);
    assert.deepEqual(tries, [150_000, 75_000, 37_500, 18_750, 9_375, 4_687, 2_343, 1_171], 'time left at each try');
    assert.equal(renewalTime(endsAt - 1000, endsAt), undefined);
    assert.equal(renewalTime(endsAt + 5000, endsAt), undefined, 'already over: nothing to renew');
    const plan: HeartbeatPlan = { lastSentAt: ADMITTED, notBefore: ADMITTED + MIN, renewAt: undefined };
    assert.equal(shouldSendHeartbeat(plan, ADMITTED, ADMITTED + 10 * MIN), false, 'no renewal due, no activity: silence');
  });

  it('never goes under a minute even with a broken random source', () => {
    assert.equal(planNextHeartbeat(ADMITTED, () => -3).notBefore, ADMITTED + MIN);
    assert.equal(planNextHeartbeat(ADMITTED, () => Number.NaN).notBefore >= ADMITTED + MIN, true);
  });
});
