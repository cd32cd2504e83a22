/** The join limit shared through Redis: two instances behind a load balancer count one client once. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryRateLimiter } from '../../src/server/memory-rate-limiter.js';
import { RedisRateLimiter } from '../../src/server/redis-rate-limiter.js';
import { redisAvailable, startRedisServer, type RedisServer } from './stores/redis-server.js';

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

  test('a bucket expires from Redis once it would be full again', async () => {
    const p = prefix();
    const limiter = new RedisRateLimiter(client, { perMinute: 60_000, burst: 2 }, p);
    await limiter.consume('c', Date.now());
    const ttl = await client.pttl(`${p}:ratelimit:join:c`);
    assert.ok(ttl > 0 && ttl <= 1001, `ttl ${ttl}`);
  });
}
