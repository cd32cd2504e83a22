/**
 * Redis faults seen from a real server over real HTTP: a Redis that freezes (SIGSTOP), dies (SIGKILL),
 * comes back empty on the same port, or loses its data (FLUSHALL). Pupils and operators get "wait"
 * (503 + Retry-After) within about a second on every route, /healthz says what is wrong, nothing hangs
 * and nothing answers 500; the same server recovers by itself, and declared rooms get their settings back.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const ADMIN = 'faults-admin-token-0123456789';
const ROOM = 'college-pause';
const DECLARED = 'lycee-declare';
/** The command timeout is 1 s; 4 s is far from the 10 s+ hang of a Redis without one, and safe on a busy CI. */
const PROMPT_MS = 4000;

interface Answer {
  status: number;
  retryAfter: string | null;
  code: string | undefined;
  message: string | undefined;
  ms: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

if (redisAvailable('the Redis fault tests')) {
  let redis: RedisServer;
  let server: RunningServer;
  const logged: string[] = [];
  const consoleError = console.error;
  let keys = 0;
  const key = (): string => `faults-key-${String(++keys).padStart(12, '0')}`;

  before(async () => {
    redis = await startRedisServer();
    console.error = (...args: unknown[]) => void logged.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
    server = await startServer({
      port: 0,
      redisUrl: redis.url,
      adminToken: ADMIN,
      secret: 'faults-secret-0123456789abcdef',
      capacity: 1,
      declaredRooms: { [DECLARED]: { capacity: 2 } },
      roomCreation: 'join',
    });
  });
  after(async () => {
    await server?.close();
    await redis?.stop();
    console.error = consoleError;
  });

  const request = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const start = performance.now();
    // Bounded, so a hang fails the test instead of stalling it.
    const res = await fetch(`${server.origin}${path}`, { ...init, signal: AbortSignal.timeout(PROMPT_MS * 2) });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code, message: body.error?.message, ms: performance.now() - start };
  };
  const join = async (room: string, pupil = key()) => {
    const res = await fetch(`${server.apiUrl}/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: pupil }) });
    return { status: res.status, body: (await res.json()) as { id: string; ticket: string; state: string; position: number | null } };
  };
  /** Every kind of route: the status fast path, a join (limiter + store), admin, public room, /healthz. */
  const everyRoute = (ticket: { id: string; ticket: string }): Promise<Answer[]> =>
    Promise.all([
      request(`/api/v1/rooms/${ROOM}/tickets/${ticket.id}`, { headers: { authorization: `Bearer ${ticket.ticket}` } }),
      request(`/api/v1/rooms/${ROOM}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: key() }) }),
      request(`/api/v1/admin/rooms/${ROOM}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{"capacity":1}' }),
      request(`/api/v1/admin/rooms`, { headers: { authorization: `Bearer ${ADMIN}` } }),
      request(`/api/v1/rooms/${ROOM}`),
      request('/healthz'),
    ]);
  const assertWait = (answers: Answer[], what: string): void => {
    for (const [i, answer] of answers.entries()) {
      assert.deepEqual([answer.status, answer.code], [503, 'unavailable'], `${what}, route ${i}: ${JSON.stringify(answer)}`);
      assert.match(answer.retryAfter ?? '', /^[1-9]\d*$/, `${what}, route ${i}: Retry-After`);
      assert.ok(answer.ms < PROMPT_MS, `${what}, route ${i} answered in ${Math.round(answer.ms)} ms`);
    }
  };
  /** Retries as a pupil's client would (bounded) until Redis answers again. */
  const eventually = async <T>(attempt: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await attempt();
      if (ok(value)) return value;
      assert.ok(Date.now() < deadline, `${what}: still ${JSON.stringify(value)} after 20 s`);
      await sleep(200);
    }
  };

  test('Redis paused (SIGSTOP): every route answers 503 + Retry-After within about a second, /healthz names the problem; resumed, the line moves on', async (t) => {
    const first = await join(ROOM);
    const second = await join(ROOM);
    assert.deepEqual([first.body.state, second.body.state], ['admitted', 'waiting']);
    redis.pause();
    let answers: Answer[];
    try {
      answers = await everyRoute(second.body);
    } finally {
      redis.resume();
    }
    t.diagnostic(`paused: answered in ${answers.map((a) => Math.round(a.ms)).join(', ')} ms`);
    assertWait(answers, 'paused');
    assert.match(answers[5]!.message ?? '', /Redis did not answer in time/, '/healthz says what is wrong');

    const status = await eventually(
      () => request(`/api/v1/rooms/${ROOM}/tickets/${second.body.id}`, { headers: { authorization: `Bearer ${second.body.ticket}` } }),
      (a) => a.status === 200,
      'status after SIGCONT',
    );
    assert.equal(status.status, 200);
    const released = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets/${first.body.id}/release`, { method: 'POST', headers: { authorization: `Bearer ${first.body.ticket}` } });
    assert.equal(released.status, 204);
    const next = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets/${second.body.id}`, { headers: { authorization: `Bearer ${second.body.ticket}` } });
    assert.equal(((await next.json()) as { state: string }).state, 'admitted', 'the line moves again');
    assert.equal((await request('/healthz')).status, 200);
  });

  test('Redis killed: 503 + Retry-After (never 500); restarted empty on the same port: the same server recovers, declared rooms come back as declared', async (t) => {
    const waiting = (await join(ROOM)).body;
    await redis.kill();
    const answers = await everyRoute(waiting);
    t.diagnostic(`killed: answered in ${answers.map((a) => Math.round(a.ms)).join(', ')} ms`);
    assertWait(answers, 'killed');
    assert.match(answers[5]!.message ?? '', /Redis is not reachable/);

    await redis.restart();
    const rejoined = await eventually(() => join(DECLARED), (j) => j.status === 201, 'a join after the restart');
    assert.equal(rejoined.body.state, 'admitted');
    const room = await request(`/api/v1/rooms/${DECLARED}`);
    assert.equal(room.status, 200);
    const settings = (await (await fetch(`${server.apiUrl}/rooms/${DECLARED}`)).json()) as { capacity: number };
    assert.equal(settings.capacity, 2, 'the declared capacity, not the default (1)');
  });

  test('Redis data lost (FLUSHALL): a declared room comes back with its declared settings, capacity 2 stays 2', async () => {
    const admin = new Redis(redis.url);
    try {
      const before = (await (await fetch(`${server.apiUrl}/rooms/${DECLARED}`)).json()) as { capacity: number };
      assert.equal(before.capacity, 2, 'applied at start');
      await admin.flushall();
      const pupils = [await join(DECLARED), await join(DECLARED), await join(DECLARED)];
      assert.deepEqual(pupils.map((p) => [p.status, p.body.state]), [[201, 'admitted'], [201, 'admitted'], [201, 'waiting']]);
      const after = (await (await fetch(`${server.apiUrl}/rooms/${DECLARED}`)).json()) as { capacity: number };
      assert.equal(after.capacity, 2);
    } finally {
      await admin.quit();
    }
  });

  test('the log says once per episode that Redis went away and once that it is back; ioredis never prints an unhandled error', () => {
    const episodes = logged.filter((line) => /Redis unavailable|Redis is back/.test(line)).map((line) => (line.includes('Redis is back') ? 'back' : 'down'));
    // Two outages (paused, killed), each one "down" line however many requests failed, then one "back".
    // (A busy machine may add a genuine episode of its own: the lines still alternate.)
    assert.ok(episodes.length >= 4, episodes.join(' '));
    episodes.forEach((kind, i) => assert.equal(kind, i % 2 === 0 ? 'down' : 'back', `one line per episode: ${episodes.join(' ')}`));
    assert.deepEqual(logged.filter((line) => /Unhandled error event|unexpected error/.test(line)), []);
  });
} else {
  test('Redis faults (skipped: redis-server not found)', { skip: 'redis-server not found on PATH' }, () => {});
}
