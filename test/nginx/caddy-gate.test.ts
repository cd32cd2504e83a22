/**
 * docs/Caddyfile for real: Debian's caddy in front of a dummy ENT and the real antichambre server, the same
 * checks as the nginx gate (gate.test.ts). Without an admission the pupil is sent to the waiting page; with
 * one, the ENT page is served and learns the ticket id.
 *
 * Needs `caddy` (Debian: apt-get install caddy). Without it the test is skipped with a loud message,
 * except under CI=true where a missing caddy fails: CI must prove the shipped config works.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Backends, badAdmissions, findTool, freePort, startBackends, startProxy, type RunningProxy } from './proxy-process.js';
import { copyRecipeFiles, shippedConfig } from './gate-recipe.js';

const ROOM = 'college-jean-moulin';

const { path: caddyPath, missing } = findTool('caddy', ['/usr/bin', '/usr/local/bin']);

let backends: Backends;
let caddy: RunningProxy;
let home: string;
let srv: string;
let base: string;

before(async () => {
  if (missing) return;
  backends = await startBackends();
  const { entPort, queue } = backends;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;

  // The shipped recipe with this machine's address, ports and directory: the only changes an operator makes too
  // (plain HTTP here: a test has no certificate; `admin off` so parallel runs do not fight over :2019).
  srv = await copyRecipeFiles();
  const site = `{\n\tadmin off\n}\n\n${await shippedConfig('docs/Caddyfile', { proxy: port, ent: entPort, queue: queue.port, srv })}`;
  home = await mkdtemp(join(tmpdir(), 'antichambre-caddy-'));
  await writeFile(join(home, 'Caddyfile'), site);
  // Caddy keeps its data and config under HOME/XDG dirs: keep them in the temp dir.
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
  caddy = await startProxy(caddyPath!, ['run', '--adapter', 'caddyfile', '--config', join(home, 'Caddyfile')], `${base}/attente/`, { env });
});

after(async () => {
  if (missing) return;
  await caddy?.stop();
  await backends?.close();
  if (home) await rm(home, { recursive: true, force: true });
  if (srv) await rm(srv, { recursive: true, force: true });
});

const get = (path: string, cookie?: string) => fetch(`${base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const join_ = async (room: string, key: string) => {
  const res = await fetch(`${base}/api/v1/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  assert.equal(res.status, 201, caddy.log());
  return (await res.json()) as { id: string; admission: { token: string } };
};

test('Caddy: without an admission the pupil is redirected (302) to the waiting page, which is reachable', { skip: missing }, async () => {
  const res = await get('/mon-compte/notes');
  assert.equal(res.status, 302, caddy.log());
  assert.equal(new URL(res.headers.get('location') ?? '', base).pathname, '/attente/');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const waiting = await get('/attente/');
  assert.equal(waiting.status, 200);
  assert.match(await waiting.text(), /antichambre-queue/);
  assert.equal(backends.seenByEnt.filter((seen) => seen.url.startsWith('/mon-compte')).length, 0, 'the ENT saw nobody without admission');
});

test('Caddy: with the admission from joining through Caddy, the ENT page is served and learns the ticket', { skip: missing }, async () => {
  const ticket = await join_(ROOM, 'caddy-e2e-key-0123456789');
  const cookie = `antichambre_admission=${encodeURIComponent(ticket.admission.token)}`;
  const res = await get('/mon-compte/notes', cookie);
  assert.equal(res.status, 200, caddy.log());
  assert.equal(await res.text(), '<h1>ENT /mon-compte/notes</h1>');
  assert.equal(backends.seenByEnt.at(-1)?.headers['x-antichambre-ticket'], ticket.id, 'the ENT learns which ticket came in');
  const post = await fetch(`${base}/login`, { method: 'POST', headers: { cookie }, body: 'user=eleve', redirect: 'manual' });
  assert.equal(post.status, 200, 'a form POST goes through the gate too');
});

test('Caddy: a forged, tampered or other-room admission is redirected like no admission', { skip: missing }, async () => {
  const otherToken = (await join_('lycee-victor-hugo', 'caddy-e2e-other-0123456789')).admission.token;
  for (const token of badAdmissions(otherToken, ROOM)) {
    const res = await get('/mon-compte/notes', `antichambre_admission=${token}`);
    assert.equal(res.status, 302, token);
  }
  // A pupil cannot smuggle a ticket id past the gate either.
  const res = await fetch(`${base}/mon-compte/notes`, { redirect: 'manual', headers: { 'x-antichambre-ticket': 'forged' } });
  assert.equal(res.status, 302);
});
