/**
 * Over real HTTP, a status poll is answered by the fast path (src/server/http/status-fast-path.ts), not by
 * Hono: its answers must be the ones the Hono route gives in process (status, body, CORS headers,
 * metrics; both call src/server/queue/status-answer.ts), and every request whose path it does not fully
 * understand must go to Hono unchanged.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { test } from 'node:test';
import { serve } from '@hono/node-server';
import * as v from 'valibot';
import { ErrorBodySchema } from '../../../src/core/protocol/protocol.js';
import { AdmissionKey } from '../../../src/server/admission/admission-key.js';
import { createApp, createServerApp, type AppOptions } from '../../../src/server/http/app.js';
import { createServerWithFastPath } from '../../../src/server/http/status-fast-path.js';
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { ADMIN, ROOM, SECRET, newKey } from '../../support/harness.js';

const LISTED = 'https://ent.example';
const CORS_HEADERS = ['access-control-allow-origin', 'access-control-expose-headers', 'vary', 'content-type'];

interface Setup {
  origin: string;
  port: number;
  clock: { now: number };
  /** The same queue served in process by Hono alone. */
  hono: ReturnType<typeof createApp>;
  /** How many requests the fast path took / handed to Hono. */
  taken: { fast: number; hono: number };
  close(): Promise<void>;
}

/** A server over HTTP with a counting fast path, and an in-process app on the same store and clock. */
async function setup(options: Partial<AppOptions> = {}): Promise<Setup> {
  const clock = { now: Date.parse('2026-09-01T08:00:00Z') };
  const store = new MemoryStore({ defaults: { capacity: 1, admitPerMinute: 600, open: true }, admitGraceMs: 60_000 });
  const common = { secret: SECRET, adminToken: ADMIN, store, admissionKey: AdmissionKey.generate(), now: () => clock.now, logError: () => {}, ...options };
  const { app, fastPath } = createServerApp(common);
  const taken = { fast: 0, hono: 0 };
  const counting: typeof fastPath = (req, res) => {
    const took = fastPath(req, res);
    taken[took ? 'fast' : 'hono']++;
    return took;
  };
  const server = await new Promise<Server>((resolve) => {
    const created = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer: createServerWithFastPath(counting) }, () => resolve(created as Server)) as Server;
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    clock,
    hono: createApp(common),
    taken,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The answer with the parts that differ by construction (time, a token's jti and signature) blanked. */
async function comparable(res: Response): Promise<{ status: number; headers: Record<string, string | null>; body: unknown }> {
  const body = (await res.json()) as Record<string, unknown>;
  if ('serverTime' in body) body.serverTime = 'T';
  const admission = body.admission as { token: string } | undefined;
  if (admission) admission.token = admission.token.split('.')[0]!; // the header: alg, kid
  return { status: res.status, headers: Object.fromEntries(CORS_HEADERS.map((name) => [name, res.headers.get(name)])), body };
}

async function join(s: Setup): Promise<{ id: string; ticket: string; state: string }> {
  const res = await s.hono.request(`/api/v1/rooms/${ROOM}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey() }) });
  return (await res.json()) as { id: string; ticket: string; state: string };
}

test('a status over HTTP (fast path) answers exactly as the Hono route does: waiting, admitted, gone, unclaimed, any origin or an allowlist', async () => {
  for (const corsOrigins of [['*'], [LISTED]]) {
    const s = await setup({ corsOrigins, admitGraceSeconds: 60 });
    try {
      const inside = await join(s);
      const first = await join(s);
      const second = await join(s);
      assert.deepEqual([inside.state, first.state, second.state], ['admitted', 'waiting', 'waiting']);
      const compare = async (pupil: { id: string; ticket: string }, what: string, origin?: string): Promise<number> => {
        const init = { headers: { authorization: `Bearer ${pupil.ticket}`, ...(origin ? { origin } : {}) } };
        const path = `/api/v1/rooms/${ROOM}/tickets/${pupil.id}`;
        const fastBefore = s.taken.fast;
        const overHttp = await comparable(await fetch(s.origin + path, init));
        assert.equal(s.taken.fast, fastBefore + 1, `${what}: the fast path answered`);
        assert.deepEqual(overHttp, await comparable(await s.hono.request(path, init)), `${what} (${corsOrigins}, origin ${origin})`);
        return overHttp.status;
      };
      for (const origin of [undefined, LISTED, 'https://evil.example']) {
        assert.equal(await compare(inside, 'admitted', origin), 200);
        assert.equal(await compare(first, 'waiting, first', origin), 200);
        assert.equal(await compare(second, 'waiting, second', origin), 200);
      }
      // The seat frees up; `first` is admitted while away and never claims it within the grace.
      await s.hono.request(`/api/v1/rooms/${ROOM}/tickets/${inside.id}/release`, { method: 'POST', headers: { authorization: `Bearer ${inside.ticket}` } });
      assert.equal(await compare(inside, 'released: 410'), 410);
      s.clock.now += 61_000;
      await compare(second, 'after the grace'); // advances the room: first's admission passes on
      assert.equal(await compare(first, 'admission unclaimed: 410'), 410);
    } finally {
      await s.close();
    }
  }
});

test('the fast path counts its answers in the same /metrics series as the Hono route', async () => {
  const metricsToken = 'metrics-token-0123456789';
  const s = await setup({ metricsToken });
  try {
    const pupil = await join(s);
    for (let i = 0; i < 3; i++) await (await fetch(`${s.origin}/api/v1/rooms/${ROOM}/tickets/${pupil.id}`, { headers: { authorization: `Bearer ${pupil.ticket}` } })).arrayBuffer();
    await (await fetch(`${s.origin}/api/v1/rooms/${ROOM}/tickets/${pupil.id}`, { headers: { authorization: 'Bearer forged' } })).arrayBuffer();
    const text = await (await fetch(`${s.origin}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
    assert.match(text, /antichambre_http_requests_total\{method="GET",route="\/api\/v1\/rooms\/:room\/tickets\/:id",status="200"\} 3\n/);
    assert.match(text, /antichambre_http_requests_total\{method="GET",route="\/api\/v1\/rooms\/:room\/tickets\/:id",status="401"\} 1\n/);
    assert.match(text, /antichambre_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/rooms\/:room\/tickets\/:id"\} 4\n/);
  } finally {
    await s.close();
  }
});

/** Sends one raw request line (paths no fetch would send as is), returns status and body. */
function raw(port: number, target: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const lines = [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, value]) => `${k}: ${value}`)];
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body });
    });
    socket.on('error', reject);
  });
}

test('path tricks and malformed ids go to Hono: a JSON error (or the same answer), the line intact', async () => {
  const s = await setup();
  try {
    const inside = await join(s);
    const pupil = await join(s);
    const other = await join(s);
    const auth = { authorization: `Bearer ${pupil.ticket}` };
    const base = `/api/v1/rooms/${ROOM}/tickets/${pupil.id}`;
    const tricks: [string, string, Record<string, string>][] = [
      ['trailing slash', `${base}/`, auth],
      ['double slash', `/api/v1/rooms/${ROOM}//tickets/${pupil.id}`, auth],
      ['leading double slash', `/${base}`, auth],
      ['dot segment', `/api/v1/rooms/${ROOM}/./tickets/${pupil.id}`, auth],
      ['dot-dot segment', `/api/v1/rooms/${ROOM}/tickets/../tickets/${pupil.id}`, auth],
      ['encoded slash', `/api/v1/rooms/${ROOM}%2Ftickets%2F${pupil.id}`, auth],
      ['encoded ticket id', `/api/v1/rooms/${ROOM}/tickets/${encodeURIComponent(pupil.id).replace(/^./, (c) => `%${c.charCodeAt(0).toString(16)}`)}`, auth],
      ['upper-case prefix', `/API/v1/rooms/${ROOM}/tickets/${pupil.id}`, auth],
      ['absolute-form target', `http://evil.example${base}`, auth],
      ['room of 65 characters', `/api/v1/rooms/${'a'.repeat(65)}/tickets/${pupil.id}`, auth],
      ['ticket id of 65 characters', `/api/v1/rooms/${ROOM}/tickets/${'a'.repeat(65)}`, auth],
    ];
    const before = await (await s.hono.request(`/api/v1/rooms/${ROOM}`)).json();
    for (const [what, target, headers] of tricks) {
      const fastBefore = s.taken.fast;
      const { status, body } = await raw(s.port, target, headers);
      assert.equal(s.taken.fast, fastBefore, `${what}: not taken by the fast path`);
      if (status === 200) {
        // Hono may normalise a path into the real route: then it must be this pupil's own answer.
        assert.equal((JSON.parse(body) as { id: string }).id, pupil.id, what);
      } else {
        assert.ok(status >= 400 && status < 500, `${what}: ${status}`);
        assert.ok(v.is(ErrorBodySchema, JSON.parse(body)), `${what}: ${body}`);
      }
    }
    assert.deepEqual(await (await s.hono.request(`/api/v1/rooms/${ROOM}`)).json(), before, 'the room is unchanged');
    const statusOf = async (p: { id: string; ticket: string }): Promise<{ state: string; position: number | null }> =>
      (await fetch(`${s.origin}/api/v1/rooms/${ROOM}/tickets/${p.id}`, { headers: { authorization: `Bearer ${p.ticket}` } })).json() as Promise<{ state: string; position: number | null }>;
    assert.equal((await statusOf(inside)).state, 'admitted');
    assert.equal((await statusOf(pupil)).position, 1);
    assert.equal((await statusOf(other)).position, 2);
  } finally {
    await s.close();
  }
});

test('a missing or wrong credential: the fast path gives the Hono route\'s 401 (one status function), the line intact', async () => {
  const s = await setup();
  try {
    await join(s);
    const pupil = await join(s);
    const other = await join(s);
    const auth = { authorization: `Bearer ${pupil.ticket}` };
    const base = `/api/v1/rooms/${ROOM}/tickets/${pupil.id}`;
    const refusals: [string, string, Record<string, string>][] = [
      ['another ticket with this credential', `/api/v1/rooms/${ROOM}/tickets/${other.id}`, auth],
      ['another room with this credential', `/api/v1/rooms/lycee-autre/tickets/${pupil.id}`, auth],
      ['no credential', base, {}],
      ['Basic instead of Bearer', base, { authorization: `Basic ${pupil.ticket}` }],
      ['tampered credential', base, { authorization: `Bearer ${pupil.ticket.slice(0, -2)}AA` }],
    ];
    const before = await (await s.hono.request(`/api/v1/rooms/${ROOM}`)).json();
    for (const [what, path, headers] of refusals) {
      const fastBefore = s.taken.fast;
      const overHttp = await comparable(await fetch(s.origin + path, { headers }));
      assert.equal(s.taken.fast, fastBefore + 1, `${what}: the fast path answered`);
      assert.equal(overHttp.status, 401, what);
      assert.deepEqual(overHttp, await comparable(await s.hono.request(path, { headers })), what);
    }
    assert.deepEqual(await (await s.hono.request(`/api/v1/rooms/${ROOM}`)).json(), before, 'the room is unchanged');
  } finally {
    await s.close();
  }
});

test('a store that fails gives the same 500 internal as the Hono route, logged, and the next poll is served', async () => {
  class FlakyStore extends MemoryStore {
    failing = false;
    override async status(...args: Parameters<MemoryStore['status']>) {
      if (this.failing) throw new Error('connection to Redis lost');
      return super.status(...args);
    }
  }
  const store = new FlakyStore({ defaults: { capacity: 0, admitPerMinute: 60, open: true } });
  const logged: unknown[] = [];
  const { app, fastPath } = createServerApp({ secret: SECRET, adminToken: ADMIN, store, logError: (error) => logged.push(error) });
  const server = await new Promise<Server>((resolve) => {
    const created = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer: createServerWithFastPath(fastPath) }, () => resolve(created as Server)) as Server;
  });
  try {
    const joined = await app.request(`/api/v1/rooms/${ROOM}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: newKey() }) });
    const pupil = (await joined.json()) as { id: string; ticket: string };
    const path = `/api/v1/rooms/${ROOM}/tickets/${pupil.id}`;
    const init = { headers: { authorization: `Bearer ${pupil.ticket}` } };
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    store.failing = true;
    const overHttp = await comparable(await fetch(url, init));
    assert.equal(overHttp.status, 500);
    assert.deepEqual(overHttp, await comparable(await app.request(path, init)));
    assert.equal((overHttp.body as { error: { code: string; message: string } }).error.code, 'internal');
    assert.doesNotMatch(JSON.stringify(overHttp.body), /Redis/, 'no details of the failure');
    assert.equal(logged.length, 2, 'both paths log the error');
    store.failing = false;
    assert.equal((await fetch(url, init)).status, 200);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
