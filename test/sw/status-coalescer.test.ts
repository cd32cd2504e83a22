import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStatusCoalescer, MAX_LEARNED_ENDPOINTS, type CoalescerState } from '../../src/sw/status-coalescer.js';
import { queueEndpoint } from '../../src/core/protocol/queue-endpoint.js';
import { FakeClock } from '../support/fakes.js';
import { createQueueClient } from '../../src/core/wait/queue-client.js';

const API = 'https://file.ent.example/api/v1';
const STATUS = `${API}/rooms/college-a/tickets/abcdefgh1234`;
const statusBody = {
  id: 'abcdefgh1234',
  room: 'college-a',
  state: 'waiting',
  position: 3,
  ahead: 2,
  etaSeconds: 60,
  etaLowSeconds: null,
  etaHighSeconds: null,
  pollAfterMs: 3000,
  serverTime: '2026-11-28T08:00:00Z',
};

function fakeServer(answer: (request: Request) => Response | Promise<Response> = () => Response.json(statusBody)) {
  const seen: Request[] = [];
  let release: () => void = () => {};
  let gate: Promise<void> | undefined;
  return {
    seen,
    /** Holds the server's answers until open() (requests in flight). */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open: () => release(),
    fetch: async (request: Request) => {
      seen.push(request);
      await gate;
      return answer(request);
    },
  };
}

const status = (url = STATUS, credential = 'cred-1') => new Request(url, { headers: { Authorization: `Bearer ${credential}`, Accept: 'application/json' } });
const join = (room = 'college-a') => new Request(`${API}/rooms/${room}/tickets`, { method: 'POST', body: '{"key":"k"}', headers: { 'Content-Type': 'application/json' } });

function clockAt(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

test('two identical status requests in flight reach the server once; both tabs read the answer', async () => {
  const server = fakeServer();
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch });
  server.hold();
  const [a, b] = [status(), status()];
  const pending = [coalescer.handle(a, coalescer.match(a)!), coalescer.handle(b, coalescer.match(b)!)];
  await new Promise((resolve) => setTimeout(resolve, 10));
  server.open();
  const [first, second] = await Promise.all(pending);
  assert.equal(server.seen.length, 1);
  assert.deepEqual(await first.json(), statusBody);
  assert.deepEqual(await second.json(), statusBody);
});

test('requests one after the other, or with another credential, each reach the server', async () => {
  const server = fakeServer();
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch });
  for (const request of [status(), status()]) await (await coalescer.handle(request, coalescer.match(request)!)).text();
  assert.equal(server.seen.length, 2, 'nothing is cached once answered');
  server.hold();
  const [a, b] = [status(STATUS, 'cred-1'), status(STATUS, 'cred-2')];
  const both = Promise.all([coalescer.handle(a, coalescer.match(a)!), coalescer.handle(b, coalescer.match(b)!)]);
  server.open();
  await both;
  assert.equal(server.seen.length, 4, 'different credentials are different requests');
});

test('after a 503 with Retry-After: 30, nothing for that room reaches the server for 30 s', async () => {
  const clock = clockAt();
  let busy = true;
  const server = fakeServer(() => (busy ? new Response('{"error":{"code":"busy","message":"x"}}', { status: 503, headers: { 'Retry-After': '30' } }) : Response.json(statusBody)));
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch, clock });
  const ask = (request: Request) => coalescer.handle(request, coalescer.match(request)!);

  assert.equal((await ask(status())).status, 503);
  assert.equal(server.seen.length, 1);
  busy = false;
  clock.t += 12_000;
  const held = await ask(status());
  assert.equal(held.status, 503);
  assert.equal(held.headers.get('Retry-After'), '18', 'the remaining wait, not the original one');
  assert.equal((await ask(join())).status, 503, 'a join for the same room waits too');
  assert.equal(server.seen.length, 1, 'the server saw none of them');

  const otherRoom = status(`${API}/rooms/college-b/tickets/abcdefgh1234`);
  assert.equal((await ask(otherRoom)).status, 200, 'another room is not held');
  assert.equal(server.seen.length, 2);

  clock.t += 18_000;
  assert.equal((await ask(status())).status, 200, 'once the time has passed, the server is asked again');
  assert.equal(server.seen.length, 3);
});

test('the held answer reads, for the widget, as the server asking to wait the remaining time', async () => {
  const clock = clockAt();
  const server = fakeServer(() => new Response('', { status: 429, headers: { 'Retry-After': '30' } }));
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch, clock });
  const viaWorker = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const matched = coalescer.match(request);
    assert.ok(matched, 'the widget’s status request is recognised');
    return coalescer.handle(request, matched);
  };
  const client = createQueueClient({ endpoint: API, room: 'college-a', fetch: viaWorker, clock: { ...clock, setTimeout, clearTimeout } });
  assert.deepEqual(await client.status('abcdefgh1234', 'cred-1'), { kind: 'throttled', httpStatus: 429, retryAfterMs: 30_000 });
  clock.t += 5_000;
  assert.deepEqual(await client.status('abcdefgh1234', 'cred-1'), { kind: 'throttled', httpStatus: 503, retryAfterMs: 25_000 });
  assert.equal(server.seen.length, 1);
});

test('a clock set back never holds a room longer than a Retry-After may (5 min)', async () => {
  const clock = clockAt();
  const server = fakeServer(() => new Response('', { status: 503, headers: { 'Retry-After': '60' } }));
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch, clock });
  await coalescer.handle(status(), coalescer.match(status())!);
  clock.t -= 24 * 3_600_000; // the device's clock jumps a day back
  const answer = await coalescer.handle(status(), coalescer.match(status())!);
  assert.equal(answer.headers.get('Retry-After'), '300');
});

test('a 503 without a usable Retry-After holds nothing (the scheduler backs off on its own)', async () => {
  const server = fakeServer(() => new Response('', { status: 503, headers: { 'Retry-After': 'soon' } }));
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch });
  for (let i = 0; i < 2; i++) await coalescer.handle(status(), coalescer.match(status())!);
  assert.equal(server.seen.length, 2);
});

test('only status and join requests to a known endpoint are matched; the rest passes through', async () => {
  const coalescer = createStatusCoalescer({ endpoints: [`${API}/`] });
  assert.deepEqual(coalescer.match(status()), { kind: 'status', room: `${API}|college-a` });
  assert.deepEqual(coalescer.match(join()), { kind: 'join', room: `${API}|college-a` });
  const untouched = [
    new Request(`${STATUS}/release`, { method: 'POST', body: '{}' }),
    new Request(`${STATUS}/heartbeat`, { method: 'POST', body: '{}' }),
    new Request(STATUS), // no credential: not the widget's status request
    status(`${STATUS}?x=1`),
    new Request(STATUS, { method: 'DELETE', headers: { Authorization: 'Bearer c' } }),
    status(`https://other.example/api/v1/rooms/college-a/tickets/abcdefgh1234`),
    status(`${API}/admin/rooms/college-a/tickets/abcdefgh1234`),
    new Request(`${API}/rooms/college-a`),
    new Request('https://file.ent.example/example-ent/'),
  ];
  for (const request of untouched) assert.equal(coalescer.match(request), undefined, `${request.method} ${request.url}`);
});

test('an endpoint learned from a page is matched, survives a worker restart, and bad values are refused', async () => {
  let stored: CoalescerState | undefined;
  const persistence = { load: async () => stored, save: async (state: CoalescerState) => void (stored = structuredClone(state)) };
  const first = createStatusCoalescer({ persistence });
  assert.equal(first.match(status()), undefined, 'unknown endpoint: not ours');
  assert.equal(await first.learn(`${API}/`), true);
  for (const bad of ['javascript:alert(1)', 'not a url', 42, '']) assert.equal(await first.learn(bad as string), false);
  assert.ok(first.match(status()));

  const restarted = createStatusCoalescer({ persistence });
  assert.deepEqual(await restarted.endpoints(), [API]);
  assert.ok(restarted.match(status()));
});

test('a hold survives a worker restart, and a hold that has passed is forgotten', async () => {
  const clock = clockAt();
  let stored: CoalescerState | undefined;
  const persistence = { load: async () => stored, save: async (state: CoalescerState) => void (stored = structuredClone(state)) };
  const server = fakeServer(() => new Response('', { status: 503, headers: { 'Retry-After': '60' } }));
  const first = createStatusCoalescer({ endpoints: [API], fetch: server.fetch, clock, persistence });
  await first.handle(status(), first.match(status())!);
  await new Promise((resolve) => setTimeout(resolve, 0));
  const restarted = createStatusCoalescer({ endpoints: [API], fetch: server.fetch, clock, persistence });
  clock.t += 20_000;
  const answer = await restarted.handle(status(), restarted.match(status())!);
  assert.equal(answer.headers.get('Retry-After'), '40');
  assert.equal(server.seen.length, 1);
  clock.t += 41_000;
  const later = createStatusCoalescer({ endpoints: [API], fetch: server.fetch, clock, persistence });
  await later.handle(status(), later.match(status())!);
  assert.equal(server.seen.length, 2);
});

test('a network failure reaches every tab that shared the request, and the next one is sent again', async () => {
  let fail = true;
  const server = fakeServer(() => {
    if (fail) throw new TypeError('network');
    return Response.json(statusBody);
  });
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch });
  const results = await Promise.allSettled([status(), status()].map((r) => coalescer.handle(r, coalescer.match(r)!)));
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  fail = false;
  assert.equal((await coalescer.handle(status(), coalescer.match(status())!)).status, 200);
  assert.equal(server.seen.length, 2);
});

test('queueEndpoint keeps absolute http(s) bases only, resolved against a page', () => {
  assert.equal(queueEndpoint('/api/v1/', 'https://ent.example/login'), 'https://ent.example/api/v1');
  assert.equal(queueEndpoint('https://q.example/v1?x#y'), 'https://q.example/v1');
  assert.equal(queueEndpoint('ftp://q.example/'), undefined);
  assert.equal(queueEndpoint('/relative'), undefined);
});

test('a server that accepts the connection and never answers: after the timeout the next poll reaches it again', async () => {
  const clock = new FakeClock();
  let stall = true;
  const seen: Request[] = [];
  const fetch = (request: Request) => {
    seen.push(request);
    if (!stall) return Promise.resolve(Response.json(statusBody));
    return new Promise<Response>((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
  };
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch, clock, timeoutMs: 15_000 });
  const ask = (request = status()) => coalescer.handle(request, coalescer.match(request)!);
  const outcomes = [ask(), ask()].map((p) => p.then(() => 'answered', (error: Error) => error.name));
  await clock.advance(14_000);
  assert.equal(seen.length, 1, 'shared while within the timeout');
  await clock.advance(1_000);
  assert.deepEqual(await Promise.all(outcomes), ['TimeoutError', 'TimeoutError'], 'every tab that shared it hears of the failure');
  assert.equal(seen[0]!.signal.aborted, true, 'the stalled request is given up, not left open');
  stall = false;
  const next = await ask();
  assert.equal(next.status, 200);
  assert.equal(seen.length, 2, 'the next poll is not joined to the stuck one');
  assert.equal(clock.pending, 0, 'no timer left behind');
});

test('a tab whose own request is aborted leaves the shared request to the others', async () => {
  const server = fakeServer();
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch });
  server.hold();
  const leaving = new AbortController();
  const a = new Request(STATUS, { headers: { Authorization: 'Bearer cred-1' }, signal: leaving.signal });
  const b = status();
  const first = coalescer.handle(a, coalescer.match(a)!);
  const second = coalescer.handle(b, coalescer.match(b)!);
  await new Promise((resolve) => setTimeout(resolve, 10));
  leaving.abort();
  await assert.rejects(first, { name: 'AbortError' });
  assert.equal(server.seen[0]!.signal.aborted, false);
  server.open();
  assert.deepEqual(await (await second).json(), statusBody);
  assert.equal(server.seen.length, 1);
});

test('a join’s 429 holds joins only: the room’s status polls (an admitted tab’s too) still reach the server', async () => {
  const clock = clockAt();
  const server = fakeServer((request) =>
    request.method === 'POST' ? new Response('{"error":{"code":"rate-limited","message":"x"}}', { status: 429, headers: { 'Retry-After': '60' } }) : Response.json(statusBody),
  );
  const coalescer = createStatusCoalescer({ endpoints: [API], fetch: server.fetch, clock });
  const ask = (request: Request) => coalescer.handle(request, coalescer.match(request)!);
  assert.equal((await ask(join())).status, 429);
  clock.t += 10_000;
  assert.equal((await ask(status())).status, 200, 'the status poll is not held');
  const heldJoin = await ask(join());
  assert.equal(heldJoin.status, 503, 'another join waits');
  assert.equal(heldJoin.headers.get('Retry-After'), '50');
  assert.equal(server.seen.length, 2);
  clock.t += 50_000;
  assert.equal((await ask(join())).status, 429, 'the join is sent again once the time has passed');
  assert.equal(server.seen.length, 3);
});

test('learned endpoints are capped, the oldest dropped, and an origin-only endpoint is refused', async () => {
  let stored: CoalescerState | undefined;
  const persistence = { load: async () => stored, save: async (state: CoalescerState) => void (stored = structuredClone(state)) };
  const coalescer = createStatusCoalescer({ endpoints: [API], persistence });
  for (const origin of ['https://q.example', 'https://q.example/', 'https://q.example/?x']) assert.equal(await coalescer.learn(origin), false, origin);
  assert.equal(coalescer.match(status('https://q.example/rooms/college-a/tickets/abcdefgh1234')), undefined, 'the site’s own /rooms paths are not taken');
  const names = Array.from({ length: MAX_LEARNED_ENDPOINTS + 2 }, (_, i) => `https://q${i}.example/api`);
  for (const name of names) assert.equal(await coalescer.learn(name), true);
  assert.deepEqual(await coalescer.endpoints(), [API, ...names.slice(2)], 'configured endpoints stay; the two oldest learned go');
  assert.equal(coalescer.match(status(`${names[0]}/rooms/college-a/tickets/abcdefgh1234`)), undefined);
  assert.ok(coalescer.match(status(`${names.at(-1)}/rooms/college-a/tickets/abcdefgh1234`)));
  assert.equal(stored!.endpoints.length, MAX_LEARNED_ENDPOINTS);
  // Named again, an endpoint becomes the most recent and outlives the others.
  await coalescer.learn(names[2]!);
  await coalescer.learn('https://new.example/api');
  assert.ok((await coalescer.endpoints()).includes(names[2]!));
  assert.ok(!(await coalescer.endpoints()).includes(names[3]!));
  // A stored list from an older worker is filtered the same way.
  stored = { endpoints: ['https://old.example', ...names], holds: {} };
  const restarted = createStatusCoalescer({ persistence });
  assert.deepEqual(await restarted.endpoints(), names.slice(2));
});
