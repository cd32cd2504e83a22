/** The join limit shared through Redis: two instances behind a load balancer count one client once. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryRateLimiter } from '../../../src/server/rate-limit/memory-rate-limiter.js';
import { RedisRateLimiter } from '../../../src/server/rate-limit/redis-rate-limiter.js';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

if (redisAvailable('the Redis rate limiter test')) {
  let server: RedisServer;
  let client: Redis;
  let prefixes = 0;
  before(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  after(async () => {
    await client?.quit();
    await server?.stop();
  });
  const prefix = () => `test-${process.pid}-${++prefixes}`;

  test('two instances share one bucket per client: the burst is spent once, Retry-After agrees', async () => {
    const policy = { perMinute: 60, burst: 3 };
    const p = prefix();
    const [a, b] = [new RedisRateLimiter(client, policy, p), new RedisRateLimiter(client, policy, p)];
    const decisions = await Promise.all([a, b, a, b].map((limiter) => limiter.consume('198.51.100.7', 1_000_000)));
    assert.equal(decisions.filter((d) => d.allowed).length, 3);
    assert.deepEqual(await b.consume('198.51.100.7', 1_000_500), { allowed: false, retryAfterMs: 500 });
    assert.deepEqual(await a.consume('198.51.100.8', 1_000_500), { allowed: true }, 'another client has its own bucket');
    assert.deepEqual(await a.consume('198.51.100.7', 1_001_000), { allowed: true }, 'one token per second comes back');
  });

  test('Redis and memory limiters make the same decisions', async () => {
    const policy = { perMinute: 30, burst: 5 };
    const redis = new RedisRateLimiter(client, policy, prefix());
    const memory = new MemoryRateLimiter(policy);
    for (let t = 0; t < 60_000; t += 700) {
      assert.deepEqual(await redis.consume('c', t), await memory.consume('c', t), `at ${t} ms`);
    }
  });

  test('servers started with --redis-url count joins in Redis: the limit holds across instances, over real HTTP', async () => {
    const shared = { port: 0, secret: 'rate-limit-secret-0123456789', adminToken: 'rate-limit-admin-0123456789', capacity: 0, joinLimitPerMinute: 3, joinBurst: 3, redisUrl: server.url };
    const servers: RunningServer[] = [await startServer(shared), await startServer(shared)];
    try {
      const join = (instance: RunningServer, key: string) =>
        fetch(`${instance.apiUrl}/rooms/college-rate-limit/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
      const statuses: number[] = [];
      // Alternating instances, as a load balancer would: one in-memory bucket each would let 4 through.
      for (let i = 0; i < 4; i++) statuses.push((await join(servers[i % 2]!, `rate-limit-key-${String(i).padStart(12, '0')}`)).status);
      assert.deepEqual(statuses, [201, 201, 201, 429]);
      const refused = await join(servers[0]!, 'rate-limit-key-000000000099');
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '20', '3 per minute: one more every 20 s');
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate-limited');
      assert.ok((await client.keys('antichambre:ratelimit:join:*')).length > 0, 'the bucket lives in Redis');
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  test('a bucket expires from Redis once it would be full again', async () => {
    const p = prefix();
    const limiter = new RedisRateLimiter(client, { perMinute: 60_000, burst: 2 }, p);
    await limiter.consume('c', Date.now());
    const ttl = await client.pttl(`${p}:ratelimit:join:c`);
    assert.ok(ttl > 0 && ttl <= 1001, `ttl ${ttl}`);
  });
}
