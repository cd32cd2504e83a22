/**
 * /metrics as an operator and as an attacker see it: not on the pupils' port without a token, on its
 * own loopback listener otherwise, and a scrape that costs the same with 20,000 junk rooms as with 20
 * (size and time, compared side by side, never an absolute time), without listing the junk names or
 * slowing pupils' status polls.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from '../../../src/server/http/app.js';
import { runCli } from '../../../src/server/config/cli.js';
import { startServer } from '../../../src/server/http/serve.js';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { ADMIN, ROOM, SECRET, harness, newKey } from '../../support/harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789';
const scrapeInit = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };
const START = Date.parse('2026-09-01T08:00:00Z');

/** A store holding the named room (one pupil) and `junk` rooms of one waiting ticket each, as a flood of joins leaves them. */
async function storeWithRooms(junk: number): Promise<MemoryStore> {
  // maxRooms above the 20,000: this test is about the cost of many rooms, not about the cap.
  const store = new MemoryStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true }, waitingTtlMs: 3_600_000, maxRooms: 30_000 });
  await store.join(ROOM, newKey(), START);
  for (let i = 0; i < junk; i++) await store.join(`zz-junk-${i.toString(36)}`, `junk-key-${String(i).padStart(12, '0')}`, START);
  return store;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

test('a scrape with 20,000 junk rooms is as small and as cheap as with 20, names no junk room, and sums them', async (t) => {
  const clock = { now: START };
  const apps = await Promise.all(
    [19, 20_000].map(async (junk) =>
      createApp({ secret: SECRET, adminToken: ADMIN, store: await storeWithRooms(junk), now: () => clock.now, gateRooms: [ROOM], metricsToken: METRICS_TOKEN }),
    ),
  );
  const [small, big] = apps as [ReturnType<typeof createApp>, ReturnType<typeof createApp>];
  const scrape = async (app: typeof small): Promise<{ ms: number; text: string }> => {
    const start = performance.now();
    const res = await app.request('/metrics', scrapeInit);
    const text = await res.text();
    assert.equal(res.status, 200);
    return { ms: performance.now() - start, text };
  };
  const first = { small: (await scrape(small)).text, big: (await scrape(big)).text };
  assert.ok(first.big.length < first.small.length * 1.5 && first.big.length < 20_000, `20,000 rooms: ${first.big.length} bytes; 20 rooms: ${first.small.length} bytes`);
  assert.doesNotMatch(first.big, /zz-junk/, 'junk room names never become labels');
  assert.match(first.big, /^antichambre_rooms 20001$/m);
  assert.match(first.big, /^antichambre_room_waiting\{room="_other"\} 20000$/m, 'the unnamed rooms are summed');
  assert.match(first.big, new RegExp(`^antichambre_room_waiting\\{room="${ROOM}"\\} 1$`, 'm'), 'the named room keeps its own series');

  // Scrapes every 15 s, as Prometheus does, interleaved so that both see the same machine noise.
  const times = { small: [] as number[], big: [] as number[] };
  for (let i = 0; i < 40; i++) {
    clock.now += 15_000;
    times.small.push((await scrape(small)).ms);
    times.big.push((await scrape(big)).ms);
    await new Promise((resolve) => setImmediate(resolve)); // lets a refresh started by the scrape run
  }
  const ratio = median(times.big) / median(times.small);
  t.diagnostic(`bytes ${first.big.length} vs ${first.small.length}; median scrape ${median(times.big).toFixed(2)} ms vs ${median(times.small).toFixed(2)} ms`);
  assert.ok(ratio < 3, `median scrape: ${median(times.big).toFixed(2)} ms with 20,000 rooms, ${median(times.small).toFixed(2)} ms with 20 (×${ratio.toFixed(1)})`);
});

test("two scrape loops do not slow pupils' status polls (20,000 junk rooms, real HTTP)", async (t) => {
  const server = await startServer({ port: 0, store: await storeWithRooms(20_000), metricsToken: METRICS_TOKEN, gateRooms: [ROOM] });
  try {
    const joined = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: newKey() }),
    });
    const pupil = (await joined.json()) as { id: string; ticket: string };
    const poll = async (): Promise<number> => {
      const start = performance.now();
      const res = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets/${pupil.id}`, { headers: { authorization: `Bearer ${pupil.ticket}` } });
      await res.arrayBuffer();
      assert.equal(res.status, 200);
      return performance.now() - start;
    };
    const polls = async (n: number): Promise<number[]> => {
      const out = [];
      for (let i = 0; i < n; i++) out.push(await poll());
      return out;
    };
    await polls(20); // warm up connections and JIT
    const alone = median(await polls(150));
    // The loops' own HTTP requests (client and server share this process) slow polls whatever they ask:
    // the yardstick is the same two loops asking /healthz, a request that costs next to nothing.
    const under = async (path: string, init?: RequestInit): Promise<{ p50: number; requests: number }> => {
      let running = true;
      let requests = 0;
      const loop = async () => {
        while (running) {
          await (await fetch(`${server.origin}${path}`, init)).arrayBuffer();
          requests++;
        }
      };
      const loops = [loop(), loop()];
      const p50 = median(await polls(150));
      running = false;
      await Promise.all(loops);
      return { p50, requests };
    };
    const healthz = await under('/healthz');
    const scraping = await under('/metrics', scrapeInit);
    t.diagnostic(`status p50 ${alone.toFixed(2)} ms alone, ${healthz.p50.toFixed(2)} ms under two /healthz loops, ${scraping.p50.toFixed(2)} ms under two /metrics loops (${scraping.requests} scrapes)`);
    assert.ok(scraping.requests >= 20, `the loops scraped ${scraping.requests} times`);
    assert.ok(
      scraping.p50 < healthz.p50 * 2 + 1,
      `status p50: ${healthz.p50.toFixed(2)} ms under /healthz loops, ${scraping.p50.toFixed(2)} ms under /metrics loops (${scraping.requests} scrapes)`,
    );
  } finally {
    await server.close();
  }
});

test('/metrics is not on the pupils’ port without a token; its own listener is on loopback', async () => {
  const server = await startServer({ port: 0, metricsPort: 0 });
  try {
    const onMain = await fetch(`${server.origin}/metrics`);
    assert.equal(onMain.status, 404);
    assert.match(((await onMain.json()) as { error: { message: string } }).error.message, /--metrics-port.*--metrics-token/);
    assert.match(server.metricsUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scraped = await fetch(server.metricsUrl!);
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /# TYPE antichambre_http_requests_total counter/);
    assert.equal((await fetch(server.metricsUrl!.replace('/metrics', '/api/v1/rooms'))).status, 404, 'only /metrics there');
  } finally {
    await server.close();
  }
});

test('with --metrics-token, /metrics is on the main port for that Bearer only', async () => {
  const server = await startServer({ port: 0, metricsToken: METRICS_TOKEN, metricsPort: 0 });
  try {
    assert.equal(server.metricsUrl, `${server.origin}/metrics`, 'no second listener');
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: METRICS_TOKEN }];
    for (const headers of attempts) {
      const refused = await fetch(`${server.origin}/metrics`, { headers });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="metrics"');
      assert.match(((await refused.json()) as { error: { message: string } }).error.message, /metrics token is missing or wrong/);
    }
    assert.equal((await fetch(`${server.origin}/metrics`, scrapeInit)).status, 200);
  } finally {
    await server.close();
  }
});

test('rooms configured by the admin API get their own series, up to 50; values follow the store after the refresh', async () => {
  const h = harness({ metricsToken: METRICS_TOKEN, metricsRefreshMs: 10_000 });
  for (let i = 0; i < 60; i++) assert.equal((await h.configure(`salle-${String(i).padStart(2, '0')}`, { capacity: 5 })).status, 201);
  await h.join(newKey(), 'salle-00');
  const scrape = async () => (await h.app.request('/metrics', scrapeInit)).text();
  const first = await scrape();
  const named = new Set([...first.matchAll(/^antichambre_room_capacity\{room="([^"]+)"\}/gm)].map((m) => m[1]));
  assert.equal(named.size, 51, 'salle-00 … salle-49, and _other');
  assert.ok(named.has('salle-49') && !named.has('salle-50') && named.has('_other'));
  assert.match(first, /^antichambre_room_capacity\{room="_other"\} 50$/m, 'ten rooms of 5 seats summed');
  assert.match(first, /^antichambre_room_active\{room="salle-00"\} 1$/m);

  await h.join(newKey(), 'salle-00');
  assert.match(await scrape(), /^antichambre_room_active\{room="salle-00"\} 1$/m, 'within the refresh interval: the last reading');
  h.tick(10_000);
  await scrape(); // starts a new reading, answered from the last one
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(await scrape(), /^antichambre_room_active\{room="salle-00"\} 2$/m);
});

test('npm start / the CLI prints where the metrics are', async () => {
  const lines: string[] = [];
  const server = await runCli(['--port', '0', '--host', '127.0.0.1', '--metrics-port', '0'], {}, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
  assert.ok(server);
  try {
    const line = lines.find((l) => /^\s+metrics\s/.test(l));
    assert.match(line ?? lines.join('\n'), /metrics\s+http:\/\/127\.0\.0\.1:\d+\/metrics \(this machine only/);
    const url = /(http:\S+)/.exec(line!)![1]!;
    assert.equal((await fetch(url)).status, 200);
  } finally {
    await server.close();
  }
});
