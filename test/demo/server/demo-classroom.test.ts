/**
 * The teachers' page's server side, in process with a fake clock: classrooms of simulated pupils that
 * are real tickets, and the simulated outage in front of the API.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../../src/server/http/app.js';
import { createDemoApi, DEMO_API_PATH, MAX_SIMULATED, OPEN_LIMIT, SLOWDOWN_MS } from '../../../demo/server/demo-api.js';
import { DemoEnts } from '../../../demo/server/demo-ent.js';
import { MemoryAutopilotStore } from '../../../src/server/autopilot/autopilot-store.js';
import { Classroom, CLASSROOM_AUTOPILOT, CLASSROOM_DEFAULTS, FIRST_CLASS } from '../../../demo/server/demo-classroom.js';
import { Classrooms } from '../../../demo/server/demo-classrooms.js';
import { DemoOutages } from '../../../demo/server/demo-outage.js';
import type { ApiRequest } from '../../../demo/server/demo-pupil-group.js';
import { HttpError } from '../../../src/server/http/errors.js';
import { createSeededRandom } from '../../../src/core/wait/seeded-random.js';

const ADMIN = 'admin-token-for-tests';

function setup() {
  const clock = { now: 1_800_000_000_000 };
  const now = () => clock.now;
  const app = createApp({ secret: 'secret-for-tests-secret-for-tests', adminToken: ADMIN, now });
  const request: ApiRequest = (path, init, client) =>
    app.request(`/api/v1${path}`, init, client ? { incoming: { socket: { remoteAddress: client } } } : undefined);
  const outages = new DemoOutages('/api/v1', now);
  return { clock, now, app, request, outages };
}

test('a classroom opens in a room of its own, with the default settings and a first class in line', async () => {
  const { request, outages, now } = setup();
  const classrooms = new Classrooms({ request, adminToken: ADMIN, outages, now });
  const first = await (await classrooms.open()).counters();
  const second = await (await classrooms.open()).counters();
  classrooms.stop();
  assert.match(first.room, /^demo-\d+$/);
  assert.notEqual(first.room, second.room);
  assert.notEqual(first.id, second.id);
  assert.equal(first.capacity, CLASSROOM_DEFAULTS.capacity);
  assert.equal(first.admitPerMinute, CLASSROOM_DEFAULTS.admitPerMinute);
  assert.equal(first.simulated, FIRST_CLASS);
  assert.equal(first.active, CLASSROOM_DEFAULTS.capacity, 'the seats are taken at once');
  assert.equal(first.waiting, FIRST_CLASS - CLASSROOM_DEFAULTS.capacity, 'the rest waits: a pupil arriving now is behind them');
  assert.equal(first.outageSeconds, 0);
});

test('simulated pupils claim their seats, stay a while, leave, and the line moves', async () => {
  const { request, outages, clock, now } = setup();
  const classroom = new Classroom({ room: 'demo-line', request, adminToken: ADMIN, outageMs: () => outages.remainingMs('demo-line'), now, random: createSeededRandom(7) });
  await classroom.configure({ capacity: 2, admitPerMinute: 60 });
  assert.equal(await classroom.addPupils(6), 6);
  const start = await classroom.counters();
  assert.deepEqual([start.active, start.waiting], [2, 4]);
  for (let s = 0; s < 90; s++) {
    clock.now += 1000;
    await classroom.tick();
  }
  const later = await classroom.counters();
  assert.ok(later.simulated < 6, `some pupils went in and left (${later.simulated} left of 6)`);
  assert.ok(later.waiting < start.waiting, `the line moved (${start.waiting} → ${later.waiting})`);
  assert.ok(later.active <= 2, 'never more pupils in than seats');
});

test('while the classroom is down its simulated pupils wait too; close() sends them all home', async () => {
  const { request, outages, clock, now } = setup();
  const classroom = new Classroom({ room: 'demo-down', request, adminToken: ADMIN, outageMs: () => outages.remainingMs('demo-down'), now });
  await classroom.configure({ capacity: 1, admitPerMinute: 60 });
  await classroom.addPupils(3);
  outages.start('demo-down', 30_000);
  assert.equal((await classroom.counters()).outageSeconds, 30);
  for (let s = 0; s < 29; s++) {
    clock.now += 1000;
    await classroom.tick();
  }
  assert.equal(classroom.simulated, 3, 'nobody left during the outage (the admitted pupil could not even say goodbye)');
  await classroom.close();
  const after = await classroom.counters();
  assert.deepEqual([after.simulated, after.waiting, after.active], [0, 0, 0]);
});

test('a thousand simulated pupils all get a ticket: each counts as its own client for the join limit', async () => {
  const { request, now } = setup();
  const classroom = new Classroom({ room: 'demo-school', request, adminToken: ADMIN, outageMs: () => 0, now });
  await classroom.configure({ capacity: 0 });
  assert.equal(await classroom.addPupils(1000), 1000, 'the default limit of 600 joins per minute per client is not hit');
  assert.equal((await classroom.counters()).waiting, 1000);
});

test('the outage answers browsers about that room only, with Retry-After the time left, until it ends', async () => {
  const { outages, clock } = setup();
  // In front of a server as startServer puts it; what it lets through gets 204 here.
  const server = createServer((req, res) => {
    if (!outages.intercept(req, res)) res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ask = (path: string, method = 'GET') => fetch(origin + path, { method });
  try {
    assert.equal((await ask('/api/v1/rooms/demo-a/tickets/abcdefgh')).status, 204, 'no outage, no answer');
    outages.start('demo-a', 30_000);
    clock.now += 4_500;
    const down = await ask('/api/v1/rooms/demo-a/tickets/abcdefgh');
    assert.equal(down.status, 503);
    assert.equal(down.headers.get('retry-after'), '26');
    assert.deepEqual(((await down.json()) as { error: { code: string } }).error.code, 'unavailable');
    assert.equal((await ask('/api/v1/rooms/demo-a')).status, 503);
    assert.equal((await ask('/api/v1/rooms/demo-ab/tickets')).status, 204, 'another room whose name starts the same is up');
    assert.equal((await ask('/api/v1/rooms/college-jean-moulin/tickets', 'POST')).status, 204, 'other rooms are up');
    assert.equal((await ask('/demo/api/classes/demo-a')).status, 204, 'the teacher’s controls still answer');
    assert.equal((await ask('/api/v1/rooms/demo-a', 'OPTIONS')).status, 204, 'preflights pass');
    clock.now += 25_500;
    assert.equal((await ask('/api/v1/rooms/demo-a/tickets/abcdefgh')).status, 204, 'back after 30 s');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('classrooms nobody looks at are closed; a watched one is never taken: one more is refused with 503 and Retry-After', async () => {
  const { request, outages, clock, now } = setup();
  const classrooms = new Classrooms({ request, adminToken: ADMIN, outages, now, max: 2, idleMs: 60_000 });
  const a = await classrooms.open();
  clock.now += 1000;
  const b = await classrooms.open();
  clock.now += 1000;
  await assert.rejects(classrooms.open(), (e: unknown) => {
    assert.ok(e instanceof HttpError);
    assert.deepEqual([e.status, e.code, e.message], [503, 'unavailable', 'Démo complète, réessayez dans une minute.']);
    assert.equal(e.retryAfterSeconds, 58, 'until the classroom seen longest ago may be closed');
    return true;
  });
  assert.equal(classrooms.get(a.id), a, 'both teachers keep their classroom');
  assert.equal(classrooms.get(b.id), b);

  clock.now += 30_000;
  await b.counters(); // b's page is still polling, a's tab was closed
  clock.now += 30_000;
  const c = await classrooms.open();
  classrooms.stop();
  assert.throws(() => classrooms.get(a.id), (e: unknown) => e instanceof HttpError && e.status === 404 && e.code === 'room-not-found');
  assert.equal(a.simulated, 0, 'the closed classroom’s pupils went home');
  assert.equal(classrooms.get(b.id), b);
  assert.equal(c.room, a.room, 'the freed room is reused');
});

test('a reused room starts afresh, and the page that had it gets a 404 rather than the new line', async () => {
  const { request, outages, now } = setup();
  const classrooms = new Classrooms({ request, adminToken: ADMIN, outages, now, max: 1 });
  const old = await classrooms.open();
  await old.configure({ capacity: 0, admitPerMinute: 1000 });
  await old.addPupils(30);
  await classrooms.close(old.id);
  const fresh = await (await classrooms.open()).counters();
  classrooms.stop();
  assert.equal(fresh.room, old.room);
  assert.notEqual(fresh.id, old.id);
  assert.deepEqual(
    [fresh.capacity, fresh.admitPerMinute, fresh.simulated, fresh.active, fresh.waiting],
    [CLASSROOM_DEFAULTS.capacity, CLASSROOM_DEFAULTS.admitPerMinute, FIRST_CLASS, CLASSROOM_DEFAULTS.capacity, FIRST_CLASS - CLASSROOM_DEFAULTS.capacity],
    'starting settings and only the first class: the previous pupils left',
  );
  assert.throws(() => classrooms.get(old.id), HttpError);
});

test('however many classrooms are opened, concurrently or not, the store holds at most the pool of demo rooms', async () => {
  const { request, outages, clock, now } = setup();
  const classrooms = new Classrooms({ request, adminToken: ADMIN, outages, now, max: 3, idleMs: 60_000 });
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => classrooms.open()));
  const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  assert.equal(opened.length, 3, 'concurrent openings do not go past the pool');
  assert.equal(new Set(opened.map((c) => c.room)).size, 3, 'each in a room of its own');
  for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as HttpError).status, 503);

  for (let i = 0; i < 10; i++) {
    clock.now += 61_000;
    await classrooms.open();
  }
  classrooms.stop();
  const res = await request('/admin/rooms', { headers: { authorization: `Bearer ${ADMIN}` } });
  const { rooms } = (await res.json()) as { rooms: { room: string }[] };
  assert.deepEqual(rooms.map((r) => r.room).sort(), ['demo-1', 'demo-2', 'demo-3']);
});

function demoApp(limit = OPEN_LIMIT) {
  const { app, request, outages, now, clock } = setup();
  const classrooms = new Classrooms({ request, adminToken: ADMIN, outages, now });
  app.route(DEMO_API_PATH, createDemoApi(classrooms, outages, { now, openLimit: limit }));
  const call = (path: string, init: RequestInit = {}, client = '192.0.2.1') =>
    app.request(`http://demo.example${DEMO_API_PATH}${path}`, init, { incoming: { socket: { remoteAddress: client } } });
  const json = { 'content-type': 'application/json' };
  return { classrooms, call, json, clock };
}

test('POST /classes: a client opens a few classrooms a minute, then gets 429 with Retry-After; others are not held up', async () => {
  const { classrooms, call, json, clock } = demoApp({ perMinute: 2, burst: 2 });
  const open = (client?: string) => call('/classes', { method: 'POST', headers: json, body: '{}' }, client);
  assert.equal((await open()).status, 201);
  assert.equal((await open()).status, 201);
  const refused = await open();
  assert.equal(refused.status, 429);
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate-limited');
  assert.equal(refused.headers.get('retry-after'), '30');
  assert.equal((await open('198.51.100.7')).status, 201, 'another client');
  clock.now += 30_000;
  assert.equal((await open()).status, 201, 'once the time said has passed');
  classrooms.stop();
});

test('the demo API refuses other sites: a POST must be JSON, and an Origin must be the server’s own', async () => {
  const { classrooms, call, json } = demoApp();
  const status = async (init: RequestInit) => {
    const res = await call('/classes', { method: 'POST', body: '{}', ...init });
    return [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];
  };
  assert.deepEqual(await status({}), [415, 'bad-request'], 'no content type: what a form or a simple fetch sends');
  assert.deepEqual(await status({ headers: { 'content-type': 'text/plain;charset=UTF-8' } }), [415, 'bad-request']);
  assert.deepEqual(await status({ headers: { ...json, origin: 'https://ailleurs.example' } }), [403, 'forbidden']);
  assert.deepEqual(await status({ headers: { ...json, origin: 'null' } }), [403, 'forbidden']);
  assert.deepEqual(await status({ headers: { ...json, origin: 'http://demo.example' } }), [201, undefined], 'the page itself');
  assert.deepEqual(await status({ headers: json }), [201, undefined], 'no Origin: not a browser page of another site');
  classrooms.stop();
});

test('concurrent "add pupils" requests never take a classroom past MAX_SIMULATED', async () => {
  const { classrooms, call, json } = demoApp();
  const { id } = (await (await call('/classes', { method: 'POST', headers: json, body: '{}' })).json()) as { id: string };
  const count = 1000;
  const answers = await Promise.all(Array.from({ length: 4 }, () => call(`/classes/${id}/pupils`, { method: 'POST', headers: json, body: JSON.stringify({ count }) })));
  classrooms.stop();
  const accepted = answers.filter((r) => r.status === 200).length;
  assert.equal(accepted, Math.floor((MAX_SIMULATED - FIRST_CLASS) / count));
  assert.deepEqual(answers.filter((r) => r.status !== 200).map((r) => r.status), Array(4 - accepted).fill(400));
  assert.ok(classrooms.get(id).simulated <= MAX_SIMULATED, `${classrooms.get(id).simulated} simulated pupils`);
});

test("each classroom's room gets the autopilot through the admin API, probing its own ENT; « L'ENT ralentit » halves that ENT, a few times a minute", async () => {
  const clock = { now: 1_800_000_000_000 };
  const now = () => clock.now;
  const configs = new MemoryAutopilotStore();
  const app = createApp({ secret: 'secret-for-tests-secret-for-tests', adminToken: ADMIN, now, autopilot: configs });
  const request: ApiRequest = (path, init, client) => app.request(`/api/v1${path}`, init, client ? { incoming: { socket: { remoteAddress: client } } } : undefined);
  const outages = new DemoOutages('/api/v1', now);
  const classrooms = new Classrooms({ request, adminToken: ADMIN, outages, now, ents: new DemoEnts() });
  app.route(DEMO_API_PATH, createDemoApi(classrooms, outages, { now }));
  const call = (path: string) => app.request(`http://demo.example${DEMO_API_PATH}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

  const opened = (await (await call('/classes')).json()) as { id: string; room: string; autopilot: boolean; entSeats: number; entSlowSeconds: number };
  assert.equal(opened.autopilot, true);
  assert.deepEqual([opened.entSeats, opened.entSlowSeconds], [12, 0]);
  const config = await configs.get(opened.room);
  assert.ok(config, 'the autopilot config went through the admin API to the store the supervisor reads');
  const { probeUrl, ...bounds } = config;
  assert.deepEqual(bounds, CLASSROOM_AUTOPILOT);
  assert.match(probeUrl ?? '', new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${opened.room}$`));
  assert.equal((await fetch(probeUrl!)).status, 200, 'the probe reaches the classroom ENT');

  const slowed = await call(`/classes/${opened.id}/slowdown`);
  assert.equal(slowed.status, 200);
  const counters = (await slowed.json()) as { entSeats: number; entSlowSeconds: number };
  assert.deepEqual([counters.entSeats, counters.entSlowSeconds], [6, SLOWDOWN_MS / 1000]);
  assert.equal((await call(`/classes/${opened.id}/slowdown`)).status, 200);
  assert.equal((await call(`/classes/${opened.id}/slowdown`)).status, 200);
  const refused = await call(`/classes/${opened.id}/slowdown`);
  assert.equal(refused.status, 429, 'a fourth press at once is refused');
  assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate-limited');

  await classrooms.close(opened.id);
  assert.equal((await configs.get(opened.room))?.on, false, 'a closed classroom leaves its autopilot off (frozen), its probe stopped');
  await assert.rejects(fetch(probeUrl!), 'and its ENT gone');
  classrooms.stop();
});
