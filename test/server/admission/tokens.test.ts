/** What an ENT backend relies on: admission tokens it can verify, credentials nobody else can make. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHmac } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { AdmissionKey } from '../../../src/server/admission/admission-key.js';
import { Tokens } from '../../../src/server/admission/tokens.js';
import { ROOM, SECRET, harness, newKey } from '../../support/harness.js';

test('by default the admission token is an ES256 JWT with kid, sub = ticket id, aud = room, iss, iat, exp, jti', async () => {
  const admissionKey = AdmissionKey.generate();
  const h = harness({ issuer: 'https://queue.ent.example', admissionTtlSeconds: 900, admissionKey });
  const admitted = (await h.join(newKey())).body;
  const token = admitted.admission!.token;
  // What an ENT does: fetch the JWKS, pick the key by kid.
  const jwks = await (await h.request('/.well-known/jwks.json')).json();
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
    audience: ROOM,
    issuer: 'https://queue.ent.example',
    currentDate: new Date(h.clock.now),
  });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(protectedHeader.kid, admissionKey.kid);
  assert.equal(payload.sub, admitted.id);
  assert.equal(payload.iat, Math.floor(h.clock.now / 1000));
  assert.equal(payload.exp, Math.floor(h.clock.now / 1000) + 900);
  assert.match(payload.jti ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(Date.parse(admitted.admission!.expiresAt), h.clock.now + 900_000);
  await assert.rejects(jwtVerify(token, createLocalJWKSet(jwks), { audience: 'another-room', currentDate: new Date(h.clock.now) }));
});

test('each token has its own jti, even for the same admission', async () => {
  const tokens = new Tokens(SECRET);
  const claims = { room: ROOM, ticketId: 'ticket-id-0001', admittedAt: 1_790_000_000_000, expiresAt: 1_790_000_900_000 };
  const [a, b] = [await tokens.admissionToken(claims), await tokens.admissionToken(claims)];
  const jti = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;
  assert.notEqual(jti(a), jti(b));
});

test('with --jwt-alg HS256 the token verifies with the key derived from the secret, and no key is published', async () => {
  const h = harness({ admissionKey: AdmissionKey.fromSecret(SECRET) });
  const token = (await h.join(newKey())).body.admission!.token;
  // An ENT derives the HS256 key from the shared secret as docs/protocol.md says.
  const key = createHmac('sha256', SECRET).update('antichambre admission token v1').digest();
  const { payload } = await jwtVerify(token, key, { audience: ROOM, issuer: 'antichambre', currentDate: new Date(h.clock.now) });
  assert.equal(decodeProtectedHeader(token).alg, 'HS256');
  assert.equal(decodeProtectedHeader(token).kid, undefined);
  assert.equal(payload.aud, ROOM);
  assert.deepEqual(await (await h.request('/.well-known/jwks.json')).json(), { keys: [] });
});

test('a ticket credential is valid only for its own room, ticket and secret', () => {
  const tokens = new Tokens(SECRET);
  const credential = tokens.ticketCredential(ROOM, 'ticket-id-0001', 1_790_000_000_000);
  assert.equal(tokens.verifyTicketCredential(credential, ROOM, 'ticket-id-0001'), true);
  assert.equal(tokens.verifyTicketCredential(credential, 'other-room', 'ticket-id-0001'), false);
  assert.equal(tokens.verifyTicketCredential(credential.replace('ticket-id-0001', 'ticket-id-0002'), ROOM, 'ticket-id-0002'), false);
  assert.equal(new Tokens('another-secret-0123456789').verifyTicketCredential(credential, ROOM, 'ticket-id-0001'), false);
  assert.equal(tokens.verifyTicketCredential(`${credential}.extra`, ROOM, 'ticket-id-0001'), false);
  assert.equal(tokens.verifyTicketCredential(credential.slice(0, -1), ROOM, 'ticket-id-0001'), false);
});
