/**
 * A gated morning, compressed: docs/nginx.conf for real in front of a dummy ENT and the real antichambre
 * server with short lives (sessions 6 s, admissions 4 s, heartbeats every 2 s, one seat). An active pupil
 * passes the gate for several admission lives; an idle one is sent to the waiting page within the bound;
 * a released seat stops passing within ~2 s; the ENT's own `Authorization` header does not get in the way.
 * See docs/protocol.md, "Admission lifetime".
 *
 * Needs `nginx` (Debian: apt-get install nginx); skipped loudly without it, except under CI=true.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as v from 'valibot';
import { TicketStatusSchema, type TicketStatus } from '../../src/core/protocol/protocol.js';
import { type Backends, findTool, startBackends } from './proxy-process.js';
import { startShippedNginx, type ShippedNginx } from './shipped-nginx.js';

const ROOM = 'college-jean-moulin';
const ADMISSION_TTL_S = 4;
const SESSION_TTL_S = 6;
/** The gate forgives another instance's clock this much past `exp` (admission-routes.ts). */
const CLOCK_TOLERANCE_S = 2;
/** How long the gate reuses a store verdict (seat-check.ts). */
const SEAT_CACHE_S = 2;

const { path: nginxPath, missing } = findTool('nginx', ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']);

let backends: Backends;
let nginx: ShippedNginx;

before(async () => {
  if (missing) return;
  backends = await startBackends({
    capacity: 1,
    sessionTtlSeconds: SESSION_TTL_S,
    admissionTtlSeconds: ADMISSION_TTL_S,
    admitGraceSeconds: 3,
    joinLimitPerMinute: 0,
  });
  nginx = await startShippedNginx(nginxPath!, backends);
});

after(async () => {
  if (missing) return;
  await nginx?.stop();
  await backends?.close();
});

let keys = 0;
/** Joins through nginx, as the widget on the waiting page does, and waits (polling) for the one seat. */
async function admittedPupil(): Promise<TicketStatus> {
  const res = await fetch(`${nginx.base}/api/v1/rooms/${ROOM}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: `gated-morning-key-${process.pid}-${++keys}` }),
  });
  assert.ok(res.status === 201 || res.status === 200, nginx.log());
  let status = v.parse(TicketStatusSchema, await res.json());
  for (let i = 0; status.state !== 'admitted' && i < 40; i++) {
    await sleep(500);
    const poll = await fetch(`${nginx.base}/api/v1/rooms/${ROOM}/tickets/${status.id}`, { headers: { authorization: `Bearer ${status.ticket}` } });
    status = { ...v.parse(TicketStatusSchema, await poll.json()), ticket: status.ticket };
  }
  assert.equal(status.state, 'admitted', 'the seat came free');
  return status;
}

/** What <antichambre-session> sends; its answer carries the fresh admission the cookie is renewed with. */
async function heartbeat(pupil: TicketStatus): Promise<TicketStatus> {
  const res = await fetch(`${nginx.base}/api/v1/rooms/${ROOM}/tickets/${pupil.id}/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pupil.ticket}` },
  });
  assert.equal(res.status, 200, `heartbeat: ${res.status}`);
  return v.parse(TicketStatusSchema, await res.json());
}

/** An ENT page with the admission cookie: 200 (the ENT) or 302 (to the waiting page). */
async function page(token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${nginx.base}/mon-compte/notes`, {
    redirect: 'manual',
    headers: { cookie: `antichambre_admission=${encodeURIComponent(token)}`, ...headers },
  });
}

/** Seconds from now until the page with `token` is redirected to the waiting page (polling every 250 ms). */
async function secondsUntilBounced(token: string, giveUpS: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < giveUpS * 1000) {
    const res = await page(token);
    await res.arrayBuffer();
    if (res.status === 302) {
      assert.equal(new URL(res.headers.get('location') ?? '', nginx.base).pathname, '/attente/');
      return (performance.now() - start) / 1000;
    }
    assert.equal(res.status, 200);
    await sleep(250);
  }
  return Infinity;
}

test('an active pupil (a heartbeat every 2 s) keeps passing the gate for 3.5 admission lives; an idle one is sent to the waiting page within the bound', { skip: missing }, async (t) => {
  const pupil = await admittedPupil();
  const first = pupil.admission!.token;
  let token = first;
  const start = performance.now();
  while (performance.now() - start < 3.5 * ADMISSION_TTL_S * 1000) {
    await sleep(2000);
    const res = await page(token);
    assert.equal(res.status, 200, `after ${Math.round(performance.now() - start)} ms: ${nginx.log()}`);
    assert.equal(await res.text(), '<h1>ENT /mon-compte/notes</h1>');
    const status = await heartbeat(pupil);
    assert.equal(status.state, 'admitted');
    assert.equal(Date.parse(status.admission!.expiresAt) - Date.parse(status.serverTime), ADMISSION_TTL_S * 1000);
    token = status.admission!.token;
  }
  assert.equal((await page(first)).status, 302, 'the first token alone died long ago: renewal is what kept the pupil in');

  // The pupil walks away: no heartbeat. The token dies (admissionTtl + tolerance) and the store ends the
  // session (sessionTtl, seen at /verify within the cache): whichever comes first bounces the pupil.
  const bound = Math.min(ADMISSION_TTL_S + CLOCK_TOLERANCE_S, SESSION_TTL_S + SEAT_CACHE_S);
  const bounced = await secondsUntilBounced(token, bound + 5);
  t.diagnostic(`idle pupil bounced ${bounced.toFixed(1)} s after the last heartbeat (bound ${bound} s)`);
  assert.ok(bounced <= bound + 1.5, `idle pupil bounced after ${bounced.toFixed(1)} s (bound ${bound} s)`);
});

test('a released seat stops passing the gate within ~2 s, well before its token expires', { skip: missing }, async (t) => {
  const pupil = await admittedPupil();
  const { admission } = await heartbeat(pupil);
  assert.equal((await page(admission!.token)).status, 200);
  const released = await fetch(`${nginx.base}/api/v1/rooms/${ROOM}/tickets/${pupil.id}/release`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pupil.ticket}` },
  });
  assert.equal(released.status, 204);
  // The token has 4 s (+2 s forgiven) to live: refused before that, it was the store check.
  const bounced = await secondsUntilBounced(admission!.token, ADMISSION_TTL_S + CLOCK_TOLERANCE_S + 2);
  t.diagnostic(`released token refused ${bounced.toFixed(1)} s after the release`);
  assert.ok(bounced < ADMISSION_TTL_S - 0.1, `released token refused after ${bounced.toFixed(1)} s (cache ${SEAT_CACHE_S} s, token life ${ADMISSION_TTL_S} s)`);
});

test("an ENT request with its own Authorization: Bearer xyz plus the admission cookie passes, and the ENT gets its header", { skip: missing }, async () => {
  const pupil = await admittedPupil();
  const res = await page(pupil.admission!.token, { authorization: 'Bearer xyz' });
  assert.equal(res.status, 200, nginx.log());
  const seen = backends.seenByEnt.at(-1);
  assert.equal(seen?.headers.authorization, 'Bearer xyz');
  assert.equal(seen?.headers['x-antichambre-ticket'], pupil.id);
});
