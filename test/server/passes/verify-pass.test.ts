/** A pass as an ENT mints it (jose, as docs/integration.md shows) is taken; anything else names its refusal. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { PassKeys } from '../../../src/core/protocol/protocol.js';

type PublicJwk = NonNullable<PassKeys['publicKeys']>[number];
import { PassKeyring } from '../../../src/server/passes/pass-keyring.js';
import { MAX_PASS_LENGTH, verifyPass } from '../../../src/server/passes/verify-pass.js';

const NOW = Date.parse('2026-09-01T07:55:00+02:00');
const ROOM = { id: 'college-jean-moulin', lanes: ['personnels', 'parents'] };

async function keyPair(alg: 'ES256' | 'EdDSA' | 'RS256'): Promise<{ privateKey: CryptoKey; jwk: PublicJwk }> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: `ent-${alg}`, alg } as PublicJwk };
}

function mint(privateKey: CryptoKey, alg: string, claims: Record<string, unknown> = {}, expiresInS = 8 * 3600, kid = `ent-${alg}`): Promise<string> {
  const iat = Math.floor(NOW / 1000);
  return new SignJWT({ lane: 'personnels', sub: 'enseignant-4521', aud: ROOM.id, iat, exp: iat + expiresInS, ...claims }).setProtectedHeader({ alg, kid }).sign(privateKey);
}

test('a pass signed with ES256, EdDSA or RS256 by a key of the room gives its lane and subject', async () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
    const { privateKey, jwk } = await keyPair(alg);
    const getKey = new PassKeyring().lookup({ publicKeys: [jwk] });
    assert.deepEqual(await verifyPass(await mint(privateKey, alg), ROOM, getKey, NOW), { ok: true, pass: { lane: 'personnels', subject: 'enseignant-4521' } }, alg);
  }
});

test('each wrong pass is refused with the code that says why', async () => {
  const ent = await keyPair('ES256');
  const forger = await keyPair('ES256');
  const getKey = new PassKeyring().lookup({ publicKeys: [ent.jwk] });
  const refusal = async (pass: string) => {
    const check = await verifyPass(pass, ROOM, getKey, NOW);
    return check.ok ? 'accepted' : check.refusal;
  };
  assert.equal(await refusal(await mint(forger.privateKey, 'ES256')), 'pass-invalid', 'signed by another key under the same kid');
  assert.equal(await refusal(await mint(forger.privateKey, 'ES256', {}, 3600, 'forger')), 'pass-invalid', 'a kid the room does not know');
  assert.equal(await refusal(await mint(ent.privateKey, 'ES256', {}, -60)), 'pass-expired');
  assert.equal(await refusal(await mint(ent.privateKey, 'ES256', {}, -3)), 'accepted', 'within the 5 s clock tolerance');
  assert.equal(await refusal(await mint(ent.privateKey, 'ES256', { aud: 'lycee-victor-hugo' })), 'pass-wrong-room');
  assert.equal(await refusal(await mint(ent.privateKey, 'ES256', { lane: 'direction' })), 'pass-unknown-lane');
  assert.equal(await refusal(await mint(ent.privateKey, 'ES256', { lane: 'default' })), 'pass-unknown-lane');
  assert.equal(await refusal(await mint(ent.privateKey, 'ES256', {}, 7 * 24 * 3600 + 60)), 'pass-invalid', 'good for more than 7 days');
  assert.equal(await refusal(await mint(ent.privateKey, 'ES256', {}, 65 * 3600)), 'accepted', 'minted on Friday at 17:00, used on Monday at 07:50');
  assert.equal(await refusal('not.a.jwt'), 'pass-invalid');
  assert.equal(await refusal(''), 'pass-invalid');
  assert.equal(await refusal('x'.repeat(MAX_PASS_LENGTH + 1)), 'pass-invalid');
  assert.deepEqual(await verifyPass(await mint(ent.privateKey, 'ES256'), ROOM, undefined, NOW), { ok: false, refusal: 'pass-keys-missing' }, 'a room without keys');

  const hmac = await new SignJWT({ lane: 'personnels' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('x')
    .setAudience(ROOM.id)
    .setExpirationTime(Math.floor(NOW / 1000) + 60)
    .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
  assert.equal(await refusal(hmac), 'pass-invalid', 'HS256 is never accepted');
  const noExp = await new SignJWT({ lane: 'personnels' }).setProtectedHeader({ alg: 'ES256', kid: 'ent-ES256' }).setSubject('x').setAudience(ROOM.id).sign(ent.privateKey);
  assert.equal(await refusal(noExp), 'pass-invalid', 'exp is required');
  const noSub = await new SignJWT({ lane: 'personnels' }).setProtectedHeader({ alg: 'ES256', kid: 'ent-ES256' }).setAudience(ROOM.id).setExpirationTime(Math.floor(NOW / 1000) + 60).sign(ent.privateKey);
  assert.equal(await refusal(noSub), 'pass-invalid', 'sub is required');
});
