/**
 * Property-based fuzz of the HTTP API (fast-check): random methods, paths under /api/v1 and elsewhere,
 * headers (credentials real and forged, origins, content types, forwarded addresses) and bodies. Every
 * answer must be a JSON 4xx (or a 2xx when the request was valid), never a 5xx; afterwards the queue's
 * invariants hold: each room's waiting pupils hold places 1..n, and no more sessions are admitted than
 * seats. In process (app.request) for 300 cases, then 60 over real HTTP. A failure prints fast-check's
 * seed and the shrunk request: rerun with `{ seed, path }` in `fc.assert` to replay it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as v from 'valibot';
import { ErrorBodySchema, RoomStatusSchema } from '../../../src/core/protocol/protocol.js';
import { createApp } from '../../../src/server/http/app.js';
import { startServer } from '../../../src/server/http/serve.js';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import type { RoomConfig } from '../../../src/core/protocol/protocol.js';
import type { RoomSnapshot } from '../../../src/server/stores/store.js';
import { ADMIN, SECRET } from '../../support/harness.js';

const ROOMS = ['college-a', 'lycee-b'] as const;
const METRICS_TOKEN = 'fuzz-metrics-token-0123456789';
const ENT = 'https://ent.example';

/** Remembers the largest capacity each room was ever given: lowering it does not evict anyone. */
class WatchedStore extends MemoryStore {
  readonly maxCapacity = new Map<string, number>();
  override async configureRoom(room: string, patch: RoomConfig, now: number): Promise<{ room: RoomSnapshot; created: boolean }> {
    const result = await super.configureRoom(room, patch, now);
    this.maxCapacity.set(room, Math.max(this.maxCapacity.get(room) ?? 0, result.room.settings.capacity));
    return result;
  }
}

interface Pupil {
  room: string;
  id: string;
  ticket: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Printable ASCII: what fetch accepts in a header value. */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const segment = fc.oneof(
  fc.constantFrom('rooms', 'tickets', 'release', 'heartbeat', 'admin', 'pause', 'resume', 'verify', '.well-known', 'jwks.json', 'metrics', 'healthz'),
  fc.constantFrom(...ROOMS, 'Collège', 'a'.repeat(65), '..', '%2e%2e', '%00', '%E0%A4%A', '%F0%9F%8F%AB', '', ' '),
  fc.stringMatching(/^[a-z0-9-]{1,20}$/),
  headerText.map(encodeURIComponent),
);

function requestArbitrary(pupils: readonly Pupil[]): fc.Arbitrary<FuzzRequest> {
  const pupil = fc.constantFrom(...pupils);
  const path = fc.oneof(
    // The routes as they are, with a real or made-up ticket.
    { arbitrary: fc.constantFrom(...ROOMS).map((room) => `/api/v1/rooms/${room}/tickets`), weight: 3 },
    {
      arbitrary: fc.tuple(fc.constantFrom(...ROOMS), pupil, fc.constantFrom('', '/release', '/heartbeat', '/x')).map(([room, p, tail]) => `/api/v1/rooms/${room}/tickets/${p.id}${tail}`),
      weight: 3,
    },
    fc.constantFrom(...ROOMS).map((room) => `/api/v1/rooms/${room}/tickets`),
    fc.constantFrom(...ROOMS).chain((room) => fc.constantFrom(`/api/v1/rooms/${room}`, `/api/v1/admin/rooms/${room}`, `/api/v1/admin/rooms/${room}/pause`, `/api/v1/admin/rooms/${room}/resume`)),
    fc.constantFrom('/api/v1/admin/rooms', '/api/v1/verify', '/api/v1/.well-known/jwks.json', '/metrics', '/healthz', '/', '/api/v1', '/api/v2/rooms'),
    // Anything else, under /api/v1 or not.
    fc.tuple(fc.boolean(), fc.array(segment, { maxLength: 6 })).map(([api, parts]) => `${api ? '/api/v1/' : '/'}${parts.join('/')}`),
  );
  const query = fc.option(fc.oneof(fc.constantFrom(...ROOMS).map((room) => `room=${room}`), headerText.map(encodeURIComponent)), { nil: undefined });
  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${ADMIN}`),
    fc.constant(`Bearer ${METRICS_TOKEN}`),
    pupil.map((p) => `Bearer ${p.ticket}`),
    pupil.map((p) => `Bearer ${p.ticket.slice(0, -1)}${p.ticket.endsWith('A') ? 'B' : 'A'}`),
    headerText.map((t) => `Bearer ${t}`),
    headerText,
  );
  const contentType = fc.option(
    fc.oneof(
      { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8'), weight: 4 },
      { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'), weight: 2 },
      { arbitrary: headerText, weight: 1 },
    ),
    { nil: undefined, freq: 4 },
  );
  const origin = fc.option(fc.oneof(fc.constantFrom(ENT, 'https://evil.example', 'null'), headerText), { nil: undefined, freq: 1 });
  const forwarded = fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), headerText), { nil: undefined });
  const cookie = fc.option(fc.oneof(pupil.map((p) => `antichambre_admission=${p.ticket}`), headerText), { nil: undefined });
  const body = fc.option(
    fc.oneof(
      fc.constant(JSON.stringify({ key: 'fuzz-key-000000000001' })),
      { arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{16,40}$/).map((key) => JSON.stringify({ key })), weight: 4 },
      pupil.map((p) => JSON.stringify({ ticket: p.ticket })),
      fc.record({ capacity: fc.integer({ min: -2, max: 5 }), open: fc.boolean() }, { requiredKeys: [] }).map((config) => JSON.stringify(config)),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 200 }),
      fc.nat({ max: 6000 }).map((n) => 'x'.repeat(n)),
    ),
    { nil: undefined },
  );
  return fc
    .record({
      method: fc.oneof(
        { arbitrary: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT'), weight: 6 },
        { arbitrary: fc.constantFrom('DELETE', 'PATCH', 'OPTIONS', 'HEAD'), weight: 2 },
        { arbitrary: fc.stringMatching(/^[A-Z]{3,8}$/), weight: 1 },
      ),
      path,
      query,
      authorization,
      contentType,
      origin,
      forwarded,
      cookie,
      body,
      preflight: fc.boolean(),
    })
    .map((r) => {
      const headers: Record<string, string> = {};
      if (r.authorization !== undefined) headers.authorization = r.authorization;
      if (r.contentType !== undefined) headers['content-type'] = r.contentType;
      if (r.origin !== undefined) headers.origin = r.origin;
      if (r.forwarded !== undefined) headers['x-forwarded-for'] = r.forwarded;
      if (r.cookie !== undefined) headers.cookie = r.cookie;
      if (r.preflight) headers['access-control-request-method'] = 'POST';
      const noBody = r.method === 'GET' || r.method === 'HEAD';
      return { method: r.method, path: r.query === undefined ? r.path : `${r.path}?${r.query}`, headers, body: noBody ? undefined : r.body };
    });
}

/** Answers seen, by status: printed, so a run that never reaches the routes shows. */
const seen = new Map<number, number>();

/** What every answer must be; returns the ticket when the answer is a fresh place in line. */
async function checkAnswer(request: FuzzRequest, res: Response): Promise<Pupil | null> {
  seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
  const what = `${request.method} ${request.path} → ${res.status}`;
  assert.ok(res.status < 500, what);
  assert.ok((res.status >= 200 && res.status < 300) || (res.status >= 400 && res.status < 500), `${what}: only 2xx or 4xx`);
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (res.status === 204 || request.method === 'HEAD' || text === '') {
    assert.ok(res.status < 300 || request.method === 'HEAD', `${what}: an error has a body`);
    return null;
  }
  if (res.status === 200 && new URL(request.path, 'http://x').pathname === '/metrics') {
    assert.equal(request.headers.authorization, `Bearer ${METRICS_TOKEN}`, `${what}: metrics only to their token`);
    return null;
  }
  assert.match(type, /^application\/(?:[\w.-]+\+)?json/, `${what}: JSON, not ${type}`);
  const body: unknown = JSON.parse(text);
  if (res.status >= 400) {
    assert.ok(v.is(ErrorBodySchema, body), `${what}: {"error": {"code", "message"}}`);
    return null;
  }
  // 2xx only where the request was valid.
  const pathname = new URL(request.path, 'http://x').pathname;
  if (pathname.startsWith('/api/v1/admin/')) assert.equal(request.headers.authorization, `Bearer ${ADMIN}`, `${what}: admin answers need the admin token`);
  const join = /^\/api\/v1\/rooms\/([a-z0-9-]+)\/tickets$/.exec(pathname);
  if (join && request.method === 'POST') {
    assert.match(request.headers['content-type'] ?? '', /^application\/json/, `${what}: joins are JSON only`);
    const ticket = body as { id: string; ticket: string };
    return { room: join[1]!, id: ticket.id, ticket: ticket.ticket };
  }
  return null;
}

/** Each room's waiting pupils hold places 1..n; no room admits more sessions than it ever had seats. */
async function checkInvariants(store: WatchedStore, request: (path: string) => Response | Promise<Response>, pupils: readonly Pupil[], now: number): Promise<void> {
  const rooms = await store.listRooms(now);
  for (const room of rooms) {
    const res = await request(`/api/v1/rooms/${room.room}`);
    assert.equal(res.status, 200);
    const status = v.parse(RoomStatusSchema, await res.json());
    assert.ok(status.active <= Math.max(room.settings.capacity, store.maxCapacity.get(room.room) ?? 0), `${room.room}: ${status.active} admitted, ${room.settings.capacity} seats`);
    const positions: number[] = [];
    for (const pupil of pupils.filter((p) => p.room === room.room)) {
      const result = await store.status(pupil.room, pupil.id, now);
      if (result?.ticket.state === 'waiting') positions.push(result.ticket.position!);
    }
    positions.sort((a, b) => a - b);
    assert.deepEqual(positions, Array.from({ length: status.waiting }, (_, i) => i + 1), `${room.room}: places 1..${status.waiting}`);
  }
}

async function seed(join: (room: string, key: string) => Response | Promise<Response>): Promise<Pupil[]> {
  const pupils: Pupil[] = [];
  for (const room of ROOMS) {
    for (let i = 0; i < 4; i++) {
      const res = await join(room, `seed-${room}-${String(i).padStart(12, '0')}`);
      assert.equal(res.status, 201);
      const body = (await res.json()) as { id: string; ticket: string };
      pupils.push({ room, id: body.id, ticket: body.ticket });
    }
  }
  return pupils;
}

const joinInit = (key: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });

const statuses = () => [...seen].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ');

test('300 random requests in process: JSON 4xx or valid 2xx, never 5xx; the line intact afterwards', async (t) => {
  seen.clear();
  const now = Date.now();
  const store = new WatchedStore({ defaults: { capacity: 2, admitPerMinute: 600, open: true } });
  const app = createApp({ secret: SECRET, adminToken: ADMIN, store, now: () => now, corsOrigins: [ENT], metricsToken: METRICS_TOKEN, logError: (error) => assert.fail(`logged: ${String(error)}`) });
  const pupils = await seed((room, key) => app.request(`/api/v1/rooms/${room}/tickets`, joinInit(key)));
  await fc.assert(
    fc.asyncProperty(requestArbitrary(pupils), async (request) => {
      const res = await app.request(request.path, { method: request.method, headers: request.headers, body: request.body });
      const joined = await checkAnswer(request, res);
      if (joined && !pupils.some((p) => p.id === joined.id)) pupils.push(joined);
    }),
    { numRuns: 300, interruptAfterTimeLimit: 25_000 },
  );
  t.diagnostic(`answers: ${statuses()}`);
  await checkInvariants(store, (path) => app.request(path), pupils, now);
});

test('60 random requests over real HTTP: the same answers through the Node server and its status fast path', async (t) => {
  seen.clear();
  const store = new WatchedStore({ defaults: { capacity: 2, admitPerMinute: 600, open: true } });
  const server = await startServer({ port: 0, store, secret: SECRET, adminToken: ADMIN, corsOrigins: [ENT], metricsToken: METRICS_TOKEN });
  try {
    const pupils = await seed((room, key) => fetch(`${server.apiUrl}/rooms/${room}/tickets`, joinInit(key)));
    // Methods fetch refuses to send (CONNECT, TRACE, TRACK) are replaced by GET.
    const sendable = (method: string) => (/^(CONNECT|TRACE|TRACK)$/.test(method) ? 'GET' : method);
    await fc.assert(
      fc.asyncProperty(requestArbitrary(pupils), async (request) => {
        const method = sendable(request.method);
        const sent = { ...request, method, body: method === 'GET' || method === 'HEAD' ? undefined : request.body };
        const res = await fetch(server.origin + sent.path, { method, headers: sent.headers, body: sent.body, redirect: 'manual' });
        const joined = await checkAnswer(sent, res);
        if (joined && !pupils.some((p) => p.id === joined.id)) pupils.push(joined);
      }),
      { numRuns: 60, interruptAfterTimeLimit: 20_000 },
    );
    t.diagnostic(`answers: ${statuses()}`);
    await checkInvariants(store, (path) => fetch(server.origin + path), pupils, Date.now());
  } finally {
    await server.close();
  }
});
