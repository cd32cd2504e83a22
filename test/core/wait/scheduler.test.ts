import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SCHEDULER_CONFIG as C,
  ScheduleReason,
  SchedulerPhase,
  createSchedulerState,
  schedule,
  type ScheduleDecision,
  type SchedulerEvent,
  type SchedulerState,
} from '../../../src/core/wait/scheduler.js';
import { createSeededRandom } from '../../../src/core/wait/seeded-random.js';

const ok = (pollAfterMs: number) => ({ kind: 'ok', pollAfterMs }) as const;
const NETWORK = { kind: 'network' } as const;

/** Feeds events one after another, each at the time the previous decision asked for. */
function replay(events: SchedulerEvent[], random: () => number, state = createSchedulerState(), config = C) {
  let now = 0;
  const decisions: ScheduleDecision[] = [];
  for (const event of events) {
    const decision = schedule(state, event, now, random, config);
    decisions.push(decision);
    state = decision.state;
    now += decision.delayMs ?? 0;
  }
  return { decisions, state, delays: decisions.map((d) => d.delayMs ?? NaN) };
}

/** The busiest 1-second window of a crowd's request times. */
function busiestSecond(times: number[]): number {
  const perSecond = new Map<number, number>();
  for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  return Math.max(...perSecond.values());
}

/** 1,000 pupils in the same state receiving the same event at the same moment. */
function crowd(before: SchedulerEvent[], event: SchedulerEvent, seed = 1): number[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: 1000 }, () => {
    const { state } = replay(before, random);
    return schedule(state, event, 0, random).delayMs ?? NaN;
  });
}

test('1,000 pupils reloading at once spread their first poll over the whole interval', () => {
  const delays = crowd([], { kind: 'start', pollAfterMs: 30_000 });
  assert.ok(delays.every((d) => d >= C.minDelayMs && d <= 30_000));
  // Uniform over 30 s is ~33 a second; no second gets more than 3× that.
  assert.ok(busiestSecond(delays) <= 100, `busiest second: ${busiestSecond(delays)}`);
  // Without a stored hint they spread over startSpreadMs (5 s): ~200 a second, never 1,000 at once.
  const fresh = crowd([], { kind: 'start' });
  assert.ok(fresh.every((d) => d <= C.startSpreadMs) && busiestSecond(fresh) <= 300);
});

test('a crowd told "Retry-After: 30" never comes back early, and not on the same second', () => {
  const delays = crowd([ok(10_000)], { kind: 'throttled', retryAfterMs: 30_000 });
  assert.ok(delays.every((d) => d >= 30_000 && d <= 36_000));
  assert.ok(busiestSecond(delays) <= 3 * (1000 / 6), `busiest second: ${busiestSecond(delays)}`);
});

test('the first success after an outage spreads the crowd over a whole interval', () => {
  const delays = crowd([ok(30_000), NETWORK, NETWORK], ok(30_000));
  assert.ok(delays.every((d) => d >= 15_000 && d <= 45_000));
  assert.ok(busiestSecond(delays) <= 100, `busiest second: ${busiestSecond(delays)}`);
});

test('after a success a visible pupil waits the server’s pace ±20 %, never a fixed period', () => {
  const delays = crowd([], ok(20_000));
  assert.ok(delays.every((d) => d >= 16_000 && d <= 24_000));
  const mean = delays.reduce((a, b) => a + b) / delays.length;
  assert.ok(Math.abs(mean - 20_000) < 500, `mean ${mean}`);
  assert.ok(new Set(delays.map(Math.round)).size > 900, 'delays must not repeat');
});

test('the local floor holds whatever pace the server sends', () => {
  for (const pollAfterMs of [0, 500, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
    const delays = crowd([], ok(pollAfterMs));
    assert.ok(delays.every((d) => d >= C.floorMs && Number.isFinite(d)), `pollAfterMs ${pollAfterMs}`);
  }
});

test('a hidden tab never asks sooner than the server asked, even when it was hidden mid-wait', () => {
  const hidden = createSchedulerState(false);
  const random = createSeededRandom(7);
  for (let i = 0; i < 1000; i++) assert.ok((schedule(hidden, ok(20_000), 0, random).delayMs ?? 0) >= 20_000);

  // Visible, the draw may land before the server's ask; hiding the tab pushes it out to the ask.
  const early = schedule(createSchedulerState(), ok(20_000), 0, () => 0);
  assert.equal(early.delayMs, 16_000);
  const hide = schedule(early.state, { kind: 'visibility', visible: false }, 1_000, () => 0);
  assert.equal(hide.state.nextAt, 20_000);
  assert.equal(hide.reason, ScheduleReason.HIDDEN);
  // Showing it again does not bring the deadline forward nor push it back.
  assert.equal(schedule(hide.state, { kind: 'visibility', visible: true }, 2_000, () => 0).delayMs, 18_000);
});

test('backoff grows with each failure in a row and stops growing at the cap', () => {
  // A bottomless budget isolates the exponential part.
  const config = { ...C, budget: { ...C.budget, maxTokens: 1e9 } };
  const random = createSeededRandom(3);
  const longest: number[] = [];
  for (let pupil = 0; pupil < 1000; pupil++) {
    const { delays } = replay(Array(10).fill(NETWORK), random, createSchedulerState(true, config), config);
    delays.forEach((d, n) => (longest[n] = Math.max(longest[n] ?? 0, d)));
    assert.ok(delays.every((d) => d >= C.minDelayMs));
  }
  const ceilings = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60].map((s) => s * 1000);
  longest.forEach((d, n) => assert.ok(d <= ceilings[n]! && d > 0.95 * ceilings[n]!, `failure ${n + 1}: ${d}`));
});

const T = C.throttledDelayMs;

test('with the retry budget, a failing server gets one retry every 2.4–3 min from the 2nd failure on', () => {
  const { decisions } = replay(Array(20).fill(NETWORK), createSeededRandom(4));
  assert.ok(decisions[0]!.reason === ScheduleReason.BACKOFF && decisions[0]!.delayMs! <= 1000);
  for (const d of decisions.slice(1)) {
    assert.equal(d.reason, ScheduleReason.BUDGET_EXHAUSTED);
    assert.ok(d.delayMs! >= 0.8 * T && d.delayMs! <= T);
  }
  // Over a 10-minute outage one pupil sends one quick retry plus one per 2.4 min.
  let elapsed = 0;
  const sent = decisions.findIndex((d) => (elapsed += d.delayMs!) > 600_000);
  assert.ok(sent <= 1 + 600_000 / (0.8 * T) + 1, `requests in 10 min: ${sent}`);
});

test('the front of the line, paced at seconds, is throttled to a minute past its pace, not 3 min', () => {
  // Admitted just before an outage, a pupil paced at 4 s must be back within its 180-s admission grace.
  for (const [pace, ceiling] of [[4_000, 64_000], [100_000, 160_000], [150_000, T]] as const) {
    const { decisions } = replay([ok(pace), NETWORK, NETWORK, NETWORK], createSeededRandom(11));
    for (const d of decisions.slice(2)) {
      assert.equal(d.reason, ScheduleReason.BUDGET_EXHAUSTED);
      assert.ok(d.delayMs! >= 0.8 * ceiling && d.delayMs! <= ceiling, `paced at ${pace} ms: retry after ${d.delayMs} ms`);
    }
  }
});

test('a server failing every other request soon sees retries spaced at the throttle', () => {
  const flaky = Array.from({ length: 10 }, () => [ok(5_000), NETWORK]).flat();
  const { decisions } = replay(flaky, createSeededRandom(5));
  const retries = decisions.filter((_, i) => i % 2 === 1);
  // 10 → 7.5 → (+0.1) 5.1 tokens: two quick retries; the third failure leaves 2.7, at or below half.
  assert.ok(retries.slice(0, 2).every((d) => d.reason === ScheduleReason.BACKOFF && d.delayMs! <= 1000));
  // Paced at 5 s, the throttle is a minute past the pace (see the test above), not the far line's 3 min.
  const throttle = C.capMs + 5_000;
  assert.ok(retries.slice(2).every((d) => d.reason === ScheduleReason.BUDGET_EXHAUSTED && d.delayMs! >= 0.8 * throttle && d.delayMs! <= throttle));
});

test('successes refill the budget and quick retries come back', () => {
  const drained = replay(Array(10).fill(NETWORK), createSeededRandom(6)).state;
  // From 0 tokens: 75 successes make 7.5, so the next failure leaves 5, still throttled; the 76th tips it.
  const almost = replay(Array(75).fill(ok(5_000)), createSeededRandom(6), drained).state;
  assert.equal(schedule(almost, NETWORK, 0, createSeededRandom(6)).reason, ScheduleReason.BUDGET_EXHAUSTED);
  const next = schedule(schedule(almost, ok(5_000), 0, () => 0.5).state, NETWORK, 0, createSeededRandom(6));
  assert.equal(next.reason, ScheduleReason.BACKOFF);
  assert.ok(next.delayMs! <= 1000);
});

test('Retry-After is honoured, clamped, and never shortens a budget-exhausted wait', () => {
  const random = createSeededRandom(8);
  const fresh = createSchedulerState();
  const seven = schedule(fresh, { kind: 'throttled', retryAfterMs: 7_000 }, 0, random);
  assert.ok(seven.delayMs! >= 7_000 && seven.reason === ScheduleReason.RETRY_AFTER);
  const huge = schedule(fresh, { kind: 'server-error', retryAfterMs: 3_600_000 }, 0, random);
  assert.ok(huge.delayMs! >= C.maxRetryAfterMs && huge.delayMs! <= C.maxRetryAfterMs * 1.2);
  assert.ok(schedule(fresh, { kind: 'throttled', retryAfterMs: 0 }, 0, () => 0).delayMs! >= C.minDelayMs);
  const drained = replay(Array(6).fill(NETWORK), random).state;
  assert.ok(schedule(drained, { kind: 'throttled', retryAfterMs: 2_000 }, 0, random).delayMs! >= 0.8 * T);
});

test('a poke asks soon, but not before the Retry-After the server gave', () => {
  const told = schedule(createSchedulerState(), { kind: 'throttled', retryAfterMs: 30_000 }, 0, () => 0.5);
  assert.equal(schedule(told.state, { kind: 'poke' }, 1_000, () => 0.5).state.nextAt, 30_000);
  const waiting = schedule(createSchedulerState(), ok(60_000), 0, () => 0.5);
  assert.equal(schedule(waiting.state, { kind: 'poke' }, 1_000, () => 0.5).delayMs, C.minDelayMs);
});

test('offline pauses with no timer at all; online resumes within one interval, jittered', () => {
  const random = createSeededRandom(9);
  const polling = replay([ok(30_000)], random).state;
  const paused = schedule(polling, { kind: 'offline' }, 1_000, random);
  assert.equal(paused.delayMs, null);
  assert.equal(paused.state.phase, SchedulerPhase.PAUSED);
  // An answer that lands after going offline sets no timer either.
  assert.equal(schedule(paused.state, NETWORK, 2_000, random).delayMs, null);
  assert.equal(schedule(paused.state, ok(30_000), 2_000, random).state.phase, SchedulerPhase.PAUSED);
  const resumed = crowd([ok(30_000), { kind: 'offline' }], { kind: 'online' });
  assert.ok(resumed.every((d) => d >= C.minDelayMs && d <= 30_000));
  assert.ok(busiestSecond(resumed) <= 100);
});

test('no event ever yields a zero delay, even with a random source stuck at either end', () => {
  const events: SchedulerEvent[] = [
    { kind: 'start', pollAfterMs: 0 }, ok(0), NETWORK, { kind: 'timeout' }, { kind: 'invalid-response' },
    { kind: 'throttled', retryAfterMs: 0 }, { kind: 'server-error', retryAfterMs: null }, { kind: 'poke' },
    { kind: 'visibility', visible: false }, ok(0), { kind: 'offline' }, { kind: 'online' }, { kind: 'visibility', visible: true },
  ];
  for (const random of [() => 0, () => 0.999999, createSeededRandom(10)]) {
    let state: SchedulerState = createSchedulerState();
    for (let round = 0; round < 20; round++) {
      for (const event of events) {
        const decision = schedule(state, event, round * 1_000_000, random);
        if (decision.delayMs !== null) assert.ok(decision.delayMs >= C.minDelayMs, `${event.kind}: ${decision.delayMs}`);
        state = decision.state;
      }
    }
  }
});

test('the same seed replays the same schedule (the simulator depends on it)', () => {
  const events = [ok(12_000), NETWORK, NETWORK, { kind: 'throttled', retryAfterMs: 9_000 } as const, ok(12_000)];
  assert.deepEqual(replay(events, createSeededRandom(42)).delays, replay(events, createSeededRandom(42)).delays);
  assert.notDeepEqual(replay(events, createSeededRandom(42)).delays, replay(events, createSeededRandom(43)).delays);
});
