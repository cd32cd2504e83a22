import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer, type StartOptions } from '../../../src/server/http/serve.js';
import { LAW_TUNING } from '../../../src/server/autopilot/law.js';
import { parseRoomsFile } from '../../../src/server/room-policy/rooms-file.js';
import { freePort, startRedisProcess } from '../../support/redis-process.js';

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
    const shown = (await server.admin('GET', '/rooms/ent')).json.autopilot;
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
