/** Whatever a client sends, it gets a JSON error with a code and CORS headers, never a crash or a stack. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createApp } from '../../../src/server/http/app.js';
import type { Store } from '../../../src/server/stores/store.js';
import { ADMIN, ROOM, SECRET, assertError, harness, newKey } from '../../support/harness.js';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

test('a forged, tampered, missing or other-room credential is refused with 401', async () => {
  const h = harness({ capacity: 0 });
  const a = (await h.join(newKey())).body;
  const b = (await h.join(newKey())).body;
  const ticket = a.ticket!;
  const [, iat, sig] = ticket.split('.') as [string, string, string];
  const flipped = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
  await assertError(await h.request(`/rooms/${ROOM}/tickets/${a.id}`), 401, 'unauthorized');
  await assertError(await h.status(a.id, `${a.id}.${iat}.${flipped}`), 401, 'unauthorized');
  await assertError(await h.status(a.id, `${a.id}.${(Number.parseInt(iat, 36) - 1).toString(36)}.${sig}`), 401, 'unauthorized');
  await assertError(await h.status(b.id, ticket), 401, 'unauthorized'); // someone else's place
  await assertError(await h.status(a.id, 'not-a-credential'), 401, 'unauthorized');
  await h.join(newKey(), 'other-room');
  await assertError(await h.status(a.id, ticket, 'other-room'), 401, 'unauthorized');
  const otherServer = harness({ secret: 'another-secret-0123456789', capacity: 0 });
  const forged = (await otherServer.join(newKey())).body;
  await assertError(await h.status(forged.id, forged.ticket!), 401, 'unauthorized');
  await assertError(await h.release(b.id, ticket), 401, 'unauthorized');
  assert.equal((await h.statusOk(b.id, b.ticket!)).position, 2, 'a refused release changes nothing');
});

test('bad room ids, ticket ids, JSON and field types answer 400 with a code', async () => {
  const h = harness();
  await assertError(await h.request('/rooms/Collège/tickets', json({ key: newKey() })), 400, 'bad-room');
  await assertError(await h.request(`/rooms/${'a'.repeat(65)}/tickets`, json({ key: newKey() })), 400, 'bad-room');
  await assertError(await h.request('/rooms/UPPER'), 400, 'bad-room');
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, json('{"key": ')), 400, 'bad-json');
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' } }), 400, 'bad-json');
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, { method: 'POST' }), 415, 'unsupported-media-type');
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, json({ key: 42 })), 400, 'bad-request');
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, json({ key: 'short' })), 400, 'bad-request');
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, json([1, 2])), 400, 'bad-request');
  await assertError(await h.request(`/rooms/${ROOM}/tickets/bad!id`, { headers: { authorization: 'Bearer x' } }), 400, 'bad-request');
  await assertError(await h.configure(ROOM, { capacity: -1 }), 400, 'bad-request');
  await assertError(await h.configure(ROOM, { capacity: '3' }), 400, 'bad-request');
  await assertError(await h.configure(ROOM, { seats: 3 }), 400, 'bad-request');
});

test('a body over 4 KiB is refused with 413, whatever the route', async () => {
  const h = harness();
  const huge = JSON.stringify({ key: 'k'.repeat(100_000) });
  await assertError(await h.request(`/rooms/${ROOM}/tickets`, json(huge)), 413, 'payload-too-large');
  const streamed = new Blob([huge]).stream(); // no Content-Length: the limit still holds
  await assertError(
    await h.request(`/rooms/${ROOM}/tickets`, { method: 'POST', body: streamed, duplex: 'half' } as RequestInit),
    413,
    'payload-too-large',
  );
});

test('the admin API refuses a missing or wrong token with 401 and changes nothing', async () => {
  const h = harness();
  const put = (auth?: string) =>
    h.request(`/admin/rooms/${ROOM}`, { method: 'PUT', headers: auth ? { authorization: auth } : {}, body: '{"capacity":0}' });
  await assertError(await put(), 401, 'unauthorized');
  await assertError(await put(`Bearer ${ADMIN}x`), 401, 'unauthorized');
  await assertError(await put(`Basic ${ADMIN}`), 401, 'unauthorized');
  await assertError(await h.request(`/rooms/${ROOM}`), 404, 'room-not-found');
});

test('CORS headers are on answers, errors, 404s and preflights, with Retry-After exposed', async () => {
  const h = harness();
  const origin = { origin: 'https://ent.example' };
  const preflight = await h.request(`/rooms/${ROOM}/tickets`, {
    method: 'OPTIONS',
    headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Content-Type/);
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /PUT/);
  for (const res of [
    await h.request(`/rooms/${ROOM}/tickets`, { ...json({ key: newKey() }), headers: { ...origin, 'content-type': 'application/json' } }),
    await h.request('/rooms/Bad', { headers: origin }),
    await h.app.request('/nowhere', { headers: origin }),
  ]) {
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-expose-headers'), 'Retry-After');
  }
  await assertError(await h.app.request('/nowhere'), 404, 'not-found');
});

test('an allowlist answers listed origins only', async () => {
  const h = harness({ corsOrigins: ['https://ent.example'] });
  const ok = await h.request(`/rooms/${ROOM}`, { headers: { origin: 'https://ent.example' } });
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://ent.example');
  const other = await h.request(`/rooms/${ROOM}`, { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  const evil = { origin: 'https://ent.example.evil.example' };
  const preflight = await h.request(`/rooms/${ROOM}/tickets`, {
    method: 'OPTIONS',
    headers: { ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'a preflight from elsewhere is not allowed');
  const join = await h.request(`/rooms/${ROOM}/tickets`, { ...json({ key: newKey() }), headers: { ...evil, 'content-type': 'application/json' } });
  assert.equal(join.headers.get('access-control-allow-origin'), null, 'nor an answer');
  const error = await h.request('/rooms/Bad', { headers: evil });
  assert.equal(error.status, 400);
  assert.equal(error.headers.get('access-control-allow-origin'), null, 'nor an error');
});

test('a failing store gives 500 code internal, without details, and the server keeps serving', async () => {
  const broken: Store = new Proxy({} as Store, {
    get: () => async () => {
      throw new Error('redis exploded at /srv/secret/path');
    },
  });
  const logged: unknown[] = [];
  const app = createApp({ secret: SECRET, adminToken: ADMIN, store: broken, logError: (e) => logged.push(e) });
  const res = await app.request(`/api/v1/rooms/${ROOM}/tickets`, json({ key: newKey() }));
  await assertError(res, 500, 'internal');
  assert.equal(logged.length, 1, 'the operator sees the cause in the log');
  await assertError(await app.request(`/api/v1/rooms/${ROOM}`), 500, 'internal');
});
