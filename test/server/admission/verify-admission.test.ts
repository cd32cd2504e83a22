/**
 * What an ENT backend relies on when it calls verifyAdmission: a genuine admission passes with its
 * room and ticket; a forged, tampered, expired, other-room or other-server token never does.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT, createRemoteJWKSet, jwtVerify } from 'jose';
import { AdmissionKey } from '../../../src/server/admission/admission-key.js';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { Tokens } from '../../../src/server/admission/tokens.js';
import { verifyAdmission, type AdmissionVerdict } from '../../../src/server/admission/verify-admission.js';
import { ROOM, SECRET } from '../../support/harness.js';

const NOW = Date.parse('2026-09-01T08:00:00Z');
const key = AdmissionKey.generate();
const tokens = new Tokens(SECRET, 'https://queue.ent.example', key);
const admission = (patch: Partial<{ room: string; admittedAt: number; expiresAt: number }> = {}) =>
  tokens.admissionToken({ room: ROOM, ticketId: 'ticket-0123456789', admittedAt: NOW, expiresAt: NOW + 1800_000, ...patch });
const options = { key: key.verificationKey, issuer: 'https://queue.ent.example', room: ROOM, now: () => NOW };
const publicPem = (): string => {
  assert.ok(key.verificationKey instanceof KeyObject);
  return key.verificationKey.export({ type: 'spki', format: 'pem' }).toString();
};
const reason = (verdict: AdmissionVerdict) => (verdict.valid ? 'valid' : verdict.reason);

test('a genuine admission is valid and says which room, ticket and expiry', async () => {
  const verdict = await verifyAdmission(await admission(), options);
  assert.ok(verdict.valid);
  assert.equal(verdict.admission.room, ROOM);
  assert.equal(verdict.admission.ticketId, 'ticket-0123456789');
  assert.equal(verdict.admission.issuer, 'https://queue.ent.example');
  assert.equal(verdict.admission.expiresAt.getTime(), NOW + 1800_000);
  assert.ok(verdict.admission.tokenId);
  // A PEM public key works as well (what an ENT copies from the queue server's operator).
  const pem = publicPem();
  assert.ok((await verifyAdmission(await admission(), { ...options, key: pem })).valid);
  assert.ok((await verifyAdmission(await admission(), { ...options, room: ['other-room', ROOM] })).valid);
});

test('forged, tampered, expired, other-room and other-issuer tokens are rejected, each with its reason', async () => {
  const genuine = await admission();
  const [header, payload, signature] = genuine.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, aud: 'lycee-autre' })).toString('base64url')}.${signature}`;
  const forged = await new Tokens(SECRET, 'https://queue.ent.example', AdmissionKey.generate()).admissionToken({
    room: ROOM, ticketId: 'ticket-0123456789', admittedAt: NOW, expiresAt: NOW + 1800_000,
  });
  const unsigned = new UnsecuredJWT({ aud: ROOM, sub: 'x', iss: 'https://queue.ent.example' }).setIssuedAt().setExpirationTime('1h').encode();
  // Algorithm confusion: HS256 "signed" with the public key's bytes must not pass as ES256.
  const publicBytes = new TextEncoder().encode(publicPem());
  const confused = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setAudience(ROOM).setSubject('x')
    .setIssuer('https://queue.ent.example').setIssuedAt(NOW / 1000).setExpirationTime(NOW / 1000 + 60).sign(publicBytes);

  const cases: [string, string, string][] = [
    ['tampered payload', tampered, 'invalid-signature'],
    ['signed by another key', forged, 'invalid-signature'],
    ['alg none', unsigned, 'invalid-signature'],
    ['HS256 with the public key', confused, 'invalid-signature'],
    ['expired', await admission({ admittedAt: NOW - 3600_000, expiresAt: NOW - 60_000 }), 'expired'],
    ['another room', await admission({ room: 'lycee-victor-hugo' }), 'wrong-room'],
    ['garbage', 'not.a.jwt', 'malformed'],
    ['empty', '', 'malformed'],
  ];
  for (const [what, token, expected] of cases) assert.equal(reason(await verifyAdmission(token, options)), expected, what);
  assert.equal(reason(await verifyAdmission(genuine, { ...options, issuer: 'https://other.example' })), 'wrong-issuer');
});

test('clock tolerance forgives a few seconds of skew, not more', async () => {
  const expiredJustNow = await admission({ admittedAt: NOW - 1800_000, expiresAt: NOW - 3_000 });
  assert.ok((await verifyAdmission(expiredJustNow, { ...options, clockToleranceSeconds: 5 })).valid);
  assert.equal(reason(await verifyAdmission(expiredJustNow, { ...options, clockToleranceSeconds: 0 })), 'expired');
});

test('an HS256 admission verifies with the derived key only', async () => {
  const hs = AdmissionKey.fromSecret(SECRET);
  const token = await new Tokens(SECRET, 'antichambre', hs).admissionToken({ room: ROOM, ticketId: 'ticket-0123456789', admittedAt: NOW, expiresAt: NOW + 60_000 });
  assert.ok((await verifyAdmission(token, { key: hs.verificationKey, room: ROOM, now: () => NOW })).valid);
  const other = AdmissionKey.fromSecret('another-secret-0123456789');
  assert.equal(reason(await verifyAdmission(token, { key: other.verificationKey, room: ROOM, now: () => NOW })), 'invalid-signature');
});

test('exactly one of jwksUrl and key is required', () => {
  assert.throws(() => verifyAdmission('x', {}), TypeError);
  assert.throws(() => verifyAdmission('x', { key: key.verificationKey, jwksUrl: 'http://127.0.0.1:1/jwks' }), TypeError);
});

let server: RunningServer;
before(async () => {
  server = await startServer({ port: 0, admissionKey: key, issuer: 'https://queue.ent.example' });
});
after(() => server.close());

test('over real HTTP: the JWKS serves the public key, and tokens verify against it with createRemoteJWKSet', async () => {
  const res = await fetch(`${server.apiUrl}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/jwk-set\+json/);
  const jwks = (await res.json()) as { keys: Record<string, string>[] };
  assert.equal(jwks.keys.length, 1);
  assert.deepEqual(
    { kty: jwks.keys[0]!.kty, crv: jwks.keys[0]!.crv, kid: jwks.keys[0]!.kid, alg: jwks.keys[0]!.alg, use: jwks.keys[0]!.use },
    { kty: 'EC', crv: 'P-256', kid: key.kid, alg: 'ES256', use: 'sig' },
  );
  assert.equal(jwks.keys[0]!.d, undefined, 'never the private part');

  const joined = await fetch(`${server.apiUrl}/rooms/${ROOM}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'jwks-e2e-key-0123456789' }) });
  const token = ((await joined.json()) as { admission: { token: string } }).admission.token;
  const jwksUrl = new URL(`${server.apiUrl}/.well-known/jwks.json`);
  const { payload } = await jwtVerify(token, createRemoteJWKSet(jwksUrl), { audience: ROOM, issuer: 'https://queue.ent.example' });
  assert.equal(payload.aud, ROOM);
  const verdict = await verifyAdmission(token, { jwksUrl, issuer: 'https://queue.ent.example', room: ROOM });
  assert.ok(verdict.valid);
  assert.equal(reason(await verifyAdmission(token, { jwksUrl, issuer: 'https://queue.ent.example', room: 'another-room' })), 'wrong-room');
});

test('a token whose kid the JWKS does not list is unknown-key; an unreachable JWKS is keys-unavailable', async () => {
  const strangerKey = AdmissionKey.generate();
  const stranger = await new Tokens(SECRET, 'https://queue.ent.example', strangerKey).admissionToken({
    room: ROOM, ticketId: 'ticket-0123456789', admittedAt: Date.now(), expiresAt: Date.now() + 60_000,
  });
  assert.equal(reason(await verifyAdmission(stranger, { jwksUrl: `${server.apiUrl}/.well-known/jwks.json`, issuer: 'https://queue.ent.example' })), 'unknown-key');
  assert.equal(reason(await verifyAdmission(stranger, { jwksUrl: 'http://127.0.0.1:9/jwks.json', issuer: 'https://queue.ent.example' })), 'keys-unavailable');
  assert.equal(reason(await verifyAdmission(stranger, { jwksUrl: `${server.origin}/no-jwks-here`, issuer: 'https://queue.ent.example' })), 'keys-unavailable');
});
