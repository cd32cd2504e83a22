import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { freePort, startRedisProcess } from '../../support/redis-process.js';
import { AutopilotLease } from '../../../src/server/autopilot/autopilot-lease.js';
import { RedisSamples, sharedSignal } from '../../../src/server/autopilot/redis-samples.js';
import { SampleWindow } from '../../../src/server/autopilot/samples.js';

const redisProcess = await startRedisProcess(await freePort(), []);
const redis = new Redis({ port: redisProcess.port, host: '127.0.0.1', lazyConnect: false });
after(async () => {
  redis.disconnect();
  await redisProcess.stop();
});

test('one instance at a time holds the lease; a dead leader is replaced once its TTL runs out', async () => {
  const a = new AutopilotLease(redis, 'ent', 'instance-a', 300);
  const b = new AutopilotLease(redis, 'ent', 'instance-b', 300);
  assert.equal(await a.acquire(), true);
  assert.equal(await b.acquire(), false);
  assert.equal(await a.acquire(), true); // renewed
  await new Promise((resolve) => setTimeout(resolve, 400)); // a stops renewing: it died
  assert.equal(await b.acquire(), true);
  assert.equal(await a.acquire(), false);
  await b.release();
  assert.equal(await a.acquire(), true);
});

test("the leader reads the merged window of every instance's pages", async () => {
  const now = 1_700_000_000_000;
  const one = new RedisSamples(redis, 'ent', 'probe', 1_000, 10_000);
  const two = new RedisSamples(redis, 'ent', 'probe', 1_000, 10_000);
  const all = new SampleWindow(1_000, 10_000);
  for (let i = 0; i < 200; i++) {
    const sample = { latencyMs: 50 + i * 10, error: i % 40 === 0 };
    (i % 2 ? one : two).add(sample, now - (i % 5) * 1_000);
    all.add(sample, now - (i % 5) * 1_000);
  }
  await Promise.all([one.publish(), two.publish()]);
  const shared = await sharedSignal(one).summary(now);
  const { summarize } = await import('../../../src/server/autopilot/samples.js');
  assert.deepEqual(shared, summarize(all.histogram(now)));
  assert.equal(shared.samples, 200);
});

test("a ticket's reports count once a minute and its first page double once, whichever instance hears them", async () => {
  const { RedisReportGate } = await import('../../../src/server/autopilot/redis-samples.js');
  const one = new RedisReportGate(redis, 'gate-room');
  const two = new RedisReportGate(redis, 'gate-room');
  assert.equal(await one.admit('t1', true), 2, 'the first report of a ticket, claimed first page');
  assert.equal(await two.admit('t1', true), 0, 'the same minute on another instance: too soon');
  await redis.del('antichambre:{autopilot:gate-room:report:t1}:last'); // as if a minute passed
  assert.equal(await two.admit('t1', true), 1, 'a later report claiming a first page weighs 1');
  assert.equal(await one.admit('t2', false), 1);
});
