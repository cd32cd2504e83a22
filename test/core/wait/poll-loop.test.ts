import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../../src/core/wait/clock.js';
import { createPollLoop, type ScheduleNotice } from '../../../src/core/wait/poll-loop.js';
import { DEFAULT_SCHEDULER_CONFIG as C, type SchedulerOutcome } from '../../../src/core/wait/scheduler.js';
import { createSeededRandom } from '../../../src/core/wait/seeded-random.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A virtual clock. `wakeEarlyBy` imitates coarse timers; `skip` imitates a hidden tab whose timers are frozen. */
function createFakeClock(wakeEarlyBy = 0) {
  let now = 0;
  let ids = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const armedFor: number[] = [];
  const clock: Clock = {
    now: () => now,
    setTimeout(run, ms) {
      armedFor.push(ms);
      // Early by up to wakeEarlyBy, but never before half the delay (a timer does not fire at once).
      timers.set(++ids, { at: now + Math.max(ms / 2, ms - wakeEarlyBy), run });
      return ids;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  async function runDue(until: number) {
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at);
      due[1].run();
      await flush();
    }
    now = Math.max(now, until);
    await flush();
  }
  return {
    clock,
    armedFor,
    pending: () => timers.size,
    get now() {
      return now;
    },
    advance: (ms: number) => runDue(now + ms),
    /** Time passes but no timer runs (throttled hidden tab); `thaw()` then runs what is overdue. */
    skip: (ms: number) => void (now += ms),
    thaw: () => runDue(now),
  };
}

/** A request that answers from a script; 'hang' waits until aborted. Records when each call went out. */
function scriptedServer(fake: ReturnType<typeof createFakeClock>, script: Array<SchedulerOutcome | 'hang'>, otherwise: SchedulerOutcome) {
  const calls: number[] = [];
  const signals: AbortSignal[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const request = async (signal: AbortSignal): Promise<SchedulerOutcome> => {
    calls.push(fake.now);
    signals.push(signal);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      const next = script.shift() ?? otherwise;
      if (next !== 'hang') return next;
      return await new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    } finally {
      inFlight -= 1;
    }
  };
  return { request, calls, signals, maxInFlight: () => maxInFlight };
}

function setup(script: Array<SchedulerOutcome | 'hang'>, options: { visible?: boolean; random?: () => number; wakeEarlyBy?: number } = {}) {
  const fake = createFakeClock(options.wakeEarlyBy);
  const server = scriptedServer(fake, script, { kind: 'ok', pollAfterMs: 30_000 });
  const notices: ScheduleNotice[] = [];
  const loop = createPollLoop({
    request: server.request,
    clock: fake.clock,
    random: options.random ?? createSeededRandom(1),
    visible: options.visible ?? true,
    timeoutMs: 10_000,
    onSchedule: (notice) => notices.push(notice),
  });
  return { fake, server, notices, loop, last: () => notices[notices.length - 1]! };
}

test('polls at the server’s pace with jitter, one request at a time', async () => {
  const { fake, server, loop } = setup([]);
  loop.start({ kind: 'start', pollAfterMs: 30_000 });
  await fake.advance(10 * 60_000);
  assert.ok(server.calls[0]! >= C.minDelayMs && server.calls[0]! <= 30_000);
  const gaps = server.calls.slice(1).map((t, i) => t - server.calls[i]!);
  assert.ok(gaps.length >= 16 && gaps.every((g) => g >= 24_000 && g <= 36_000), gaps.join());
  assert.ok(new Set(gaps).size === gaps.length, 'no fixed period');
  assert.equal(server.maxInFlight(), 1);
});

test('a request that hangs is aborted at the timeout, then retried with backoff', async () => {
  const { fake, server, notices, loop } = setup(['hang']);
  loop.start({ kind: 'ok', pollAfterMs: 5_000 });
  await fake.advance(notices[0]!.delayMs!);
  assert.equal(server.calls.length, 1);
  await fake.advance(9_999);
  assert.equal(server.signals[0]!.aborted, false);
  await fake.advance(1);
  assert.equal(server.signals[0]!.aborted, true);
  const retry = notices[notices.length - 1]!;
  assert.deepEqual(retry.outcome, { kind: 'timeout' });
  assert.equal(retry.reason, 'backoff');
  assert.equal(loop.state.failures, 1);
  assert.ok(retry.delayMs! >= C.minDelayMs && retry.delayMs! <= 1_000 && retry.at === fake.now + retry.delayMs!);
  await fake.advance(1_000);
  assert.equal(server.calls.length, 2);
});

test('offline pauses every timer; online resumes within one interval, jittered', async () => {
  const { fake, server, loop, last } = setup([]);
  loop.start({ kind: 'ok', pollAfterMs: 30_000 });
  loop.setOnline(false);
  assert.equal(last().delayMs, null);
  assert.equal(last().reason, 'offline');
  assert.equal(fake.pending(), 0);
  await fake.advance(30 * 60_000);
  assert.equal(server.calls.length, 0);
  loop.setOnline(true);
  assert.equal(last().reason, 'resumed');
  assert.ok(last().delayMs! >= C.minDelayMs && last().delayMs! <= 30_000);
  await fake.advance(30_000);
  assert.equal(server.calls.length, 1);
});

test('going offline mid-request aborts it, and its late failure costs no retry budget', async () => {
  const { fake, server, loop, notices } = setup(['hang']);
  loop.start({ kind: 'ok', pollAfterMs: 5_000 });
  await fake.advance(notices[0]!.delayMs!);
  loop.setOnline(false);
  await fake.advance(60_000);
  assert.equal(server.signals[0]!.aborted, true);
  assert.equal(notices.filter((n) => n.outcome?.kind === 'timeout' || n.outcome?.kind === 'network').length, 0);
  assert.equal(loop.state.budget.tokens, C.budget.maxTokens);
  assert.equal(fake.pending(), 0);
});

test('a hidden tab’s timer that wakes 5 min late sends one request, and the next is measured from its answer', async () => {
  const { fake, server, loop, last } = setup([], { visible: false });
  loop.start({ kind: 'ok', pollAfterMs: 30_000 });
  const due = last().at!;
  fake.skip(due + 5 * 60_000);
  await fake.thaw();
  assert.deepEqual(server.calls, [fake.now], 'exactly one request, no catch-up burst');
  const next = last();
  assert.ok(next.at! - fake.now >= 30_000 && next.at! - fake.now <= 42_000, `next in ${next.at! - fake.now} ms`);
});

test('a timer that fires early sleeps the rest instead of asking early', async () => {
  const { fake, server, loop, notices } = setup([], { wakeEarlyBy: 900 });
  loop.start({ kind: 'start', pollAfterMs: 30_000 });
  await fake.advance(5 * 60_000);
  const planned = notices.map((n) => n.at!);
  server.calls.forEach((t, i) => assert.ok(t >= planned[i]!, `call ${i} at ${t}, planned ${planned[i]}`));
});

test('becoming visible after frozen hidden timers asks promptly, without a full new delay', async () => {
  const { fake, server, loop, last } = setup([], { visible: false });
  loop.start({ kind: 'ok', pollAfterMs: 30_000 });
  fake.skip(last().at! + 10_000);
  loop.setVisible(true);
  assert.equal(last().delayMs, C.minDelayMs);
  await fake.advance(C.minDelayMs);
  assert.equal(server.calls.length, 1);
});

test('re-arming on a visibility change keeps the original deadline', async () => {
  const { fake, server, loop, last } = setup([]);
  loop.start({ kind: 'ok', pollAfterMs: 30_000 });
  const due = last().at!;
  await fake.advance(due / 2);
  loop.setVisible(true);
  assert.equal(last().at, due);
  await fake.advance(due - fake.now);
  assert.deepEqual(server.calls, [due]);
});

test('pokeNow asks soon, but waits out a Retry-After the server gave', async () => {
  const { fake, server, loop, last } = setup([{ kind: 'throttled', retryAfterMs: 7_000 }]);
  loop.start({ kind: 'ok', pollAfterMs: 2_000 });
  await fake.advance(last().delayMs!);
  const answeredAt = fake.now;
  loop.pokeNow();
  assert.ok(last().at! >= answeredAt + 7_000);
  await fake.advance(6_999);
  assert.equal(server.calls.length, 1);
  loop.pokeNow();
  await fake.advance(C.minDelayMs);
  assert.equal(server.calls.length, 2);
});

test('stop() aborts the request in flight and nothing runs afterwards', async () => {
  const { fake, server, loop, notices } = setup(['hang']);
  loop.start({ kind: 'ok', pollAfterMs: 5_000 });
  await fake.advance(notices[0]!.delayMs!);
  const before = notices.length;
  loop.stop();
  assert.equal(server.signals[0]!.aborted, true);
  assert.equal(fake.pending(), 0);
  await fake.advance(60 * 60_000);
  assert.equal(server.calls.length, 1);
  assert.equal(notices.length, before);
});

test('never a zero delay: a failing server and a random source stuck at 0 cannot make it spin', async () => {
  const failures: SchedulerOutcome[] = Array.from({ length: 200 }, (_, i) =>
    [{ kind: 'network' }, { kind: 'throttled', retryAfterMs: 0 }, { kind: 'ok', pollAfterMs: 0 }][i % 3] as SchedulerOutcome,
  );
  const { fake, server, loop, notices } = setup(failures, { random: () => 0 });
  loop.start({ kind: 'start', pollAfterMs: 0 });
  await fake.advance(60 * 60_000);
  assert.ok(notices.every((n) => n.delayMs! >= C.minDelayMs));
  assert.ok(fake.armedFor.every((ms) => ms >= C.minDelayMs), 'every timer is at least minDelayMs');
  const gaps = server.calls.slice(1).map((t, i) => t - server.calls[i]!);
  assert.ok(gaps.every((g) => g >= C.minDelayMs));
  assert.equal(server.maxInFlight(), 1);
});
