import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer, type StartOptions } from '../../../src/server/http/serve.js';
import { LAW_TUNING } from '../../../src/server/autopilot/law.js';
import { parseRoomsFile } from '../../../src/server/room-policy/rooms-file.js';
import { freePort, startRedisProcess, until as untilSaid } from '../../support/redis-process.js';
import { Redis } from 'ioredis';

// Time compressed: configs read every 100 ms, a tick every 50 ms, a step up every 150 ms.
const timing = { pollMs: 100, tickMs: 50, tuning: { ...LAW_TUNING, upEveryMs: 150, minProbeSamples: 5 }, probe: { intervalMs: 20, sliceMs: 100, windowMs: 1_000 } };

const ent = createServer((_req, res) => res.end('ok'));
await new Promise<void>((resolve) => ent.listen(0, '127.0.0.1', resolve));
const probeUrl = `http://127.0.0.1:${(ent.address() as AddressInfo).port}/session`;
after(() => (ent.closeAllConnections(), ent.close()));

const autopilot = { on: true, targetMs: 500, probeUrl, minCapacity: 2, maxCapacity: 40, minAdmitPerMinute: 10, maxAdmitPerMinute: 600 };

async function start(options: StartOptions = {}): Promise<RunningServer & { admin: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }> }> {
  const server = await startServer({ port: 0, capacity: 2, admitPerMinute: 6_000, autopilotTiming: timing, ...options });
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.apiUrl}/admin${path}`, { method, headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  return Object.assign(server, { admin });
}

async function fill(server: RunningServer, room: string, pupils: number): Promise<void> {
  for (let i = 0; i < pupils; i++) {
    await fetch(`${server.apiUrl}/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: `key-${room}-${i}-0123456789abcdef` }) });
  }
}

const publicRoom = async (server: RunningServer, room: string) => (await fetch(`${server.apiUrl}/rooms/${room}`)).json() as Promise<{ capacity: number; autopilot?: { steering: boolean } }>;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 3_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > end) return value;
    await sleep(50);
  }
}

test('PUT autopilot on steers the room, GET says it steers, off freezes the seats; bad bodies get a sentence', async () => {
  const server = await start();
  try {
    assert.equal((await server.admin('PUT', '/rooms/ent', { capacity: 2 })).status, 201);
    await fill(server, 'ent', 30);
    assert.equal((await publicRoom(server, 'ent')).autopilot?.steering, false);

    const bad = async (body: unknown) => (await server.admin('PUT', '/rooms/ent', body)).json.error.message as string;
    assert.match(await bad({ autopilot: { ...autopilot, probeUrl: 'ftp://ent/x' } }), /autopilot\.probeUrl must be an http\(s\) URL/);
    assert.match(await bad({ autopilot: { ...autopilot, minCapacity: 50 } }), /minCapacity must not exceed maxCapacity/);
    assert.match(await bad({ autopilot: { ...autopilot, targetMs: 5 } }), /autopilot\.targetMs must be a whole number of milliseconds from 100 to 60000.*got 5/);
    assert.match(await bad({ autopilot: { on: true } }), /autopilot\.targetMs must be .*; it is missing/);

    assert.equal((await server.admin('PUT', '/rooms/ent', { autopilot })).status, 200);
    const steered = await until(() => publicRoom(server, 'ent'), (room) => room.capacity > 4);
    assert.deepEqual(steered.autopilot, { steering: true });
    assert.ok(steered.capacity > 4 && steered.capacity <= 40, `the law opened seats within bounds: ${steered.capacity}`);
    // Every tick is recorded, holds too (the tick after a step waits for fresh evidence): read until a step shows.
    const shown = (await until(() => server.admin('GET', '/rooms/ent'), ({ json }) => json.autopilot.lastDecision?.action === 'up')).json.autopilot;
    assert.equal(shown.probeUrl, probeUrl);
    assert.equal(shown.lastDecision.action, 'up');
    assert.ok(Date.parse(shown.lastDecision.at) > Date.now() - 5_000, shown.lastDecision.at);

    assert.equal((await server.admin('PUT', '/rooms/ent', { autopilot: { ...autopilot, on: false } })).status, 200);
    await sleep(300); // two polls: the law is stopped
    const frozen = (await publicRoom(server, 'ent')).capacity;
    await sleep(500);
    const after = await publicRoom(server, 'ent');
    assert.equal(after.capacity, frozen, 'off leaves the seats where they are');
    assert.equal(after.autopilot?.steering, false);
  } finally {
    await server.close();
  }
});

test('a manual capacity while on becomes the ceiling (and the floor when below it); the law stays on', async () => {
  const server = await start();
  try {
    await server.admin('PUT', '/rooms/ent', { capacity: 2, autopilot });
    await server.admin('PUT', '/rooms/ent', { capacity: 1, admitPerMinute: 300 });
    const shown = (await server.admin('GET', '/rooms/ent')).json.autopilot;
    assert.deepEqual(
      { on: shown.on, minCapacity: shown.minCapacity, maxCapacity: shown.maxCapacity, minAdmitPerMinute: shown.minAdmitPerMinute, maxAdmitPerMinute: shown.maxAdmitPerMinute },
      { on: true, minCapacity: 1, maxCapacity: 1, minAdmitPerMinute: 10, maxAdmitPerMinute: 300 },
    );
    await fill(server, 'ent', 20);
    await sleep(600);
    assert.equal((await publicRoom(server, 'ent')).capacity, 1, 'the law stays within the new ceiling');
  } finally {
    await server.close();
  }
});

test('the --rooms file declares an autopilot, and says what is wrong with a bad one', async () => {
  const rooms = parseRoomsFile(JSON.stringify({ rooms: { ent: { capacity: 2, autopilot } } }), 'rooms.json');
  assert.throws(() => parseRoomsFile(JSON.stringify({ rooms: { ent: { autopilot: { ...autopilot, probeUrl: 'file:///etc/passwd' } } } }), 'rooms.yaml'), /--rooms rooms\.yaml: rooms\.ent: autopilot\.probeUrl must be an http\(s\) URL/);
  const server = await start({ declaredRooms: rooms });
  try {
    await fill(server, 'ent', 30);
    const steered = await until(() => publicRoom(server, 'ent'), (room) => room.capacity > 4);
    assert.deepEqual(steered.autopilot, { steering: true });
  } finally {
    await server.close();
  }
});

test('with Redis, a PUT on one instance starts the law on the lease holder and both say it steers', async () => {
  const redisProcess = await startRedisProcess(await freePort(), []);
  const redisUrl = `redis://127.0.0.1:${redisProcess.port}`;
  const [one, two] = [await start({ redisUrl }), await start({ redisUrl })];
  try {
    await one.admin('PUT', '/rooms/shared', { capacity: 2 });
    await fill(one, 'shared', 30);
    await two.admin('PUT', '/rooms/shared', { autopilot });
    const steered = await until(() => publicRoom(one, 'shared'), (room) => room.capacity > 4);
    assert.ok(steered.capacity > 4, `seats opened: ${steered.capacity}`);
    assert.deepEqual((await publicRoom(two, 'shared')).autopilot, { steering: true });
    assert.equal((await one.admin('GET', '/rooms/shared')).json.autopilot.lastDecision.action.length > 0, true);
  } finally {
    await Promise.all([one.close(), two.close()]);
    await redisProcess.stop();
  }
});

// The operator's whole surface in one story, over real HTTP: PUT the autopilot on, watch it steer, move its
// bounds by hand, turn it off, and be told in words what is wrong with a bad config (0.1 s ticks).
const operatorTiming: StartOptions['autopilotTiming'] = { pollMs: 100, tickMs: 100, probe: { intervalMs: 20 }, tuning: { ...LAW_TUNING, minProbeSamples: 3, upEveryMs: 100 } };
const operatorAutopilot = { ...autopilot, maxCapacity: 100 };

async function operatorScenario(options: StartOptions): Promise<void> {
  const server = await startServer({ port: 0, capacity: 5, metricsToken: 'metrics-token-0123456789', autopilotTiming: operatorTiming, ...options });
  const admin = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const put = (body: unknown) => fetch(`${server.apiUrl}/admin/rooms/ent`, { method: 'PUT', headers: admin, body: JSON.stringify(body) });
  const publicView = async () => (await (await fetch(`${server.apiUrl}/rooms/ent`)).json()) as { autopilot: { steering: boolean; reason?: string } };
  const adminView = async () => (await (await fetch(`${server.apiUrl}/admin/rooms/ent`, { headers: admin })).json()) as Record<string, any>;
  try {
    assert.equal((await put({ autopilot: operatorAutopilot })).status, 201, "a new room is created");
    // A line longer than the seats, so the law has something to move.
    for (let i = 0; i < 8; i++) {
      const join = await fetch(`${server.apiUrl}/rooms/ent/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: `key-${i}-0123456789abcdef` }) });
      assert.equal(join.status, 201);
    }
    await untilSaid('the autopilot steers', async () => (await publicView()).autopilot.steering, 5_000);
    const shown = await publicView();
    assert.deepEqual(shown.autopilot, { steering: true });
    assert.doesNotMatch(JSON.stringify(shown), /127\.0\.0\.1/, 'the public view must not show the probe URL');
    await untilSaid('the law raises the seats over the line', async () => (await adminView()).capacity > 5, 5_000);
    const full = await adminView();
    assert.equal(full.autopilot.probeUrl, probeUrl);
    assert.match(full.autopilot.lastDecision.action, /^(up|hold|cut)$/);

    // A manual capacity while on becomes the ceiling (and the floor, being under it); the law goes on.
    assert.equal((await put({ capacity: 1 })).status, 200);
    const moved = (await adminView()).autopilot;
    assert.equal(moved.on, true);
    assert.equal(moved.maxCapacity, 1);
    assert.equal(moved.minCapacity, 1);

    // Off freezes the seats and rate where they are (even with room above them to rise into), and the
    // public view says why it no longer steers.
    assert.equal((await put({ autopilot: { ...operatorAutopilot, on: false } })).status, 200);
    await untilSaid('the autopilot stops', async () => (await publicView()).autopilot.reason === 'off', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 150)); // a tick already past its check may still land
    const frozen = (await adminView()) as { capacity: number; admitPerMinute: number };
    await new Promise((resolve) => setTimeout(resolve, 400)); // four ticks the law would have taken
    const later = (await adminView()) as { capacity: number; admitPerMinute: number };
    assert.deepEqual([later.capacity, later.admitPerMinute], [frozen.capacity, frozen.admitPerMinute]);

    const bad = await put({ autopilot: { ...operatorAutopilot, probeUrl: 'file:///etc/passwd' } });
    assert.equal(bad.status, 400);
    const { error } = (await bad.json()) as { error: { message: string } };
    assert.match(error.message, /probeUrl must be an http\(s\) URL/);

    const metrics = await (await fetch(`${server.origin}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).text();
    assert.match(metrics, /antichambre_autopilot_decisions_total\{room="ent",action="[a-z]+"\} [1-9]/);
  } finally {
    await server.close();
  }
}

test('autopilot over HTTP, memory store: on → steering, manual capacity → bound moved, off → frozen, bad → 400', async () => {
  await operatorScenario({});
});

test('autopilot over HTTP, real Redis: the same, with the config in Redis under the room\'s hash slot', async () => {
  const redisProcess = await startRedisProcess(await freePort(), []);
  const redis = new Redis({ port: redisProcess.port, host: '127.0.0.1' });
  try {
    await operatorScenario({ redisUrl: `redis://127.0.0.1:${redisProcess.port}` });
    const stored = JSON.parse((await redis.get('antichambre:{ent}:autopilot')) ?? 'null') as { on: boolean; maxCapacity: number } | null;
    assert.deepEqual([stored?.on, stored?.maxCapacity], [false, 100]);
  } finally {
    redis.disconnect();
    await redisProcess.stop();
  }
});
