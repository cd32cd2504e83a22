/**
 * A script hammering joins is slowed down with 429 + Retry-After; other networks are not; a refused
 * join takes no place in line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientKey } from '../../../src/server/http/client-address.js';
import { MemoryRateLimiter } from '../../../src/server/rate-limit/memory-rate-limiter.js';
import { startServer } from '../../../src/server/http/serve.js';
import { ROOM, assertError, harness, newKey } from '../../support/harness.js';

/** What @hono/node-server gives the app for a request from nginx on this machine (app.request has no socket). */
const fromLocalProxy = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };

const joinFrom = (ip: string, key = newKey(), body = JSON.stringify({ key })): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.250, ${ip}`, origin: 'https://ent.example' },
  body,
});

test('over the limit, a join answers 429 with Retry-After in seconds, and takes no place', async () => {
  const h = harness({ joinLimitPerMinute: 3, joinBurst: 3, trustProxy: ['127.0.0.1'], capacity: 0 });
  const join = (ip: string) => h.app.request(`/api/v1/rooms/${ROOM}/tickets`, joinFrom(ip), fromLocalProxy);
  for (let i = 0; i < 3; i++) assert.equal((await join('198.51.100.7')).status, 201);
  const refused = await join('198.51.100.7');
  assert.equal(refused.headers.get('retry-after'), '20', '3 per minute: one more every 20 s');
  assert.equal(refused.headers.get('access-control-expose-headers'), 'Retry-After', 'a cross-origin widget can read it');
  await assertError(refused, 429, 'rate-limited');
  assert.equal((await h.roomStatus()).waiting, 3);

  assert.equal((await join('198.51.100.8')).status, 201, 'another network is not affected');
  h.tick(20_000);
  assert.equal((await join('198.51.100.7')).status, 201, 'after Retry-After, in again');
});

test('malformed joins do not spend the allowance; X-Forwarded-For is ignored without --trust-proxy', async () => {
  const h = harness({ joinLimitPerMinute: 2, joinBurst: 2 });
  for (let i = 0; i < 5; i++) await assertError(await h.request(`/rooms/${ROOM}/tickets`, joinFrom('198.51.100.7', 'k', '{oops')), 400, 'bad-json');
  assert.equal((await h.request(`/rooms/${ROOM}/tickets`, joinFrom('198.51.100.1'))).status, 201);
  assert.equal((await h.request(`/rooms/${ROOM}/tickets`, joinFrom('198.51.100.2'))).status, 201);
  // A made-up X-Forwarded-For does not buy a fresh allowance: the socket (here none) is the client.
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, joinFrom('198.51.100.3')), 429, 'rate-limited');
});

test('--join-limit 0 turns the limit off', async () => {
  const h = harness({ joinLimitPerMinute: 0 });
  for (let i = 0; i < 50; i++) assert.equal((await h.request(`/rooms/${ROOM}/tickets`, joinFrom('198.51.100.7'))).status, 201);
});

test('over real HTTP the client is the socket address', async () => {
  const server = await startServer({ port: 0, joinLimitPerMinute: 2, joinBurst: 2 });
  try {
    const join = () =>
      fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, {
        method: 'POST',
        body: JSON.stringify({ key: newKey() }),
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${Math.floor(Math.random() * 200)}` },
      });
    assert.equal((await join()).status, 201);
    assert.equal((await join()).status, 201);
    const refused = await join();
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  } finally {
    await server.close();
  }
});

test('a token bucket: bursts up to the allowance, then a steady rate', async () => {
  const limiter = new MemoryRateLimiter({ perMinute: 60, burst: 5 });
  const results = [];
  for (let i = 0; i < 6; i++) results.push((await limiter.consume('a', 0)).allowed);
  assert.deepEqual(results, [true, true, true, true, true, false]);
  assert.deepEqual(await limiter.consume('a', 500), { allowed: false, retryAfterMs: 500 });
  assert.deepEqual(await limiter.consume('a', 1000), { allowed: true });
});

test('clients are IPv4 addresses or IPv6 /64 networks', () => {
  assert.equal(clientKey('192.0.2.1'), '192.0.2.1');
  assert.equal(clientKey('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(clientKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8::1'), '2001:db8::/64');
});
