import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { AutopilotRunner, type SignalSource } from '../../../src/server/autopilot/autopilot-runner.js';
import { AutopilotConfigSchema, type AutopilotConfig } from '../../../src/server/autopilot/autopilot-config.js';

const config: AutopilotConfig = { on: true, targetMs: 1_000, minCapacity: 2, maxCapacity: 50, minAdmitPerMinute: 10, maxAdmitPerMinute: 600 };
const probeAt = (p95Ms: number): SignalSource => ({ summary: () => ({ samples: 100, p95Ms, errorShare: 0, timeoutShare: 0 }) });
const silent: SignalSource = { summary: () => ({ samples: 0, p95Ms: 0, errorShare: 0, timeoutShare: 0 }) };

async function crowdedRoom(): Promise<MemoryStore> {
  const store = new MemoryStore({ defaults: { capacity: 10, admitPerMinute: 600, open: true } });
  for (let i = 0; i < 30; i++) await store.join('ent', `pupil-${i}`, 1_000);
  await store.advance('ent', 1_000);
  return store;
}

test('the autopilot raises the room seats through the store while the ENT is fast and a line waits', async () => {
  const store = await crowdedRoom();
  let now = 10_000;
  const lines: string[] = [];
  const runner = new AutopilotRunner({ store, room: 'ent', config, pupils: silent, probe: probeAt(200), now: () => now, log: (line) => lines.push(line) });
  await runner.tick();
  now += 9_000;
  await runner.tick();
  const room = await store.roomStatus('ent', now);
  assert.ok(room!.settings.capacity > 10, `seats ${room!.settings.capacity}`);
  assert.match(lines.at(-1)!, /"action":"up"/);
});

test('a slow ENT makes it cut the seats to half the sessions in one tick; off freezes them', async () => {
  const store = await crowdedRoom();
  const runner = new AutopilotRunner({ store, room: 'ent', config, pupils: silent, probe: probeAt(5_000), now: () => 20_000, log: () => {} });
  await runner.tick();
  assert.equal((await store.roomStatus('ent', 20_000))!.settings.capacity, 5);
  const frozen = new AutopilotRunner({ store, room: 'ent', config: { ...config, on: false }, pupils: silent, probe: probeAt(5_000), now: () => 30_000, log: () => {} });
  await frozen.tick();
  assert.equal((await store.roomStatus('ent', 30_000))!.settings.capacity, 5);
});

test('the config is validated with messages an operator can act on', () => {
  const bad = v.safeParse(AutopilotConfigSchema, { ...config, minCapacity: 60 });
  assert.equal(bad.success, false);
  assert.match(bad.issues![0].message, /minCapacity must not exceed maxCapacity/);
  assert.equal(v.safeParse(AutopilotConfigSchema, { ...config, probeUrl: 'ftp://x/' }).success, false);
});
