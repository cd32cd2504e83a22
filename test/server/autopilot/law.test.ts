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
  assert.ok(next.capacity > 1_000 && next.capacity <= 1_250, `seats ${next.capacity}`);
  assert.ok(next.admitPerMinute > 300, `rate ${next.admitPerMinute}`);
});

test('steps shrink as the p95 nears the target, and stop in the hold band', () => {
  const far = decide(state, input({ probe: { ...healthy, p95Ms: 200 } }), bounds).state.capacity;
  const near = decide(state, input({ probe: { ...healthy, p95Ms: 650 } }), bounds).state.capacity;
  assert.ok(far - 1_000 > 2 * (near - 1_000), `far ${far}, near ${near}`);
  assert.equal(decide(state, input({ probe: { ...healthy, p95Ms: 900 } }), bounds).reason, 'near target');
});

test('never ramps up blind: no evidence, a silent probe, no line, or limits nobody reaches', () => {
  assert.equal(decide(state, input({ probe: undefined }), bounds).reason, 'too few samples');
  assert.equal(decide(state, input({ probe: { ...healthy, samples: 3 }, pupils: healthy }), bounds).reason, 'probe silent');
  assert.equal(decide(state, input({ waiting: 0 }), bounds).reason, 'no line');
  assert.equal(decide(state, input({ active: 500, admittingPerMinute: 100 }), bounds).reason, 'limits not reached');
  for (const over of [{ probe: undefined }, { waiting: 0 }]) {
    const { fullSince, ...held } = decide(state, input(over), bounds).state;
    assert.deepEqual(held, state);
    assert.equal(fullSince, 60_000, 'full seats are noted from now');
  }
});

test('cuts at once on a breach, in proportion to the overshoot (timeouts by their p95); fast errors halve', () => {
  const slow = decide(state, input({ probe: { ...healthy, p95Ms: 1_250 } }), bounds);
  assert.equal(slow.action, 'cut');
  assert.equal(slow.state.capacity, 928); // ∛(1 000 / 1 250) of 1 000
  const timeouts = decide(state, input({ probe: { ...healthy, p95Ms: 2_000, timeoutShare: 0.3, errorShare: 0.3 } }), bounds);
  assert.equal(timeouts.reason, 'timeouts');
  assert.equal(timeouts.state.capacity, 793); // ∛(1 000 / 2 000) of 1 000
  assert.equal(timeouts.state.admitPerMinute, 238);
  // Errors that come fast (p95 300 ms): the ENT is broken, not full; however little it takes, halve.
  const errors = decide(state, input({ probe: undefined, pupils: { ...healthy, errorShare: 0.2 } }), bounds);
  assert.equal(errors.reason, 'errors');
  assert.equal(errors.state.capacity, 500);
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

test('while seats above a cut drain, it holds on the last 10 s of evidence, rather than cutting to the floor', () => {
  const decision = decide({ ...state, capacity: 600 }, input({ active: 900, probe: { ...healthy, p95Ms: 3_000 } }), bounds);
  assert.equal(decision.reason, 'draining');
  assert.equal(decision.state.capacity, 600);
  assert.equal(decision.state.evidenceFrom, 50_000);
});

test('holds from 70 % of the target: a p95 of 750 ms is within the noise of a 1-s knee, not headroom', () => {
  assert.equal(decide(state, input({ probe: { ...healthy, p95Ms: 750 } }), bounds).reason, 'near target');
});

test('an idle ENT gets its next step as soon as there is evidence; near the knee it waits the full 8 s', () => {
  const justChanged = { ...state, changedAt: 55_000 };
  assert.equal(decide(justChanged, input({ probe: { ...healthy, p95Ms: 250 } }), bounds).action, 'up');
  assert.equal(decide(justChanged, input({ probe: { ...healthy, p95Ms: 600 } }), bounds).reason, 'settling');
});

test('seats 85 % used are not a limit that binds: raising them would fill a quarter more at once', () => {
  assert.equal(decide(state, input({ active: 850, admittingPerMinute: 100 }), bounds).reason, 'limits not reached');
});

test('while the seats bind, an unused rate comes down to 1.5× the admissions it lets through plus the new seats', () => {
  const next = decide({ ...state, admitPerMinute: 2_000 }, input({ admittingPerMinute: 300, probe: { ...healthy, p95Ms: 600 } }), bounds).state;
  assert.ok(next.capacity > 1_000, `seats ${next.capacity}`);
  assert.equal(next.admitPerMinute, 450 + (next.capacity - 1_000));
  // An unmeasured rate (0) is never read as unused.
  assert.equal(decide({ ...state, admitPerMinute: 1_000 }, input({ admittingPerMinute: 0 }), bounds).state.admitPerMinute, 1_000);
});

test('after a cut, the seats stop at the sessions held once recent evidence shows the ENT coping', () => {
  const afterCut = { ...state, capacity: 600, evidenceFrom: 40_000 };
  const coping = decide(afterCut, input({ active: 900, probe: { ...healthy, samples: 40, p95Ms: 500 } }), bounds);
  assert.equal(coping.reason, 'drained enough');
  assert.equal(coping.state.capacity, 900);
  // It copes with the sessions, not yet with their logins on top: admissions resume at half the rate.
  assert.equal(coping.state.admitPerMinute, 150);
  // Thin evidence, slow pages, a silent probe or no line: keep draining.
  for (const over of [{ probe: { ...healthy, samples: 25 } }, { probe: { ...healthy, samples: 40, p95Ms: 800 } }, { probe: { ...healthy, samples: 3 }, pupils: healthy }, { waiting: 0 }])
    assert.equal(decide(afterCut, input({ active: 900, ...over }), bounds).state.capacity, 600);
});

// The real-ENT timeline (test/e2e/autopilot-real-ent.test.ts): 8 workers lose 4, the law cuts 103 → 51 seats
// (halving on timeouts, the rule then; ∛ of their p95 now cuts the 103 to 66, and the next breach further).
const afterHalving: LawState = { capacity: 51, admitPerMinute: 263, evidenceFrom: 47_000, changedAt: 47_000 };
const drainOverload = { samples: 40, p95Ms: 1_900, errorShare: 0.2, timeoutShare: 0.2 };
const realEnt: AutopilotBounds = { targetMs: 500, minCapacity: 20, maxCapacity: 200, minAdmitPerMinute: 60, maxAdmitPerMinute: 1_200 };

test('the drain\'s own overload is no evidence about the new seats: once drained, the law waits for fresh pages', () => {
  const draining = decide(afterHalving, input({ now: 55_000, active: 80, probe: drainOverload }), realEnt);
  assert.equal(draining.reason, 'draining');
  // Active reaches the new seats; the evidence in hand was gathered while 80 sessions loaded 4 workers.
  const drained = decide(draining.state, input({ now: 62_000, active: 51, probe: drainOverload }), realEnt);
  assert.notEqual(drained.action, 'cut', `cut again to ${drained.state.capacity} on the drain's evidence`);
  assert.equal(drained.state.capacity, 51);
  assert.equal(drained.state.evidenceFrom, 62_000);
  // Fresh evidence of a real breach at the new seats still cuts.
  assert.equal(decide(drained.state, input({ now: 68_000, active: 51, probe: drainOverload }), realEnt).action, 'cut');
});

test('a cut moves the seats, not the rate below what the store\'s minute already counts: open seats never starve', () => {
  // 250 admitted over the last minute: a rate of 131 would admit nobody for ~40 s, then let the backlog in at once.
  const cut = decide({ ...afterHalving, capacity: 103 }, input({ now: 47_000, active: 103, admittingPerMinute: 280, admittedLastMinute: 250, probe: drainOverload }), realEnt);
  assert.equal(cut.action, 'cut');
  assert.equal(cut.state.capacity, 66); // ∛(500 / 1 900) of 103
  assert.ok(cut.state.admitPerMinute >= 250, `rate ${cut.state.admitPerMinute} under the 250 the minute holds`);
  // Without that count (older callers) the rate follows the seats, as before.
  assert.equal(decide({ ...afterHalving, capacity: 103 }, input({ now: 47_000, active: 103, probe: drainOverload }), realEnt).state.admitPerMinute, 168);
});

test('an unused rate is not trimmed below the admissions of the last minute (drain seconds read as an unused rate)', () => {
  // Measured run: at the end of a drain, 10 s of near-zero admissions trimmed 237/min to 91 with 200 in the
  // minute; active fell 77 → 0 with 88 seats open and 260 waiting, then the minute's slide let 47 in at once.
  const cut = { capacity: 77, admitPerMinute: 237, evidenceFrom: 25_000, changedAt: 25_000 };
  const fast = { ...healthy, samples: 40, p95Ms: 248 };
  const draining = decide(cut, input({ now: 28_000, active: 98, probe: drainOverload }), realEnt).state;
  const drained = decide(draining, input({ now: 31_000, active: 77, probe: drainOverload }), realEnt).state;
  const next = decide(drained, input({ now: 36_000, active: 77, admittingPerMinute: 40, admittedLastMinute: 200, probe: fast }), realEnt).state;
  assert.ok(next.capacity > 77, `seats ${next.capacity}`);
  assert.ok(next.admitPerMinute >= 200, `rate ${next.admitPerMinute}`);
  // Once the measure is clear of the drain, an unused rate is trimmed again (the opening's 800/min, see above).
  const later = decide({ ...next, admitPerMinute: 600 }, input({ now: 45_000, active: next.capacity, admittingPerMinute: 200, admittedLastMinute: 250, probe: fast }), realEnt).state;
  assert.ok(later.admitPerMinute < 400, `rate ${later.admitPerMinute}`);
});

test('a latency cut near the knee keeps ∛(target/p95) of the load: a closed crowd\'s wait falls faster than its size', () => {
  // Real slow ENT, 4 workers (knee 48, p95 at the target with 56 seats): 45 sessions read 843 ms against 500.
  // target/p95 kept 26 seats, half the knee, and the ENT idled with 234 waiting; ∛ keeps 37.
  const near = decide({ ...afterHalving, capacity: 56, drainedAt: 58_000, evidenceFrom: 64_000, changedAt: 64_000 }, input({ now: 72_000, active: 45, probe: { ...healthy, samples: 40, p95Ms: 843 } }), realEnt);
  assert.equal(near.action, 'cut');
  assert.equal(near.state.capacity, 37);
  // A failed run: the halving left 51 seats, which read 1 196 ms once drained; √ kept 32, under the band (33–65).
  const drained = decide({ ...afterHalving, capacity: 51, drainedAt: 58_000, evidenceFrom: 58_000, changedAt: 52_000 }, input({ now: 64_000, active: 51, waiting: 209, probe: { ...healthy, samples: 24, p95Ms: 1_196 } }), realEnt);
  assert.equal(drained.action, 'cut');
  assert.equal(drained.state.capacity, 38);
});

test('a cut while a line waits on seats that empty faster than they refill cuts from the seats, not from the dip', () => {
  // Real slow ENT, 4 workers: 83 seats after a first cut, sessions down to 50 while admissions lagged, a
  // breach on errors: halving the dip left 25 seats (the knee is 48) and the ENT idled with 235 waiting
  // (halving the 83 seats, 41; ∛ of the 1.9-s p95, 53).
  const lagging = decide({ capacity: 83, admitPerMinute: 240, evidenceFrom: 52_000, changedAt: 47_000, drainedAt: 52_000 }, input({ now: 58_000, active: 50, waiting: 210, admittingPerMinute: 60, admittedLastMinute: 230, probe: { ...drainOverload, timeoutShare: 0.08 } }), realEnt);
  assert.equal(lagging.reason, 'errors');
  assert.equal(lagging.state.capacity, 53);
  // When the rate is what holds the sessions down, the sessions are the load: the cut is from them.
  const rateBound = decide({ capacity: 83, admitPerMinute: 240, evidenceFrom: 52_000, changedAt: 47_000 }, input({ now: 58_000, active: 50, waiting: 210, admittingPerMinute: 230, probe: drainOverload }), realEnt);
  assert.equal(rateBound.state.capacity, 32);
});

test('a breach over seats that "drained enough" left above a cut goes back to the cut, not under it: those sessions came before the cut', () => {
  // Real slow ENT, 4 workers (knee 48, band 33–65), as in a failed run: a cut to 39 while 57 sessions held
  // seats; without logins their pages read coping, the seats stopped at 57, and the logins on top brought
  // probe timeouts: halving the 57 left 28 seats with 57 sessions still draining.
  const cutTo39 = { capacity: 39, admitPerMinute: 240, evidenceFrom: 60_000, changedAt: 60_000, draining: true };
  const coping = { ...healthy, samples: 40, p95Ms: 300 };
  const resumed = decide(cutTo39, input({ now: 70_000, active: 57, waiting: 200, probe: coping }), realEnt);
  assert.equal(resumed.reason, 'drained enough');
  assert.equal(resumed.state.capacity, 57);
  const timeouts = { samples: 25, p95Ms: 2_021, errorShare: 0.3, timeoutShare: 0.3 };
  const breach = decide(resumed.state, input({ now: 76_000, active: 57, waiting: 200, admittingPerMinute: 100, probe: timeouts }), realEnt);
  assert.equal(breach.action, 'cut');
  assert.equal(breach.state.capacity, 39, `cut to ${breach.state.capacity} seats on sessions admitted before the cut to 39`);
  // Resuming early overshot once: the drain now runs its course, however well the pages read meanwhile.
  const draining = decide(breach.state, input({ now: 86_000, active: 50, waiting: 200, probe: coping }), realEnt);
  assert.equal(draining.reason, 'draining');
  // Drained to the cut's seats, then fresh evidence of a breach there: cut as any breach does.
  const drained = decide(draining.state, input({ now: 90_000, active: 39, waiting: 200, probe: timeouts }), realEnt);
  assert.equal(drained.reason, 'drained');
  assert.equal(decide(drained.state, input({ now: 96_000, active: 39, waiting: 200, admittingPerMinute: 100, probe: timeouts }), realEnt).state.capacity, 24);
});

test('a rate the store\'s minute holds full is in use: a step up does not trim it, which would stall free seats until the minute slides', () => {
  // Real slow ENT, failed run: after a cut to 40 seats the minute held 235 admissions, the last 10 s (held
  // by that full minute) read 84/min, and the step to 50 seats trimmed 229/min to 136: nobody got in for
  // 20 s, the sessions fell 40 → 8 with 230 waiting, and the slide let 22 logins in at once (timeouts).
  const afterCut = { capacity: 40, admitPerMinute: 229, evidenceFrom: 55_000, changedAt: 50_000 };
  const next = decide(afterCut, input({ now: 60_000, active: 40, waiting: 220, admittingPerMinute: 84, admittedLastMinute: 235, probe: { ...healthy, samples: 40, p95Ms: 123 } }), realEnt);
  assert.equal(next.action, 'up');
  assert.ok(next.state.capacity > 40, `seats ${next.state.capacity}`);
  assert.equal(next.state.admitPerMinute, 229);
});

test('a breach on the first evidence after a step up goes back to the seats before it, not under them', () => {
  // Real slow ENT, 4 workers (a pool: flat latency, then a cliff at the knee, 48): 165 ms at 43 sessions
  // read as far from the target, +25 % took the seats to 54, and the 11 logins brought probe timeouts.
  const at43 = { capacity: 43, admitPerMinute: 218, evidenceFrom: 55_000, changedAt: 55_000 };
  const up = decide(at43, input({ now: 61_000, active: 43, waiting: 217, admittingPerMinute: 100, admittedLastMinute: 150, probe: { ...healthy, samples: 24, p95Ms: 165 } }), realEnt);
  assert.equal(up.action, 'up');
  assert.equal(up.state.capacity, 54);
  const timeouts = { samples: 22, p95Ms: 2_021, errorShare: 0.2, timeoutShare: 0.2 };
  const breach = { now: 67_000, active: 54, waiting: 206, admittingPerMinute: 100, admittedLastMinute: 150, probe: timeouts };
  const cut = decide(up.state, input(breach), realEnt);
  assert.equal(cut.action, 'cut');
  assert.equal(cut.state.capacity, 43, `halved to ${cut.state.capacity}, under the 43 seats that read 165 ms`);
  // Once evidence reads at or under the target with the new seats full for 5 s, the step stands: a later
  // breach cuts as any. Read before they filled (43 sessions in 54 seats), it says nothing of their logins.
  const fine = { ...healthy, samples: 22, p95Ms: 480 };
  const filling = decide(up.state, input({ ...breach, now: 64_000, active: 45, probe: fine }), realEnt);
  assert.equal(decide(filling.state, input({ ...breach, now: 67_000 }), realEnt).state.capacity, 43);
  const full = decide(filling.state, input({ ...breach, now: 66_000, probe: fine }), realEnt);
  const stands = decide(full.state, input({ ...breach, now: 71_000, probe: fine }), realEnt);
  assert.equal(stands.action, 'hold');
  assert.equal(decide(stands.state, input({ ...breach, now: 72_000 }), realEnt).state.capacity, 33);
});

test('seats the sessions leave empty while the store\'s full minute keeps the line out come down to one step above the sessions', () => {
  // Real slow ENT, failed run: 68 seats, the minute full at 191/min, the sessions fell 49 → 17 with 240
  // waiting; when the minute slid, 51 logins came in 3 s (probe timeouts, seats halved to 34).
  const stalled = { now: 58_000, active: 30, waiting: 232, admittingPerMinute: 12, admittedLastMinute: 195, probe: { ...healthy, samples: 30, p95Ms: 90 } };
  const cut = decide({ capacity: 68, admitPerMinute: 191, evidenceFrom: 52_000, changedAt: 52_000 }, input(stalled), realEnt);
  assert.equal(cut.reason, 'seats unused');
  assert.equal(cut.state.capacity, 38); // 30 sessions + 25 %
  // And the line moves again: the rate just over the minute's count by those 8 seats, then the slide's pace.
  assert.equal(cut.state.admitPerMinute, 195 + 8);
  // Not while admissions flow (the minute has room), nor for a few seats between departures and logins.
  assert.equal(decide({ capacity: 68, admitPerMinute: 191, evidenceFrom: 52_000, changedAt: 52_000 }, input({ ...stalled, admittedLastMinute: 150 }), realEnt).state.capacity, 68);
  assert.equal(decide({ capacity: 44, admitPerMinute: 191, evidenceFrom: 52_000, changedAt: 52_000 }, input(stalled), realEnt).state.capacity, 44);
});

test('a breach after "seats unused" reopened a step above the sessions goes back to those sessions, not under them', () => {
  // Real slow ENT, near miss (band 33–65): 56 seats over 36 sessions came down to 45, the 9 seats filled
  // at once, their logins read 894 ms, and √(500/894) of 45 left 33 seats, under the 36 sessions that
  // had read fine before the step. Timeouts on those logins would halve the 45 to 22.
  const unused = decide(
    { capacity: 56, admitPerMinute: 227, evidenceFrom: 52_000, changedAt: 52_000 },
    input({ now: 58_000, active: 36, waiting: 224, admittingPerMinute: 10, admittedLastMinute: 230, probe: { ...healthy, samples: 24, p95Ms: 90 } }),
    realEnt,
  );
  assert.equal(unused.reason, 'seats unused');
  assert.equal(unused.state.capacity, 45);
  // A second later: the evidence since the step is 4 probe pages, too few to judge it (nor to forget it).
  const next = decide(unused.state, input({ now: 59_000, active: 45, waiting: 215, admittingPerMinute: 60, admittedLastMinute: 239, probe: { ...healthy, samples: 4, p95Ms: 90 } }), realEnt);
  assert.equal(next.action, 'hold');
  const breach = decide(next.state, input({ now: 64_000, active: 45, waiting: 215, admittingPerMinute: 120, admittedLastMinute: 239, probe: { ...healthy, samples: 24, p95Ms: 2_021, timeoutShare: 0.15, errorShare: 0.15 } }), realEnt);
  assert.equal(breach.reason, 'timeouts');
  assert.equal(breach.state.capacity, 36, `cut to ${breach.state.capacity}, under the 36 sessions that read 90 ms`);
});
