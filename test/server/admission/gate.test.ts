/**
 * The gate a reverse proxy asks before letting a pupil through to the ENT: 200 with a valid admission
 * (cookie or Bearer), 401 otherwise, for the room the proxy names (or the rooms of --gate-rooms).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdmissionKey } from '../../../src/server/admission/admission-key.js';
import { Tokens } from '../../../src/server/admission/tokens.js';
import { ROOM, SECRET, assertError, harness, newKey, type Harness } from '../../support/harness.js';

async function admitted(h: Harness, room = ROOM): Promise<string> {
  const { body } = await h.join(newKey(), room);
  assert.equal(body.state, 'admitted');
  return body.admission!.token;
}

const verify = (h: Harness, headers: Record<string, string> = {}, query = '') => h.request(`/verify${query}`, { headers });

test('a valid admission cookie or Bearer token opens the gate, and says who came in', async () => {
  const h = harness({ gateRooms: [ROOM] });
  const token = await admitted(h);
  const byCookie = await verify(h, { cookie: `other=1; antichambre_admission=${encodeURIComponent(token)}` }, `?room=${ROOM}`);
  assert.equal(byCookie.status, 200);
  assert.equal(byCookie.headers.get('x-antichambre-room'), ROOM);
  assert.ok(byCookie.headers.get('x-antichambre-ticket'));
  assert.equal(byCookie.headers.get('cache-control'), 'no-store');
  const body = (await byCookie.json()) as { room: string; expiresAt: string };
  assert.equal(body.room, ROOM);
  assert.equal(Date.parse(body.expiresAt), h.clock.now + 300_000, 'admissionTtl');
  assert.equal((await verify(h, { authorization: `Bearer ${token}`, 'x-antichambre-room': ROOM })).status, 200);
  assert.equal((await verify(h, { authorization: `Bearer ${token}` })).status, 200, 'no room named: one of --gate-rooms will do');
  assert.equal((await h.request('/verify', { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status, 200, 'nginx forwards the method');
});

test('no admission, a forged, tampered, expired or other-room token: 401 with the reason for the proxy log', async () => {
  const h = harness({ admissionTtlSeconds: 60 });
  const token = await admitted(h);
  const other = await admitted(h, 'lycee-victor-hugo');
  const forged = await new Tokens(SECRET, 'antichambre', AdmissionKey.generate()).admissionToken({
    room: ROOM, ticketId: 'ticket-0123456789', admittedAt: h.clock.now, expiresAt: h.clock.now + 60_000,
  });
  const [head, payload, sig] = token.split('.') as [string, string, string];
  const tampered = `${head}.${payload}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
  const cases: [Record<string, string>, string][] = [
    [{}, 'missing'],
    [{ cookie: `antichambre_admission=${forged}` }, 'invalid-signature'],
    [{ cookie: `antichambre_admission=${tampered}` }, 'invalid-signature'],
    [{ cookie: `antichambre_admission=${other}` }, 'wrong-room'],
    [{ authorization: 'Bearer garbage' }, 'malformed'],
    [{ cookie: 'antichambre_admission=%E0%A4%A' }, 'malformed'],
  ];
  for (const [headers, reason] of cases) {
    const res = await verify(h, headers, `?room=${ROOM}`);
    assert.equal(res.headers.get('x-antichambre-reason'), reason, JSON.stringify(headers));
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    await assertError(res, 401, 'unauthorized');
  }
  h.tick(60_000 + 2_000); // exp, plus the 2 s the gate forgives another instance's clock
  const expired = await verify(h, { cookie: `antichambre_admission=${token}` }, `?room=${ROOM}`);
  assert.equal(expired.headers.get('x-antichambre-reason'), 'expired');
  await assertError(expired, 401, 'unauthorized');
  await assertError(await verify(h, {}, '?room=../admin'), 400, 'bad-room');
});

test('the cookie name is configurable, and HS256 admissions open the gate too', async () => {
  const h = harness({ admissionCookie: 'ent_pass', admissionKey: AdmissionKey.fromSecret(SECRET) });
  const token = await admitted(h);
  assert.equal((await verify(h, { cookie: `ent_pass=${token}` }, `?room=${ROOM}`)).status, 200);
  assert.equal((await verify(h, { cookie: `antichambre_admission=${token}` }, `?room=${ROOM}`)).status, 401);
});

test('the gate remembers verified tokens, within a bound, and never past their expiry', async () => {
  const { AdmissionCache } = await import('../../../src/server/admission/admission-cache.js');
  const cache = new AdmissionCache(2);
  const admission = (exp: number) => ({ room: ROOM, ticketId: 't', issuer: 'i', issuedAt: new Date(0), expiresAt: new Date(exp), tokenId: null });
  cache.set('a', admission(1000));
  cache.set('b', admission(1000));
  cache.set('c', admission(1000));
  assert.equal(cache.size, 2);
  assert.equal(cache.get('a', 0), undefined, 'the oldest went first');
  assert.ok(cache.get('c', 999));
  assert.equal(cache.get('c', 1000), undefined, 'expired: not served, dropped');
  assert.equal(cache.size, 1);

  // Through the gate: a cached token still gets the room check.
  const h = harness();
  const token = await admitted(h);
  assert.equal((await verify(h, { cookie: `antichambre_admission=${token}` }, `?room=${ROOM}`)).status, 200);
  const other = await verify(h, { cookie: `antichambre_admission=${token}` }, '?room=lycee-victor-hugo');
  assert.equal(other.headers.get('x-antichambre-reason'), 'wrong-room');
});
