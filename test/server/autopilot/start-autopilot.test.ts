import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { Redis } from 'ioredis';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { startAutopilot } from '../../../src/server/autopilot/start-autopilot.js';
import { LAW_TUNING } from '../../../src/server/autopilot/law.js';
import { freePort, startRedisProcess } from '../../support/redis-process.js';

const config = { on: true, targetMs: 500, minCapacity: 2, maxCapacity: 100, minAdmitPerMinute: 10, maxAdmitPerMinute: 6_000 };
// Time compressed: a tick every 50 ms, a step every 150 ms, evidence in 100-ms slices.
const fast = { tickMs: 50, tuning: { ...LAW_TUNING, upEveryMs: 150, minProbeSamples: 5 }, probe: { intervalMs: 20, sliceMs: 100, windowMs: 1_000 } };

async function fastEnt(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = createServer((_req, res) => void (hits++, res.end('ok')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    hits: () => hits,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function fullRoom(): Promise<MemoryStore> {
  const store = new MemoryStore({ defaults: { capacity: 5, admitPerMinute: 6_000, open: true } });
  for (let i = 0; i < 40; i++) await store.join('ent', `pupil-${i}`, Date.now());
  await store.advance('ent', Date.now());
  return store;
}

test('turned on with a probe URL and bounds, it steers the room: seats up in the store, a log line, /metrics', async () => {
  const ent = await fastEnt();
  const store = await fullRoom();
  const registry = new Registry();
  const lines: string[] = [];
  const autopilot = startAutopilot({ store, room: 'ent', config: { ...config, probeUrl: ent.url }, registry, log: (l) => lines.push(l), ...fast });
  try {
    await sleep(800);
    const room = await store.roomStatus('ent', Date.now());
    assert.ok(room!.settings.capacity > 5, `seats ${room!.settings.capacity}`);
    assert.match(lines[0] ?? '', /"autopilot":"ent","action":"hold","reason":"too few samples"/, 'a hold is logged once, when its reason changes');
    assert.ok(lines.some((line) => /"autopilot":"ent","action":"up"/.test(line)), lines.join('\n'));
    const metrics = await registry.metrics();
    assert.match(metrics, new RegExp(`antichambre_autopilot_seats\\{room="ent"\\} ${room!.settings.capacity}`));
    // What each source saw at the last tick: an operator reads why the law holds ("too few samples") or cuts.
    assert.match(metrics, /antichambre_autopilot_samples\{room="ent",source="probe"\} [1-9]/);
    assert.match(metrics, /antichambre_autopilot_p95_ms\{room="ent",source="probe"\} [1-9]/);
    assert.match(metrics, /antichambre_autopilot_samples\{room="ent",source="pupils"\} 0/);
  } finally {
    await autopilot.stop();
    await ent.close();
  }
});

test('with Redis, one instance leads: only it probes and steers, and another takes over when it stops', async () => {
  const redisProcess = await startRedisProcess(await freePort(), []);
  const clients = [new Redis({ port: redisProcess.port, host: '127.0.0.1' }), new Redis({ port: redisProcess.port, host: '127.0.0.1' })];
  const ent = await fastEnt();
  const store = await fullRoom();
  const quiet = () => {};
  const one = startAutopilot({ store, room: 'ent', config: { ...config, probeUrl: ent.url }, redis: clients[0], log: quiet, ...fast });
  await sleep(100);
  const two = startAutopilot({ store, room: 'ent', config: { ...config, probeUrl: ent.url }, redis: clients[1], log: quiet, ...fast });
  try {
    await sleep(500);
    assert.ok(one.runner.decisions.up + one.runner.decisions.hold > 0);
    assert.equal(two.runner.decisions.up + two.runner.decisions.hold + two.runner.decisions.cut, 0);
    await one.stop(); // releases the lease at once
    await sleep(300);
    assert.ok(two.runner.decisions.up + two.runner.decisions.hold > 0, 'the second instance took over');
  } finally {
    await one.stop();
    await two.stop();
    await ent.close();
    for (const client of clients) client.disconnect();
    await redisProcess.stop();
  }
});
