import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { PassKeyring } from '../../../src/server/passes/pass-keyring.js';

test('the last keys read from a JWKS URL keep working while the ENT serving them is down (8:00, the ENT overloaded)', async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'ent-2026', alg: 'ES256', use: 'sig' };
  let up = true;
  let fetches = 0;
  const server = createServer((_request, res) => {
    fetches++;
    if (!up) return void res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    const keyring = new PassKeyring({ cacheMaxAgeMs: 50, retryAfterFailureMs: 20 });
    const lookup = keyring.lookup({ jwksUrl: url })!;
    const pass = await new SignJWT({ lane: 'personnels' }).setProtectedHeader({ alg: 'ES256', kid: 'ent-2026' }).setSubject('t').setAudience('r').setExpirationTime('1h').sign(privateKey);
    assert.equal((await jwtVerify(pass, lookup)).payload.lane, 'personnels');
    up = false;
    for (const wait of [80, 10, 40]) {
      await new Promise((resolve) => setTimeout(resolve, wait)); // past cacheMaxAge: jose wants to refetch
      assert.equal((await jwtVerify(pass, lookup)).payload.lane, 'personnels', `after ${wait} ms more with the JWKS down`);
    }
    assert.ok(fetches >= 2, `the keyring kept trying to refresh (${fetches} fetches)`);
  } finally {
    server.close();
  }
});
