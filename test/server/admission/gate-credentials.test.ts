/**
 * What the gate reads and what it accepts: its own cookie first, whatever `Authorization` the ENT's
 * requests carry; a strict default when the proxy names no room; and credentials with exactly one
 * spelling (a MAC or signature whose last base64url character is swapped for one that decodes to the
 * same bytes is refused).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v from 'valibot';
import { ErrorBodySchema, TicketStatusSchema } from '../../../src/core/protocol/protocol.js';
import { startServer } from '../../../src/server/http/serve.js';
import { ROOM, harness, newKey, type Harness } from '../../support/harness.js';

const verify = (h: Harness, headers: Record<string, string>, query = `?room=${ROOM}`) => h.request(`/verify${query}`, { headers });
const outcome = (res: Response): string => (res.status === 200 ? '200' : `${res.status} ${res.headers.get('x-antichambre-reason')}`);

async function admission(h: Harness, room = ROOM): Promise<string> {
  const { body } = await h.join(newKey(), room);
  assert.equal(body.state, 'admitted');
  return body.admission!.token;
}

test("an ENT request with its own Authorization: Bearer plus the admission cookie passes: the cookie is read first", async () => {
  const h = harness();
  const token = await admission(h);
  const res = await verify(h, { authorization: 'Bearer xyz', cookie: `antichambre_admission=${encodeURIComponent(token)}` });
  assert.equal(outcome(res), '200');
  assert.equal(res.headers.get('x-antichambre-room'), ROOM);
  // Even an ENT Bearer that is itself a JWT (its own OAuth access token) does not shadow the cookie.
  const otherJwt = await admission(h, 'lycee-victor-hugo');
  assert.equal(outcome(await verify(h, { authorization: `Bearer ${otherJwt}`, cookie: `antichambre_admission=${token}` })), '200');
});

test('without the cookie, the gate header X-Antichambre-Admission; Bearer only when neither is there', async () => {
  const h = harness();
  const token = await admission(h);
  assert.equal(outcome(await verify(h, { 'x-antichambre-admission': token })), '200');
  assert.equal(outcome(await verify(h, { 'x-antichambre-admission': token, authorization: 'Bearer xyz' })), '200', 'the gate header wins over Bearer');
  assert.equal(outcome(await verify(h, { authorization: `Bearer ${token}` })), '200', 'Bearer alone still works (ENT backends, scripts)');
  assert.equal(outcome(await verify(h, { authorization: 'Bearer xyz' })), '401 malformed');
  assert.equal(
    outcome(await verify(h, { cookie: 'antichambre_admission=not-a-token', authorization: `Bearer ${token}` })),
    '401 malformed',
    'a cookie is there: it is the credential, Bearer is not looked at',
  );
});

test('strict gate: without a room and without --gate-rooms, /verify refuses with room-required and says what to do', async () => {
  const h = harness();
  const token = await admission(h);
  const res = await verify(h, { cookie: `antichambre_admission=${token}` }, '');
  assert.equal(outcome(res), '401 room-required');
  const body = v.parse(ErrorBodySchema, await res.json());
  assert.match(body.error.message, /\?room=/);
  assert.match(body.error.message, /--gate-rooms/);
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${token}` })), '200', 'with ?room= it passes');
});

test('strict gate: --gate-rooms names the rooms accepted without ?room=; an admission for a made-up room does not pass', async () => {
  const h = harness({ gateRooms: [ROOM, 'lycee-victor-hugo'] });
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${await admission(h)}` }, '')), '200');
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${await admission(h, 'lycee-victor-hugo')}` }, '')), '200');
  // Anyone can mint this one: join a room nobody configured, admitted at once with the default capacity.
  const minted = await admission(h, 'made-up-room');
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${minted}` }, '')), '401 wrong-room');
});

test('strict gate: a room named by the pupil\'s own X-Antichambre-Room header cannot widen the gate to a made-up room', async () => {
  // nginx and Caddy forward the client's headers to /verify: the header is the pupil's to choose.
  const h = harness({ gateRooms: [ROOM] });
  const madeUp = await admission(h, 'salle-inventee');
  const cookie = `antichambre_admission=${encodeURIComponent(madeUp)}`;
  assert.equal(outcome(await verify(h, { cookie }, '')), '401 wrong-room');
  assert.equal(outcome(await verify(h, { cookie, 'x-antichambre-room': 'salle-inventee' }, '')), '401 wrong-room');
  // Without --gate-rooms a header alone names nothing the operator chose either.
  const open = harness();
  const token = await admission(open, 'salle-inventee');
  assert.equal(outcome(await verify(open, { cookie: `antichambre_admission=${encodeURIComponent(token)}`, 'x-antichambre-room': 'salle-inventee' }, '')), '401 wrong-room');
  // A header naming one of the operator's rooms still narrows the gate to it.
  const good = await admission(h);
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${encodeURIComponent(good)}`, 'x-antichambre-room': ROOM }, '')), '200');
});

test('strict gate: the rooms of --rooms FILE are accepted without ?room= too', async () => {
  // roomCreation 'join': the operator let joins create rooms too, so a made-up room can be minted.
  const h = harness({ declaredRooms: { 'college-declared': { capacity: 30 } }, roomCreation: 'join' });
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${await admission(h, 'college-declared')}` }, '')), '200');
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${await admission(h, 'made-up-room')}` }, '')), '401 wrong-room');
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every other spelling of `text`'s last base64url character that decodes to the same bytes. */
function nonCanonical(text: string): string[] {
  const bytes = Buffer.from(text, 'base64url');
  const variants = [...ALPHABET]
    .filter((char) => char !== text.at(-1))
    .map((char) => text.slice(0, -1) + char)
    .filter((variant) => Buffer.from(variant, 'base64url').equals(bytes));
  assert.ok(variants.length >= 3, `a 32-byte MAC has 3 other spellings, a 64-byte signature 15: got ${variants.length}`);
  return variants;
}

test('a ticket credential whose MAC is spelt non-canonically is refused (status, heartbeat, release), in process and over HTTP', async () => {
  const h = harness();
  const pupil = (await h.join(newKey())).body;
  const [id, iat, mac] = pupil.ticket!.split('.') as [string, string, string];
  const variants = nonCanonical(mac).map((spelling) => `${id}.${iat}.${spelling}`);
  assert.equal(variants.length, 3);
  for (const credential of variants) {
    assert.equal((await h.status(pupil.id, credential)).status, 401, credential);
    const beat = await h.request(`/rooms/${ROOM}/tickets/${pupil.id}/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${credential}` } });
    assert.equal(beat.status, 401);
    assert.equal((await h.release(pupil.id, credential)).status, 401);
  }
  assert.equal((await h.status(pupil.id, pupil.ticket!)).status, 200, 'the canonical credential still works');

  const server = await startServer({ port: 0 });
  try {
    const joined = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: newKey() }),
    });
    const remote = v.parse(TicketStatusSchema, await joined.json());
    const [rid, riat, rmac] = remote.ticket!.split('.') as [string, string, string];
    for (const spelling of nonCanonical(rmac)) {
      const res = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets/${remote.id}`, { headers: { authorization: `Bearer ${rid}.${riat}.${spelling}` } });
      assert.equal(res.status, 401, 'the status fast path refuses it too');
    }
  } finally {
    await server.close();
  }
});

test('an admission token whose signature is spelt non-canonically does not pass the gate', async () => {
  const h = harness();
  const token = await admission(h);
  const [head, payload, signature] = token.split('.') as [string, string, string];
  const variants = nonCanonical(signature);
  assert.equal(variants.length, 15, 'ES256: 64 bytes in 86 characters, 4 spare bits');
  for (const spelling of variants) {
    assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${head}.${payload}.${spelling}` })), '401 malformed', spelling);
  }
  assert.equal(outcome(await verify(h, { cookie: `antichambre_admission=${token}` })), '200');
});
