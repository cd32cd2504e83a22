/**
 * Passes as an ENT and a browser use them, over real HTTP: a staff pass minted with jose puts its holder in
 * the staff lane, ahead of the pupils; a forged, expired, other-room or shared pass does not, and never
 * costs the pupil an error. Keys listed in the room config or served at a JWKS URL (down: default lane, fast).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { startServer, type RunningServer } from '../../../src/server/http/serve.js';
import { withDefaults } from '../../../src/server/config/settings.js';
import { memoryPasses } from '../../../src/server/passes/passes-from-settings.js';
import { redisAvailable, startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { newKey } from '../../support/harness.js';
import { entKeys, type Ent, type JoinAnswer } from '../../support/pass-minting.js';

const ADMIN = 'passes-test-admin-token';
const LANES = [{ name: 'personnels', share: 0.5 }];


let ent: Ent;
let forger: Ent;

/** As docs/integration.md, "Minting a pass (Node)", says. */
function mint(room: string, claims: { lane?: string; sub?: string; expiresIn?: string | number } = {}, key = ent.privateKey): Promise<string> {
  return new SignJWT({ lane: claims.lane ?? 'personnels' })
    .setProtectedHeader({ alg: 'ES256', kid: 'ent-2026' })
    .setSubject(claims.sub ?? `prof-${Math.random().toString(36).slice(2)}`)
    .setAudience(room)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '8h')
    .sign(key);
}

async function configure(server: RunningServer, room: string, body: object): Promise<void> {
  const res = await fetch(`${server.apiUrl}/admin/rooms/${room}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify(body),
  });
  assert.ok(res.status === 200 || res.status === 201, `PUT ${room}: ${res.status} ${await res.text()}`);
}

async function join(server: RunningServer, room: string, pass?: string, key = newKey()): Promise<{ status: number; body: JoinAnswer }> {
  const res = await fetch(`${server.apiUrl}/rooms/${room}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(pass === undefined ? { key } : { key, pass }),
  });
  return { status: res.status, body: (await res.json()) as JoinAnswer };
}

before(async () => {
  ent = await entKeys();
  forger = await entKeys();
});

describe('memory store', () => {
  let server: RunningServer;
  before(async () => {
    // 300 ms JWKS timeout instead of 1 s: the "JWKS down" case stays cheap.
    server = await startServer({ port: 0, adminToken: ADMIN, joinLimitPerMinute: 0, passes: memoryPasses(withDefaults({}), { fetchTimeoutMs: 300 }) });
  });
  after(() => server?.close());

  test('a staff pass puts the join in lane personnels, ahead of the pupils; the same key re-joining gets it back', async () => {
    const room = 'college-staff-first';
    await configure(server, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
    for (let i = 0; i < 3; i++) assert.equal((await join(server, room)).body.lane, undefined, 'no pass: default lane');
    const pass = await mint(room);
    const key = newKey();
    const staff = await join(server, room, pass, key);
    assert.equal(staff.status, 201);
    assert.equal(staff.body.lane, 'personnels');
    assert.equal(staff.body.passRefused, undefined);
    assert.equal(staff.body.position, 1, 'nobody passes before the teacher');
    const again = await join(server, room, pass, key);
    assert.deepEqual([again.status, again.body.id, again.body.lane], [200, staff.body.id, 'personnels']);
  });

  test('a forged, expired, other-room, unknown-lane, malformed or oversize pass joins the default lane and says why', async () => {
    const room = 'college-wrong-passes';
    await configure(server, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
    const cases: [string, string][] = [
      [await mint(room, {}, forger.privateKey), 'pass-invalid'],
      [await mint(room, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), 'pass-expired'],
      [await mint('lycee-victor-hugo'), 'pass-wrong-room'],
      [await mint(room, { lane: 'direction' }), 'pass-unknown-lane'],
      ['eyJhbGciOiJFUzI1NiJ9.not-a-pass', 'pass-invalid'],
      ['x'.repeat(5000), 'pass-invalid'],
    ];
    for (const [pass, refusal] of cases) {
      const { status, body } = await join(server, room, pass);
      assert.deepEqual([status, body.state, body.lane, body.passRefused], [201, 'waiting', undefined, refusal], refusal);
    }
    const elsewhere = 'college-without-keys';
    await configure(server, elsewhere, { capacity: 0, lanes: LANES });
    assert.equal((await join(server, elsewhere, await mint(elsewhere))).body.passRefused, 'pass-keys-missing');
  });

  test('a pass shared with the class: one live ticket in the lane, the others in the default lane', async () => {
    const room = 'college-shared-pass';
    await configure(server, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
    const pass = await mint(room, { sub: 'prof-shared' });
    const [teacher, pupil] = [newKey(), newKey()];
    const first = await join(server, room, pass, teacher);
    assert.equal(first.body.lane, 'personnels');
    const copied = await join(server, room, pass, pupil);
    assert.deepEqual([copied.status, copied.body.lane, copied.body.passRefused], [201, undefined, 'pass-subject-busy']);
    assert.equal((await join(server, room, pass, teacher)).body.lane, 'personnels', 'the teacher re-joining keeps the lane');
    // Once the teacher's ticket has ended, the pass is good again (for a new key: the pupil's own ticket stays where it is).
    const released = await fetch(`${server.apiUrl}/rooms/${room}/tickets/${first.body.id}/release`, { method: 'POST', headers: { authorization: `Bearer ${first.body.ticket}` } });
    assert.equal(released.status, 204);
    assert.equal((await join(server, room, pass)).body.lane, 'personnels');
  });

  test('two joins racing with the same pass: exactly one gets the lane', async () => {
    const room = 'college-raced-pass';
    await configure(server, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
    const pass = await mint(room, { sub: 'prof-raced' });
    const answers = await Promise.all(Array.from({ length: 6 }, () => join(server, room, pass)));
    assert.equal(answers.filter((a) => a.body.lane === 'personnels').length, 1);
    assert.equal(answers.filter((a) => a.body.passRefused === 'pass-subject-busy').length, 5);
  });

  test('the admin API refuses a private key, and null removes the keys; a declared room (--rooms) brings its own', async () => {
    const room = 'college-admin-keys';
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const put = (body: object) =>
      fetch(`${server.apiUrl}/admin/rooms/${room}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: JSON.stringify(body) });
    const refused = await put({ passKeys: { publicKeys: [await exportJWK(privateKey)] } });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /^passKeys must be .*no private member/);
    // Keys fetched over plain http from another host could be anyone's: refused, loopback excepted.
    const plain = await put({ passKeys: { jwksUrl: 'http://ent.example/jwks.json' } });
    assert.equal(plain.status, 400);
    assert.match(((await plain.json()) as { error: { message: string } }).error.message, /^passKeys must be .*https; plain http only on loopback/);
    await configure(server, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
    assert.equal((await join(server, room, await mint(room))).body.lane, 'personnels');
    await configure(server, room, { passKeys: null });
    assert.equal((await join(server, room, await mint(room))).body.passRefused, 'pass-keys-missing');

    const declared = await startServer({ port: 0, adminToken: ADMIN, declaredRooms: { 'college-declared': { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } } } });
    try {
      assert.equal((await join(declared, 'college-declared', await mint('college-declared'))).body.lane, 'personnels');
    } finally {
      await declared.close();
    }
  });

  test('keys served at a JWKS URL are fetched once and used; a JWKS that is down sends the pass to the default lane fast', async () => {
    let fetches = 0;
    const jwks = await listen(createServer((_request, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [ent.jwk] }));
    }));
    const hung = await listen(createServer(() => {})); // accepts, never answers
    try {
      const room = 'college-jwks';
      await configure(server, room, { capacity: 0, lanes: LANES, passKeys: { jwksUrl: `${jwks.url}/.well-known/jwks.json` } });
      assert.equal((await join(server, room, await mint(room))).body.lane, 'personnels');
      assert.equal((await join(server, room, await mint(room))).body.lane, 'personnels');
      assert.equal(fetches, 1, 'cached');

      const down = 'college-jwks-down';
      await configure(server, down, { capacity: 0, lanes: LANES, passKeys: { jwksUrl: `${hung.url}/jwks.json` } });
      const started = performance.now();
      const { status, body } = await join(server, down, await mint(down));
      const tookMs = performance.now() - started;
      assert.deepEqual([status, body.lane, body.passRefused], [201, undefined, 'pass-keys-missing']);
      assert.ok(tookMs < 1000, `answered in ${tookMs.toFixed(0)} ms (fetch timeout 300 ms)`);
      const retried = performance.now();
      assert.equal((await join(server, down, await mint(down))).body.passRefused, 'pass-keys-missing');
      assert.ok(performance.now() - retried < 100, 'within 5 s of a failure, no second wait');
    } finally {
      jwks.server.close();
      hung.server.closeAllConnections();
      hung.server.close();
    }
  });
});

if (redisAvailable('the passes over Redis test')) {
  describe('redis store, two instances', () => {
    let redis: RedisServer;
    const servers: RunningServer[] = [];
    before(async () => {
      redis = await startRedisServer();
      for (let i = 0; i < 2; i++) servers.push(await startServer({ port: 0, adminToken: ADMIN, redisUrl: redis.url, secret: 'passes-redis-secret', joinLimitPerMinute: 0, shutdownGraceMs: 500 }));
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await redis?.stop();
    });

    test('keys set through one instance verify passes on the other; one live ticket per subject across both', async () => {
      const [a, b] = servers as [RunningServer, RunningServer];
      const room = 'college-redis-passes';
      await configure(a, room, { capacity: 0, lanes: LANES, passKeys: { publicKeys: [ent.jwk] } });
      const pass = await mint(room, { sub: 'prof-redis' });
      const answers = await Promise.all([join(a, room, pass), join(b, room, pass), join(a, room, pass), join(b, room, pass)]);
      assert.equal(answers.filter((x) => x.body.lane === 'personnels').length, 1, 'exactly one of four racing joins');
      assert.equal(answers.filter((x) => x.body.passRefused === 'pass-subject-busy').length, 3);
      assert.equal((await join(b, room, await mint(room))).body.lane, 'personnels', 'another subject still gets the lane');
    });
  });
}

async function listen(server: Server): Promise<{ server: Server; url: string }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
