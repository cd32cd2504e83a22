/**
 * Anonymous joins cannot grow a server's memory for good: 20,000 junk joins, each to a room of its own,
 * then time passes (a moving clock) and the rooms they created are forgotten, heap back down, while
 * declared rooms, configured rooms and rooms still in use stay. Through the HTTP app, in process.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createApp } from '../../../src/server/http/app.js';
import { unlimited } from '../../../src/server/rate-limit/rate-limit.js';
import { memoryStoreFromSettings } from '../../../src/server/stores/stores-from-settings.js';

const JUNK = 20_000;
const ADMIN = 'forgetting-admin-token-0123456789';
const T0 = Date.parse('2026-09-01T08:00:00Z');
const MINUTE = 60_000;

// The heap is measured after a full collection; node:test runs each file in its own process.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

test(`${JUNK.toLocaleString('en')} junk joins over HTTP: their rooms are forgotten once idle; declared, configured and busy rooms stay`, async (t) => {
  let now = T0;
  const settings = { declaredRooms: { 'lycee-declare': { capacity: 2 } }, roomCreation: 'join' as const, maxRooms: 100_000 };
  const store = memoryStoreFromSettings(settings);
  const app = createApp({ ...settings, secret: 'forgetting-secret-0123456789', adminToken: ADMIN, store, joinLimiter: unlimited, now: () => now });
  const join = (room: string, key: string) =>
    app.request(`/api/v1/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  const roomCount = async (): Promise<number> => (await store.listRooms(now)).length;

  const configured = await app.request('/api/v1/admin/rooms/college-configure', {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: '{"capacity":3}',
  });
  assert.equal(configured.status, 201);
  const baseline = heapUsed();
  for (let i = 0; i < JUNK; i++) {
    const res = await join(`junk-${i}`, `junk-key-${String(i).padStart(12, '0')}`);
    if (res.status !== 201) assert.fail(`junk join ${i}: ${res.status}`);
  }
  assert.equal(await roomCount(), JUNK + 2, 'every junk room, the configured and the declared one');
  const peak = heapUsed();

  // An hour later (default TTLs: waiting 10 min, session 30 min, so rooms go after ~38 min idle), with
  // one room in use all along.
  now += 50 * MINUTE;
  const sweepStart = performance.now();
  assert.equal((await join('college-active', 'active-key-000000000001')).status, 201); // sweeps idle rooms, a batch per call
  const sweepMs = performance.now() - sweepStart;
  for (let i = 0; i < JUNK / 1000; i++) assert.equal((await app.request('/healthz')).status, 200); // health checks sweep too
  assert.equal(store.roomCount, 3);
  now += 10 * MINUTE;
  const rooms = (await store.listRooms(now)).map((room) => room.room);
  assert.deepEqual(rooms, ['college-active', 'college-configure', 'lycee-declare']);
  t.diagnostic(`app heap: ${mib(baseline)} before, ${mib(peak)} with ${JUNK} rooms, ${mib(heapUsed())} after they expired; the first request after their TTL took ${sweepMs.toFixed(1)} ms`);
  const declared = (await (await app.request('/api/v1/rooms/lycee-declare')).json()) as { capacity: number };
  assert.equal(declared.capacity, 2);
});

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

test(`the store gives back the memory of ${JUNK.toLocaleString('en')} junk one-ticket rooms once they are forgotten`, async (t) => {
  let now = T0;
  const store = memoryStoreFromSettings({ maxRooms: 100_000 });
  const baseline = heapUsed();
  for (let i = 0; i < JUNK; i++) await store.join(`junk-${i}`, `junk-key-${String(i).padStart(12, '0')}`, now);
  const peak = heapUsed();
  now += 60 * MINUTE;
  assert.equal(await store.roomStatus('healthz', now), null);
  assert.equal((await store.listRooms(now)).length, 0);
  const settled = heapUsed();
  t.diagnostic(`store heap: ${mib(baseline)} before, +${mib(peak - baseline)} with ${JUNK} rooms, +${mib(settled - baseline)} after they were forgotten`);
  assert.ok(settled - baseline < (peak - baseline) / 10, `the junk rooms' memory came back: ${mib(settled - baseline)} left of ${mib(peak - baseline)}`);
});
