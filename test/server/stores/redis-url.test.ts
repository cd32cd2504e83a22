/** `--redis-url` / `REDIS_URL` select the Redis store: two servers started that way share one line. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

test('--redis-url wins over REDIS_URL; without either the memory store stays the default', () => {
  const config = (argv: string[], env: Record<string, string> = {}) => {
    const parsed = parseConfig(argv, env);
    assert.notEqual(parsed, 'help');
    return parsed === 'help' ? undefined : parsed.redisUrl;
  };
  assert.equal(config([]), undefined);
  assert.equal(config([], { REDIS_URL: 'redis://cache:6379' }), 'redis://cache:6379');
  assert.equal(config(['--redis-url', 'rediss://:pw@cache:6380/2'], { REDIS_URL: 'redis://other:6379' }), 'rediss://:pw@cache:6380/2');
  assert.throws(() => parseConfig(['--redis-url', 'cache:6379'], {}), (error) => error instanceof ConfigError && /--redis-url/.test(error.message));
});

if (redisAvailable('the --redis-url end-to-end test')) {
  let redis: RedisServer;
  before(async () => void (redis = await startRedisServer()));
  after(async () => redis?.stop());

  test('two servers started with the same Redis URL share one line over real HTTP', async () => {
    const shared = { port: 0, secret: 'redis-url-secret-0123456789', adminToken: 'redis-url-admin-0123456789', capacity: 0, redisUrl: redis.url };
    const servers: RunningServer[] = [await startServer(shared), await startServer(shared)];
    try {
      const join = async (server: RunningServer, key: string) =>
        (await fetch(`${server.apiUrl}/rooms/lycee-jean-jaures/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key }),
        }).then((res) => res.json())) as { id: string; position: number; ticket: string };
      const first = await join(servers[0]!, 'redis-url-key-000000000001');
      const second = await join(servers[1]!, 'redis-url-key-000000000002');
      assert.deepEqual([first.position, second.position], [1, 2]);
      const seen = await fetch(`${servers[1]!.apiUrl}/rooms/lycee-jean-jaures/tickets/${first.id}`, { headers: { authorization: `Bearer ${first.ticket}` } });
      assert.equal(((await seen.json()) as { position: number }).position, 1, 'the other instance knows the first pupil');
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });
} else {
  test('--redis-url end to end (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
