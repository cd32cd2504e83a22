/**
 * Joins as an attacker tries them (issue 12): one machine grabbing hundreds of places, a foreign web site
 * making its visitors join, a made-up X-Forwarded-For, IPv6 spellings sharing or splitting buckets. And
 * as the school sees them: a class behind one NAT gets in, the widget's own join works cross-origin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createQueueClient } from '../../../src/core/wait/queue-client.js';
import { clientKey } from '../../../src/server/http/client-address.js';
import { ConfigError, parseConfig } from '../../../src/server/config/config.js';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { DEFAULT_SETTINGS } from '../../../src/server/config/settings.js';
import { ROOM, assertError, harness, newKey } from '../../support/harness.js';

const ENT = 'https://ent.example';
const json = (headers: Record<string, string> = {}, key = newKey()): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ key }),
});

/** Sends `n` requests, `concurrency` at a time; returns their statuses. */
async function burst(n: number, concurrency: number, send: (i: number) => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i += concurrency) {
    const batch = await Promise.all(Array.from({ length: Math.min(concurrency, n - i) }, (_, j) => send(i + j)));
    for (const res of batch) {
      statuses.push(res.status);
      await res.arrayBuffer();
    }
  }
  return statuses;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

async function withServer(options: Parameters<typeof startServer>[0], run: (server: RunningServer) => Promise<void>): Promise<void> {
  const server = await startServer({ port: 0, ...options });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

test('with the defaults, one address gets a class-sized burst of places, not 604 in half a second', async (t) => {
  await withServer({}, async (server) => {
    const started = performance.now();
    const statuses = await burst(604, 50, () => fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, json()));
    const seconds = (performance.now() - started) / 1000;
    const created = count(statuses, 201);
    t.diagnostic(`604 joins from 127.0.0.1 in ${seconds.toFixed(2)} s: ${created} places, ${count(statuses, 429)} refused, statuses ${[...new Set(statuses)].join(",")}`);
    // The bucket holds 100 (three classes at once behind one NAT) and refills one a second.
    const allowed = DEFAULT_SETTINGS.joinBurst + Math.ceil(seconds * (DEFAULT_SETTINGS.joinLimitPerMinute / 60)) + 1;
    assert.ok(created >= DEFAULT_SETTINGS.joinBurst && created <= allowed, `${created} places for one address (allowed ${allowed})`);
    // On a slow machine the bucket refills a place or two during the burst; past 100 joins from one address
    // the flood rule may then ask for proof of work (428) instead of a wait (429): both refuse the place.
    assert.equal(count(statuses, 429) + count(statuses, 428), 604 - created, `the rest is refused (statuses: ${[...new Set(statuses)].join(', ')})`);
    const refused = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, json());
    assert.ok([428, 429].includes(refused.status), `then refused, not ${refused.status}`);
    if (refused.status === 429) assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  });
});

test('a join in text/plain from another web site is refused, and takes no place', async () => {
  await withServer({ corsOrigins: [ENT] }, async (server) => {
    const tickets = `${server.apiUrl}/rooms/${ROOM}/tickets`;
    // What `fetch(url, {method: 'POST', body})` on any page sends: no preflight, so CORS alone does not stop it.
    const simple = { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://popular.example' }, body: JSON.stringify({ key: newKey() }) };
    const refused = await fetch(tickets, simple);
    assert.equal(refused.status, 403);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'forbidden');
    assert.match(body.error.message, /https:\/\/popular\.example.*--cors-origin/);
    assert.equal((await fetch(tickets, json({ origin: 'https://popular.example' }))).status, 403, 'JSON from a foreign site too');
    assert.equal((await fetch(`${server.apiUrl}/rooms/${ROOM}`)).status, 404, 'no room, no place was made');

    const plainFromEnt = await fetch(tickets, { ...simple, headers: { ...simple.headers, origin: ENT } });
    assert.equal(plainFromEnt.status, 415);
    assert.equal(((await plainFromEnt.json()) as { error: { code: string } }).error.code, 'unsupported-media-type');
    assert.equal((await fetch(tickets, { ...simple, headers: { origin: ENT } })).status, 415, 'no Content-Type at all');
    assert.equal((await fetch(tickets, json({}))).status, 201, 'no Origin: a server-side client (curl, the ENT backend)');
  });
});

test("the widget's join still works from the ENT's origin, and its sendBeacon release stays text/plain", async () => {
  await withServer({ corsOrigins: [ENT] }, async (server) => {
    // A browser adds Origin to a cross-origin request; Node's fetch does not, so the test adds it.
    const sent: RequestInit[] = [];
    const fromEnt: typeof fetch = (input, init) => {
      sent.push(init ?? {});
      return fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), origin: ENT } });
    };
    const client = createQueueClient({ endpoint: server.apiUrl, room: ROOM, fetch: fromEnt });
    const joined = await client.join(newKey());
    assert.equal(joined.kind, 'ok', JSON.stringify(joined));
    assert.equal((sent[0]!.headers as Record<string, string>)['Content-Type'], 'application/json');
    if (joined.kind !== 'ok') return;
    const preflight = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, {
      method: 'OPTIONS',
      headers: { origin: ENT, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), ENT, 'the preflight JSON joins need is granted to the ENT');

    // A release as navigator.sendBeacon sends it: {"ticket"} as text/plain, so that no preflight is needed.
    const beacon = await fromEnt(`${server.apiUrl}/rooms/${ROOM}/tickets/${joined.value.id}/release`, {
      method: 'POST',
      body: JSON.stringify({ ticket: joined.value.ticket }),
      headers: { 'Content-Type': 'text/plain' },
      keepalive: true,
    });
    assert.equal(beacon.status, 204);
  });
});

test('300 joins with made-up X-Forwarded-For from a peer that is not a trusted proxy: limited like one client', async (t) => {
  await withServer({ trustProxy: ['10.9.9.9'], joinLimitPerMinute: 20, joinBurst: 20 }, async (server) => {
    const statuses = await burst(300, 30, (i) => fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, json({ 'x-forwarded-for': `198.51.${i >> 8}.${i & 255}` })));
    t.diagnostic(`${count(statuses, 201)} of 300 spoofed joins got a place`);
    assert.ok(count(statuses, 201) <= 21, `${count(statuses, 201)} of 300 got a place with a limit of 20`);
  });
});

test('behind trusted proxies, X-Forwarded-For is walked from the right past them; what the client wrote counts for nothing', async () => {
  await withServer({ trustProxy: ['127.0.0.1', '10.0.0.0/8'], joinLimitPerMinute: 20, joinBurst: 20 }, async (server) => {
    const join = (xff: string) => fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, json({ 'x-forwarded-for': xff }));
    // The pupil at 198.51.100.7 invents a first entry each time; an internal proxy (10.1.2.3) sits between.
    const spoofed = await burst(40, 10, (i) => join(`203.0.113.${i}, 198.51.100.7, 10.1.2.3`));
    assert.equal(count(spoofed, 201), 20);
    assert.equal((await join('198.51.100.8, 10.1.2.3')).status, 201, 'another pupil behind the same proxies');
    assert.equal((await join('198.51.100.7')).status, 429, 'the same pupil through one proxy only');
    assert.equal((await join('not-an-address, 10.1.2.3')).status, 201, 'garbage: the last trusted hop is the client');
    assert.equal((await join('garbage-again, 10.1.2.3')).status, 201, 'the same client (10.1.2.3), within its allowance');
  });
});

test('IPv6 forms land in their proper buckets: ::1, IPv4-mapped (any spelling) as IPv4, a /64 per network', async () => {
  const h = harness({ joinLimitPerMinute: 1, joinBurst: 1 });
  const joinFrom = (remoteAddress: string) => h.app.request(`/api/v1/rooms/${ROOM}/tickets`, json(), { incoming: { socket: { remoteAddress } } });
  const first = await Promise.all(['::1', '::ffff:cb00:7107', '0:0:0:0:0:ffff:198.51.100.4', '2001:db8:1:2::1', '2001:db8:1:3::1'].map(joinFrom));
  assert.deepEqual(first.map((res) => res.status), [201, 201, 201, 201, 201], 'five different clients');
  for (const same of ['203.0.113.7', '::ffff:203.0.113.7', '198.51.100.4', '2001:db8:1:2:ffff::9', '0:0:0:0:0:0:0:1']) {
    await assertError(await joinFrom(same), 429, 'rate-limited');
  }
  assert.equal(clientKey('::1'), '::1');
  assert.equal(clientKey('::ffff:cb00:7107'), '203.0.113.7');
  assert.equal(clientKey('0:0:0:0:0:ffff:198.51.100.4'), '198.51.100.4');
  assert.equal(clientKey('2001:DB8:1:2:aaaa::1'), '2001:db8:1:2::/64');
});

test('--trust-proxy takes addresses and CIDRs; the old switch form says what to write; join limits have flags', () => {
  const config = parseConfig(['--trust-proxy', '10.0.0.0/8, ::1,loopback', '--join-limit', '30', '--join-burst', '40'], {});
  assert.ok(config !== 'help');
  assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '::1', 'loopback']);
  assert.equal(config.joinLimitPerMinute, 30);
  assert.equal(config.joinBurst, 40);
  const defaults = parseConfig([], {});
  assert.ok(defaults !== 'help');
  assert.deepEqual([defaults.trustProxy, defaults.joinLimitPerMinute, defaults.joinBurst], [[], 60, 100]);
  const cases: [string[], RegExp][] = [
    [['--trust-proxy'], /--trust-proxy now takes the addresses of your reverse proxies, e\.g\. --trust-proxy 127\.0\.0\.1/],
    [['--trust-proxy', '--port', '8080'], /--trust-proxy now takes the addresses/],
    [['--trust-proxy', 'nginx'], /--trust-proxy: "nginx" is not an IP address .* a CIDR/],
    [['--trust-proxy', '10.0.0.0/33'], /"10\.0\.0\.0\/33" is not/],
    [['--join-burst', '0'], /--join-burst must be at least 1/],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseConfig(argv, {}), (e) => e instanceof ConfigError && message.test(e.message), message.source);
});
