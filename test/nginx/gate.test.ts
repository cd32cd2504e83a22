/**
 * docs/nginx.conf for real: Debian's nginx in front of a dummy ENT and the real antichambre server.
 * Without an admission the pupil is sent to the waiting page; with one, the ENT page is served.
 *
 * Needs `nginx` (Debian: apt-get install nginx). Without it the test is skipped with a loud message,
 * except under CI=true where a missing nginx fails: CI must prove the shipped config works.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { type Backends, badAdmissions, findTool, freePort, startBackends, startNginxSite, type RunningProxy } from './proxy-process.js';
import { copyRecipeFiles, shippedConfig } from './gate-recipe.js';

const ROOM = 'college-jean-moulin';

const { path: nginxPath, missing } = findTool('nginx', ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']);

let backends: Backends;
let nginx: RunningProxy;
let srv: string;
let base: string;

before(async () => {
  if (missing) return;
  backends = await startBackends();
  const { entPort, queue } = backends;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;

  // The shipped recipe, with this machine's ports and directory: the only changes an operator makes too.
  srv = await copyRecipeFiles();
  const site = await shippedConfig('docs/nginx.conf', { proxy: port, ent: entPort, queue: queue.port, srv });
  nginx = await startNginxSite(nginxPath!, site, `${base}/attente/`);
});

after(async () => {
  if (missing) return;
  await nginx?.stop();
  await backends?.close();
  if (srv) await rm(srv, { recursive: true, force: true });
});

const get = (path: string, cookie?: string) => fetch(`${base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

test('without an admission the pupil is redirected (302) to the waiting page, which is reachable', { skip: missing }, async () => {
  const res = await get('/mon-compte/notes');
  assert.equal(res.status, 302, nginx.log());
  assert.equal(new URL(res.headers.get('location') ?? '', base).pathname, '/attente/');
  const waiting = await get('/attente/');
  assert.equal(waiting.status, 200);
  assert.match(await waiting.text(), /antichambre-queue/);
  assert.equal(backends.seenByEnt.filter((seen) => seen.headers['x-antichambre-ticket']).length, 0, 'the ENT saw nobody without admission');
});

test('with the admission from joining through nginx, the ENT page is served (200)', { skip: missing }, async () => {
  // The widget's path: join on the ENT's origin, receive the admission, store it in the cookie.
  const joined = await fetch(`${base}/api/v1/rooms/${ROOM}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'nginx-e2e-key-0123456789' }),
  });
  assert.equal(joined.status, 201, nginx.log());
  const ticket = (await joined.json()) as { id: string; admission: { token: string } };
  const cookie = `antichambre_admission=${encodeURIComponent(ticket.admission.token)}`;
  const res = await get('/mon-compte/notes', cookie);
  assert.equal(res.status, 200, nginx.log());
  assert.equal(await res.text(), '<h1>ENT /mon-compte/notes</h1>');
  assert.equal(backends.seenByEnt.at(-1)?.headers['x-antichambre-ticket'], ticket.id, 'the ENT learns which ticket came in');
  const post = await fetch(`${base}/login`, { method: 'POST', headers: { cookie }, body: 'user=eleve', redirect: 'manual' });
  assert.equal(post.status, 200, 'a form POST goes through the gate too');
});

test('a forged, tampered or other-room admission is redirected like no admission', { skip: missing }, async () => {
  const other = await fetch(`${base}/api/v1/rooms/lycee-victor-hugo/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'nginx-e2e-other-0123456789' }),
  });
  const otherToken = ((await other.json()) as { admission: { token: string } }).admission.token;
  for (const token of badAdmissions(otherToken, ROOM)) {
    const res = await get('/mon-compte/notes', `antichambre_admission=${token}`);
    assert.equal(res.status, 302, token);
  }
});
