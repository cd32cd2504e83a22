import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPageRetry, pageAnswers, probeTimeoutFor } from '../../src/sw/page-retry.js';
import { FakeClock, settle } from '../support/fakes.js';

const LOGIN = 'https://ent.example/login';

/** An ENT whose login page answers `status` (or fails to connect with 0), recording when it was asked. */
function ent(clock: FakeClock) {
  const world = { status: 503, asked: [] as number[], inits: [] as RequestInit[] };
  const fetch = async (_url: string, init: RequestInit) => {
    world.asked.push(clock.now());
    world.inits.push(init);
    if (world.status === 0) throw new TypeError('Failed to fetch');
    return new Response('', { status: world.status });
  };
  return { world, fetch };
}

function setup(random = () => 0.5) {
  const clock = new FakeClock();
  const { world, fetch } = ent(clock);
  let ready = 0;
  const waits: Array<number | null> = [];
  const retry = createPageRetry({ url: LOGIN, onReady: () => (ready += 1), onWait: (at) => waits.push(at), fetch, clock, random });
  return { clock, world, retry, waits, ready: () => ready, start: clock.time };
}

test('while the ENT fails, the login page is asked at a slowing, jittered pace, never faster than every 5 s', async () => {
  const { clock, world, retry, ready, start } = setup();
  retry.start();
  await clock.advance(10 * 60_000);
  const gaps = world.asked.map((t, i) => t - (i ? world.asked[i - 1]! : start));
  assert.deepEqual(gaps.slice(0, 5), [4_000, 7_500, 15_000, 30_000, 45_000], 'first after 2–6 s, then ceilings 10, 20, 40, 60 s at mid-jitter');
  assert.ok(gaps.slice(5).every((gap) => gap === 45_000), 'capped at 60 s (mid-jitter 45 s)');
  assert.ok(world.asked.length <= 17, `${world.asked.length} probes in 10 min`);
  assert.equal(ready(), 0, 'no navigation while the page fails');
  assert.equal(world.inits[0]!.redirect, 'manual');
  assert.equal(world.inits[0]!.cache, 'no-store');
});

test('two pupils with different random draws do not come back on the same second', async () => {
  const a = setup(() => 0.1);
  const b = setup(() => 0.9);
  for (const s of [a, b]) s.retry.start();
  await Promise.all([a.clock.advance(120_000), b.clock.advance(120_000)]);
  const offsets = (s: typeof a) => s.world.asked.map((t) => t - s.start);
  assert.notDeepEqual(offsets(a), offsets(b));
  assert.ok(Math.abs(offsets(a)[2]! - offsets(b)[2]!) >= 5_000, 'spread by seconds, not milliseconds');
});

test('once the login page answers, onReady is called once and nothing more is asked', async () => {
  const { clock, world, retry, ready } = setup();
  retry.start();
  await clock.advance(20_000);
  const before = world.asked.length;
  world.status = 200;
  await clock.advance(60_000);
  assert.equal(ready(), 1);
  assert.equal(world.asked.length, before + 1);
  await clock.advance(10 * 60_000);
  assert.equal(world.asked.length, before + 1, 'stopped after success');
  assert.equal(clock.pending, 0);
});

test('a network failure or a hanging page counts as not answering; a redirect or a 4xx counts as answering', async () => {
  const { clock, world, retry, ready } = setup();
  world.status = 0;
  retry.start();
  await clock.advance(6_000);
  assert.equal(world.asked.length, 1);
  assert.equal(ready(), 0);
  assert.equal(pageAnswers(new Response('', { status: 404 })), true);
  assert.equal(pageAnswers(new Response('', { status: 302, headers: { location: '/sso' } })), true);
  assert.equal(pageAnswers(new Response('', { status: 502 })), false);
  assert.equal(pageAnswers(Response.error()), false);

  const hanging = new FakeClock();
  let aborted = false;
  const slow = createPageRetry({
    url: LOGIN,
    onReady: () => assert.fail('a page that never answers is not ready'),
    clock: hanging,
    random: () => 0,
    fetch: (_url, init) => new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => ((aborted = true), reject(new DOMException('aborted', 'AbortError'))))),
  });
  slow.start();
  await hanging.advance(2_000 + 8_000);
  assert.equal(aborted, true, 'the probe is abandoned after its timeout');
  assert.ok(hanging.pending > 0, 'and the next one is scheduled');
  slow.stop();
});

test('"try now" asks at once, shares a probe in flight, and the automatic pace resumes after', async () => {
  const { clock, world, retry, ready, waits } = setup();
  retry.start();
  const [a, b] = [retry.tryNow(), retry.tryNow()];
  assert.deepEqual(await Promise.all([a, b]), [false, false]);
  assert.equal(world.asked.length, 1, 'one probe for two clicks');
  assert.equal(waits.at(-1), clock.now() + 7_500, 'the next automatic try is announced: 10 s ceiling after one try, mid-jitter');
  world.status = 200;
  assert.equal(await retry.tryNow(), true);
  assert.equal(ready(), 1);
});

test('stop() ends every timer; tryNow() after stop() asks nothing', async () => {
  const { clock, world, retry } = setup();
  retry.start();
  retry.stop();
  assert.equal(await retry.tryNow(), false);
  await clock.advance(10 * 60_000);
  assert.deepEqual(world.asked, []);
  await settle();
});

test('a login page slower than the worker’s navigation timeout does not pass the probe', async () => {
  assert.ok(probeTimeoutFor(4) < 4_000 && probeTimeoutFor(10) < 10_000, 'always below the worker’s timeout');
  for (const [answersAfterMs, passes] of [[3_500, false], [2_000, true]] as const) {
    const clock = new FakeClock();
    let ready = 0;
    const retry = createPageRetry({
      url: LOGIN,
      onReady: () => (ready += 1),
      clock,
      random: () => 0,
      // No timeout given: the default must already be below the worker's default of 4 s.
      fetch: (_url, init) =>
        new Promise((resolve, reject) => {
          const answer = clock.setTimeout(() => resolve(new Response('', { status: 200 })), answersAfterMs);
          init.signal!.addEventListener('abort', () => (clock.clearTimeout(answer), reject(new DOMException('aborted', 'AbortError'))));
        }),
    });
    retry.start();
    await clock.advance(2_000 + answersAfterMs);
    assert.equal(ready, passes ? 1 : 0, `a page answering in ${answersAfterMs} ms`);
    retry.stop();
  }
});

test('when the probe passes but the navigation ends on the waiting page again, the pace keeps slowing down', async () => {
  const clock = new FakeClock();
  const stored = new Map<string, string>();
  const memory = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
  const gaps: number[] = [];
  // The probe passes every time, but each navigation times out in the worker and shows the waiting page.
  for (let visit = 0; visit < 6; visit++) {
    const shownAt = clock.now();
    let readyAt: number | undefined;
    const retry = createPageRetry({ url: LOGIN, onReady: () => (readyAt = clock.now()), fetch: async () => new Response('', { status: 200 }), clock, random: () => 0.5, memory });
    retry.start();
    while (readyAt === undefined) await clock.advance(500);
    gaps.push(readyAt - shownAt);
    await clock.advance(5_000); // navigation, worker timeout, waiting page again
  }
  assert.deepEqual(gaps, [4_000, 7_500, 15_000, 30_000, 45_000, 45_000], 'never back to 2–6 s in a loop');

  await clock.advance(10 * 60_000);
  let readyAt: number | undefined;
  const later = createPageRetry({ url: LOGIN, onReady: () => (readyAt = clock.now()), fetch: async () => new Response('', { status: 200 }), clock, random: () => 0.5, memory });
  const start = clock.now();
  later.start();
  await clock.advance(10_000);
  assert.equal(readyAt! - start, 4_000, 'a count from a past outage is forgotten');

  stored.set('antichambre:page-retry', 'not json');
  const broken = createPageRetry({ url: LOGIN, onReady: () => undefined, fetch: async () => new Response('', { status: 503 }), clock, random: () => 0.5, memory });
  const waits: Array<number | null> = [];
  const watched = createPageRetry({ url: LOGIN, onReady: () => undefined, onWait: (at) => waits.push(at), clock, random: () => 0.5, memory: { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } } });
  broken.start();
  watched.start();
  assert.equal(waits[0], clock.now() + 4_000, 'unreadable storage counts as no earlier try');
  broken.stop();
  watched.stop();
});
