/**
 * docs/nginx.conf for real: Debian's nginx in front of a dummy ENT and the real antichambre server.
 * Without an admission the pupil is sent to the waiting page; with one, the ENT page is served.
 *
 * Needs `nginx` (Debian: apt-get install nginx). Without it the test is skipped with a loud message,
 * except under CI=true where a missing nginx fails: CI must prove the shipped config works.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer } from '../../src/server/serve.js';

const ROOM = 'college-jean-moulin';

function findNginx(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin'];
  return dirs.map((dir) => join(dir, 'nginx')).find((path) => existsSync(path)) ?? null;
}

const nginxPath = findNginx();
const missing = nginxPath === null ? 'nginx is not installed (Debian: apt-get install -y nginx): the nginx gate test is SKIPPED' : false;
if (missing) {
  if (process.env.CI === 'true') throw new Error(`${missing.replace('is SKIPPED', 'cannot run')}, and CI=true requires it`);
  console.warn(`\n⚠⚠⚠ ${missing} ⚠⚠⚠\n`);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let queue: RunningServer;
let ent: Server;
let nginx: ChildProcess;
let prefix: string;
let base: string;
let nginxLog = '';
const seenByEnt: IncomingHttpHeaders[] = [];

before(async () => {
  if (missing) return;
  queue = await startServer({ port: 0, trustProxy: true });
  ent = createServer((req, res) => {
    seenByEnt.push(req.headers);
    const waiting = req.url?.startsWith('/attente/');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(waiting ? '<antichambre-queue room="college-jean-moulin"></antichambre-queue>' : `<h1>ENT ${req.url}</h1>`);
  });
  await new Promise<void>((resolve) => ent.listen(0, '127.0.0.1', resolve));
  const entPort = (ent.address() as AddressInfo).port;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;

  // The shipped example, with this machine's ports: the only changes an operator makes too.
  const shipped = await readFile(new URL('../../docs/nginx.conf', import.meta.url), 'utf8');
  const site = shipped
    .replace('server 127.0.0.1:8081;', `server 127.0.0.1:${entPort};`)
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${queue.port};`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  assert.notEqual(site, shipped);
  prefix = await mkdtemp(join(tmpdir(), 'antichambre-nginx-'));
  await mkdir(join(prefix, 'tmp'));
  await writeFile(join(prefix, 'site.conf'), site);
  // Debian's nginx has absolute temp paths compiled in (/var/lib/nginx): keep everything in the prefix.
  await writeFile(
    join(prefix, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'tmp', 'body')};
  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};
  include ${join(prefix, 'site.conf')};
}
`,
  );
  nginx = spawn(nginxPath!, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'], { stdio: ['ignore', 'pipe', 'pipe'] });
  nginx.stderr?.on('data', (chunk: Buffer) => (nginxLog += chunk));
  nginx.stdout?.on('data', (chunk: Buffer) => (nginxLog += chunk));
  for (let i = 0; ; i++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}:\n${nginxLog}`);
    try {
      await fetch(`${base}/attente/`);
      break;
    } catch {
      if (i > 100) throw new Error(`nginx did not start:\n${nginxLog}`);
      await sleep(50);
    }
  }
});

after(async () => {
  if (missing) return;
  if (nginx && nginx.exitCode === null) {
    nginx.kill('SIGTERM');
    await new Promise((resolve) => nginx.once('exit', resolve));
  }
  await new Promise((resolve) => ent?.close(resolve));
  await queue?.close();
  if (prefix) await rm(prefix, { recursive: true, force: true });
});

const get = (path: string, cookie?: string) => fetch(`${base}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

test('without an admission the pupil is redirected (302) to the waiting page, which is reachable', { skip: missing }, async () => {
  const res = await get('/mon-compte/notes');
  assert.equal(res.status, 302, nginxLog);
  assert.equal(new URL(res.headers.get('location') ?? '', base).pathname, '/attente/');
  const waiting = await get('/attente/');
  assert.equal(waiting.status, 200);
  assert.match(await waiting.text(), /antichambre-queue/);
  assert.equal(seenByEnt.filter((h) => h['x-antichambre-ticket']).length, 0, 'the ENT saw nobody without admission');
});

test('with the admission from joining through nginx, the ENT page is served (200)', { skip: missing }, async () => {
  // The widget's path: join on the ENT's origin, receive the admission, store it in the cookie.
  const joined = await fetch(`${base}/api/v1/rooms/${ROOM}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'nginx-e2e-key-0123456789' }),
  });
  assert.equal(joined.status, 201, nginxLog);
  const ticket = (await joined.json()) as { id: string; admission: { token: string } };
  const cookie = `antichambre_admission=${encodeURIComponent(ticket.admission.token)}`;
  const res = await get('/mon-compte/notes', cookie);
  assert.equal(res.status, 200, nginxLog);
  assert.equal(await res.text(), '<h1>ENT /mon-compte/notes</h1>');
  assert.equal(seenByEnt.at(-1)?.['x-antichambre-ticket'], ticket.id, 'the ENT learns which ticket came in');
  const post = await fetch(`${base}/login`, { method: 'POST', headers: { cookie }, body: 'user=eleve', redirect: 'manual' });
  assert.equal(post.status, 200, 'a form POST goes through the gate too');
});

test('a forged, tampered or other-room admission is redirected like no admission', { skip: missing }, async () => {
  const other = await fetch(`${base}/api/v1/rooms/lycee-victor-hugo/tickets`, {
    method: 'POST',
    body: JSON.stringify({ key: 'nginx-e2e-other-0123456789' }),
  });
  const otherToken = ((await other.json()) as { admission: { token: string } }).admission.token;
  const [head, payload, sig] = otherToken.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const moved = `${head}.${Buffer.from(JSON.stringify({ ...claims, aud: ROOM })).toString('base64url')}.${sig}`;
  for (const token of [otherToken, moved, 'eyJhbGciOiJub25lIn0.e30.']) {
    const res = await get('/mon-compte/notes', `antichambre_admission=${token}`);
    assert.equal(res.status, 302, token);
  }
});
