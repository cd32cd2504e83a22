import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { startAutopilot } from '../../../src/server/autopilot/start-autopilot.js';
import { autopilotLeaseKey } from '../../../src/server/autopilot/autopilot-lease.js';
import { freePort, startRedisProcess } from '../../support/redis-process.js';

const redisProcess = await startRedisProcess(await freePort(), []);
const redis = new Redis({ port: redisProcess.port, host: '127.0.0.1' });
after(async () => {
  redis.disconnect();
  await redisProcess.stop();
});

test('stop() while a tick waits on Redis: the lease stays released and the probe stays off', async () => {
  let hits = 0;
  const ent = createServer((_req, res) => void (hits++, res.end('ok')));
  await new Promise<void>((resolve) => ent.listen(0, '127.0.0.1', resolve));
  const probeUrl = `http://127.0.0.1:${(ent.address() as AddressInfo).port}/`;
  // Every script waits 150 ms, as over a slow link: stop() lands while a tick is between its awaits.
  const slow = new Proxy(redis, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== 'evalsha' && name !== 'eval') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => (await sleep(150), (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
  const store = new MemoryStore({ defaults: { capacity: 5, admitPerMinute: 600, open: true } });
  await store.join('stop-room', 'pupil-1', Date.now());
  const config = { on: true, targetMs: 500, probeUrl, minCapacity: 2, maxCapacity: 100, minAdmitPerMinute: 10, maxAdmitPerMinute: 6_000 };
  const autopilot = startAutopilot({ store, room: 'stop-room', config, redis: slow, tickMs: 100, log: () => undefined, probe: { intervalMs: 20 } });
  await sleep(120); // the first tick is now waiting on Redis
  await autopilot.stop();
  await sleep(400); // what a tick still in flight would do (its Redis calls end within ~450 ms)
  const hitsAfterStop = hits;
  await sleep(200);
  try {
    assert.equal(await redis.get(autopilotLeaseKey('stop-room')), null, 'the lease must stay released after stop()');
    assert.equal(hits, hitsAfterStop, 'the probe must not fetch the ENT after stop()');
  } finally {
    ent.closeAllConnections();
    ent.close();
  }
});
