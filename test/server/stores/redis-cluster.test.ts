/**
 * The store conformance suite on a real Redis Cluster (three primaries, one replica each), with the
 * replica wait on: every script keeps to its room's slot, the room registry and the admin listing see
 * rooms on every shard, and an answered join is on a replica.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Cluster } from 'ioredis';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../../src/server/config/cli.js';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';
import { createRedisClient } from '../../../src/server/stores/redis-connection.js';
import { RedisStore } from '../../../src/server/stores/redis.js';
import { REPLICA_GRACE_MS, REPLICA_SLOW_AFTER, REPLICA_WAIT_TIMEOUT_MS } from '../../../src/server/stores/replica-wait.js';
import { startRedisCluster, type RedisClusterProcesses } from '../../support/redis-cluster.js';
import { lanesConformance } from './lanes-conformance.js';
import { roomPolicyConformance } from './room-policy-conformance.js';
import { storeConformance } from './store-conformance.js';
import { redisAvailable } from '../../support/redis-server.js';

const T0 = Date.parse('2026-09-01T08:00:00Z');

test('--redis-cluster / --redis-sentinels: flags and env name one Redis; mistakes stop the start with one line', () => {
  const redis = (argv: string[], env: Record<string, string> = {}): unknown => (parseConfig(argv, env) as { redis?: unknown }).redis;
  assert.deepEqual(redis(['--redis-cluster', '10.0.0.5:7000, 10.0.0.6:7000']), { kind: 'cluster', nodes: [{ host: '10.0.0.5', port: 7000 }, { host: '10.0.0.6', port: 7000 }] });
  assert.deepEqual(redis([], { REDIS_SENTINELS: '[::1]:26379', REDIS_SENTINEL_MASTER: 'queue' }), { kind: 'sentinel', sentinels: [{ host: '::1', port: 26379 }], name: 'queue' });
  const refused: [string[], Record<string, string>, RegExp][] = [
    [['--redis-cluster', 'cache'], {}, /--redis-cluster: "cache" is not HOST:PORT/],
    [['--redis-cluster', 'cache:99999'], {}, /not HOST:PORT/],
    [['--redis-sentinels', 'a:26379'], {}, /--redis-sentinel-master/],
    [['--redis-url', 'redis://a:6379'], { REDIS_CLUSTER_NODES: 'b:7000' }, /--redis-url and --redis-cluster name two different Redis/],
  ];
  for (const [argv, env, message] of refused) assert.throws(() => parseConfig(argv, env), (e) => e instanceof ConfigError && message.test(e.message));
});

test('a cluster that cannot be reached stops the start: one line, exit code 2', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/config/cli.ts', '--metrics-port', '0', '--port', '0', '--redis-cluster', '127.0.0.1:1'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^antichambre: cannot reach Redis Cluster via 127\.0\.0\.1:1: .+\n$/);
});

if (redisAvailable('the Redis Cluster store suite')) {
  let cluster: RedisClusterProcesses;
  let client: Cluster;
  let prefixes = 0;
  before(async () => {
    cluster = await startRedisCluster();
    const [host, port] = cluster.seeds[0]!.split(':');
    client = createRedisClient({ kind: 'cluster', nodes: [{ host: host!, port: Number(port) }] }, 5000) as Cluster;
    await new Promise((resolve) => client.once('ready', resolve));
  });
  after(async () => {
    await client?.quit();
    await cluster?.stop();
  });

  const newStore = (options: ConstructorParameters<typeof RedisStore>[0] = {}): RedisStore =>
    new RedisStore({ client, prefix: `cluster-${process.pid}-${++prefixes}`, waitReplicas: 1, commandTimeoutMs: 5000, ...options });

  storeConformance('redis cluster store', async (options) => newStore(options));
  roomPolicyConformance('redis cluster store', async (options) => newStore(options));
  // Lanes use more keys (lane lines by slot, redis-keys.ts): each script still keeps to its room's slot.
  lanesConformance('redis cluster store', async (options) => newStore(options));

  test('redis cluster store: rooms on all three shards are listed by the admin listing', async () => {
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true } });
    const rooms = Array.from({ length: 24 }, (_, i) => `college-${i}`);
    for (const room of rooms) await store.join(room, `key-cluster-${room}-000001`, T0);
    const shards = new Set(await Promise.all(rooms.map(async (room) => (await cluster.primaryFor(`${store.prefix}:{${room}}:room`)).port)));
    assert.equal(shards.size, 3, 'the rooms are spread over the three primaries');
    assert.deepEqual((await store.listRooms(T0)).map((room) => room.room), [...rooms].sort());
  });

  test('the CLI started with --redis-cluster keeps its queue, join limit and defence state on the cluster', async () => {
    const lines: string[] = [];
    const server = await runCli(['--port', '0', '--host', '127.0.0.1', '--metrics-port', '0', '--redis-cluster', cluster.seeds.slice(0, 2).join(',')], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    assert.ok(server, lines.join('\n'));
    try {
      assert.ok(lines.some((line) => line.includes(`queue store      Redis Cluster via ${cluster.seeds.slice(0, 2).join(',')}`)), lines.join('\n'));
      const join = await fetch(`${server.apiUrl}/rooms/college-cli/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'key-cli-cluster-0000001' }) });
      assert.equal(join.status, 201, await join.clone().text());
      const owner = await cluster.primaryFor('antichambre:{college-cli}:room');
      const { Redis } = await import('ioredis');
      const direct = new Redis(owner.port, '127.0.0.1');
      try {
        assert.equal(await direct.exists('antichambre:{college-cli}:room'), 1, 'the room lives on the shard of its slot');
      } finally {
        direct.disconnect();
      }
    } finally {
      await server.close();
    }
  });

  test('redis cluster store: a join is answered only once a replica holds it; a silent replica means 503, then the same ticket', async () => {
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true } });
    const unconfirmed = newStore({ prefix: store.prefix, waitReplicas: 0, defaults: store.options.defaults });
    const room = 'lycee-durable';
    await store.join(room, 'key-durable-000000000001', T0);
    const primary = await cluster.primaryFor(`${store.prefix}:{${room}}:room`);
    const replica = await cluster.replicaOf(primary);
    replica.pause();
    try {
      await assert.rejects(store.join(room, 'key-durable-000000000002', T0 + 1), (error: Error) => error.name === 'StoreUnavailableError' && /replicas/.test(error.message));
      const fast = await unconfirmed.join(room, 'key-durable-000000000003', T0 + 2);
      assert.equal(fast.ticket.position, 3, 'without the wait the join is answered although no replica has it');
    } finally {
      replica.resume();
    }
    const retried = await store.join(room, 'key-durable-000000000002', T0 + 3);
    assert.equal(retried.ticket.position, 2, 'the retry gets the place the refused answer had taken');
  });

  /** Pauses the replica of `room`'s primary while `during` runs: WAIT then times out on that shard. */
  const withSilentReplica = async <T>(store: RedisStore, room: string, during: () => Promise<T>): Promise<T> => {
    const replica = await cluster.replicaOf(await cluster.primaryFor(`${store.prefix}:{${room}}:room`));
    replica.pause();
    try {
      return await during();
    } finally {
      replica.resume();
    }
  };
  const refused = (error: Error): boolean => error.name === 'StoreUnavailableError' && /replica/.test(error.message);

  test('redis cluster store: an admission a replica did not confirm is refused to its pupil only, handed over on the next poll, or freed after the admit grace', async () => {
    const MINUTE = 60_000;
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 1000, open: true }, admitGraceMs: 3 * MINUTE, sessionTtlMs: 30 * MINUTE });
    for (const room of ['lycee-back', 'lycee-gone']) {
      const first = await store.join(room, `key-${room}-first-0001`, T0);
      const second = await store.join(room, `key-${room}-second-001`, T0 + 1);
      await store.configureRoom(room, { capacity: 1 }, T0 + 2);
      const [admitted, waiting] = await withSilentReplica(store, room, () => Promise.allSettled([store.status(room, first.ticket.id, T0 + 3), store.status(room, second.ticket.id, T0 + 3)]));
      assert.equal(admitted.status, 'rejected', 'the admission is not answered before a replica has it');
      assert.ok(refused((admitted as PromiseRejectedResult).reason));
      assert.equal(waiting.status === 'fulfilled' && waiting.value?.ticket.state, 'waiting', 'a pupil merely waiting in the same batch gets its answer');
      if (room === 'lycee-back') {
        const back = await store.status(room, first.ticket.id, T0 + 5000);
        assert.equal(back?.ticket.state, 'admitted', 'the retry gets the admission');
        assert.equal(back?.ticket.admittedAt, T0 + 2, 'the same admission (made by the capacity change), not a second one');
        assert.equal((await store.status(room, first.ticket.id, T0 + 3 * MINUTE + 10))?.ticket.state, 'admitted', 'claimed by the retry: kept past the grace');
      } else {
        const next = await store.status(room, second.ticket.id, T0 + 3 + 3 * MINUTE);
        assert.equal(next?.ticket.state, 'admitted', 'the pupil who never came back freed the seat after the admit grace, not the session TTL');
        assert.equal(await store.endReason(room, first.ticket.id, T0 + 3 + 3 * MINUTE), 'admission-unclaimed');
      }
    }
  });

  test('redis cluster store: a room created by a join whose replica wait failed is listed once the retry succeeds', async () => {
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true } });
    const room = 'lycee-new-during-wait';
    await withSilentReplica(store, room, () => assert.rejects(store.join(room, 'key-new-room-000000001', T0), refused));
    const retried = await store.join(room, 'key-new-room-000000001', T0 + 5000);
    assert.equal(retried.created, false, 'the retry finds the ticket of the refused answer');
    assert.deepEqual((await store.listRooms(T0 + 5001)).map((r) => r.room), [room]);
  });

  test('redis cluster store: a replica that stays silent is treated as lost: 503s for the grace, then answers unconfirmed, then confirmations again', async () => {
    let clock = Date.now();
    const lines: string[] = [];
    const store = newStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true }, replicaWaitClock: () => clock, log: (line) => lines.push(line) });
    const room = 'lycee-slow-replica';
    await store.join(room, 'key-slow-000000000000', T0);
    const silentFor: string[] = [];
    await withSilentReplica(store, room, async () => {
      for (let i = 1; i <= REPLICA_SLOW_AFTER; i++) await assert.rejects(store.join(room, `key-slow-00000000000${i}`, T0 + i), refused);
      silentFor.push(...lines.filter((line) => /treated as lost|confirms writes again/.test(line)));
      const started = Date.now();
      await assert.rejects(store.join(room, 'key-slow-grace-000001', T0 + 10), refused);
      assert.ok(Date.now() - started < REPLICA_WAIT_TIMEOUT_MS, 'within the grace a silent replica is not waited for again');
      clock += REPLICA_GRACE_MS;
      const unconfirmed = await store.join(room, 'key-slow-after-000001', T0 + 11);
      assert.equal(unconfirmed.ticket.position, 3 + REPLICA_SLOW_AFTER, 'after the grace the join is answered, unconfirmed (behind the refused ones, which kept their places)');
    });
    assert.equal(silentFor.length, 1, lines.join('\n'));
    assert.match(silentFor[0]!, /replica of 127\.0\.0\.1:\d+ .*treated as lost/);
    clock += 1000;
    await store.join(room, 'key-slow-resumed-00001', T0 + 12);
    assert.match(lines.filter((line) => /treated as lost|confirms writes again/.test(line)).at(-1)!, /confirms writes again/);
    await withSilentReplica(store, room, () => assert.rejects(store.join(room, 'key-slow-again-000001', T0 + 13), refused, 'confirmations are on again'));
  });
}
