import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { startServer, type StartOptions } from '../../../src/server/http/serve.js';
import { LAW_TUNING } from '../../../src/server/autopilot/law.js';
import { freePort, startRedisProcess, until } from '../../support/redis-process.js';

// The operator's surface over real HTTP: PUT the autopilot on, watch it steer, move its bounds by hand,
// turn it off, and be told in words what is wrong with a bad config. Time is compressed (0.1 s ticks).
const ent = createServer((_req, res) => res.end('ok'));
await new Promise<void>((resolve) => ent.listen(0, '127.0.0.1', resolve));
const probeUrl = `http://127.0.0.1:${(ent.address() as AddressInfo).port}/`;
const redisProcess = await startRedisProcess(await freePort(), []);
after(async () => {
  ent.closeAllConnections();
  ent.close();
  await redisProcess.stop();
});

const timing: StartOptions['autopilotTiming'] = { pollMs: 100, tickMs: 100, probe: { intervalMs: 20 }, tuning: { ...LAW_TUNING, minProbeSamples: 3, upEveryMs: 100 } };
const autopilot = { on: true, targetMs: 500, probeUrl, minCapacity: 2, maxCapacity: 100, minAdmitPerMinute: 10, maxAdmitPerMinute: 600 };

async function operatorScenario(options: StartOptions): Promise<void> {
  const server = await startServer({ port: 0, capacity: 5, metricsToken: 'metrics-token-0123456789', autopilotTiming: timing, ...options });
  const admin = { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' };
  const put = (body: unknown) => fetch(`${server.apiUrl}/admin/rooms/ent`, { method: 'PUT', headers: admin, body: JSON.stringify(body) });
  const publicView = async () => (await (await fetch(`${server.apiUrl}/rooms/ent`)).json()) as { autopilot: { steering: boolean; reason?: string } };
  const adminView = async () => (await (await fetch(`${server.apiUrl}/admin/rooms/ent`, { headers: admin })).json()) as Record<string, any>;
  try {
    assert.equal((await put({ autopilot })).status, 201, "a new room is created");
    // A line longer than the seats, so the law has something to move.
    for (let i = 0; i < 8; i++) {
      const join = await fetch(`${server.apiUrl}/rooms/ent/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: `key-${i}-0123456789abcdef` }) });
      assert.equal(join.status, 201);
    }
    await until('the autopilot steers', async () => (await publicView()).autopilot.steering, 5_000);
    const shown = await publicView();
    assert.deepEqual(shown.autopilot, { steering: true });
    assert.doesNotMatch(JSON.stringify(shown), /127\.0\.0\.1/, 'the public view must not show the probe URL');
    await until('the law raises the seats over the line', async () => (await adminView()).capacity > 5, 5_000);
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
    assert.equal((await put({ autopilot: { ...autopilot, on: false } })).status, 200);
    await until('the autopilot stops', async () => (await publicView()).autopilot.reason === 'off', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 150)); // a tick already past its check may still land
    const frozen = (await adminView()) as { capacity: number; admitPerMinute: number };
    await new Promise((resolve) => setTimeout(resolve, 400)); // four ticks the law would have taken
    const later = (await adminView()) as { capacity: number; admitPerMinute: number };
    assert.deepEqual([later.capacity, later.admitPerMinute], [frozen.capacity, frozen.admitPerMinute]);

    const bad = await put({ autopilot: { ...autopilot, probeUrl: 'file:///etc/passwd' } });
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
  await operatorScenario({ redisUrl: `redis://127.0.0.1:${redisProcess.port}` });
  const redis = new Redis({ port: redisProcess.port, host: '127.0.0.1' });
  try {
    const stored = JSON.parse((await redis.get('antichambre:{ent}:autopilot')) ?? 'null') as { on: boolean; maxCapacity: number } | null;
    assert.deepEqual([stored?.on, stored?.maxCapacity], [false, 100]);
  } finally {
    redis.disconnect();
  }
});
