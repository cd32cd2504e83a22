/**
 * What the two recipe (b) tests share (gate-recipe-nginx.test.ts, gate-recipe-caddy.test.ts): the shipped
 * files put in place as an operator does, with only ports and paths changed; a small ENT of the test's own;
 * the real queue server.
 *
 * Placeholder scheme of docs/nginx.conf and docs/Caddyfile (the only changes made, also listed in their
 * headers): `listen 80;` / the site address `ent.example`, the ENT application `127.0.0.1:8081`, the queue
 * server `127.0.0.1:8080`, the directory `/srv/antichambre`. The ENT's pages hold
 * docs/recipes/gate/ent-pages.html as shipped, except its idle timing (a release within the test's time).
 */
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { RequestCounter } from '../support/tab-counter.js';

export const ROOM = 'college-jean-moulin';
const ROOT = new URL('../../', import.meta.url);

export interface RecipePorts {
  /** The proxy's own port (where `listen 80` / `ent.example` was). */
  proxy: number;
  ent: number;
  queue: number;
  /** What replaces /srv/antichambre. */
  srv: string;
}

/** The shipped config with this machine's ports and directory: exactly the operator's changes. */
export async function shippedConfig(file: 'docs/nginx.conf' | 'docs/Caddyfile', ports: RecipePorts): Promise<string> {
  const shipped = await readFile(new URL(file, ROOT), 'utf8');
  const site = shipped
    .replace('listen 80;', `listen 127.0.0.1:${ports.proxy};`)
    .replace(/^ent\.example \{/m, `http://127.0.0.1:${ports.proxy} {`)
    .replaceAll('127.0.0.1:8081', `127.0.0.1:${ports.ent}`)
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.queue}`)
    .replaceAll('/srv/antichambre', ports.srv);
  if (!site.includes(`127.0.0.1:${ports.proxy}`)) throw new Error(`${file}: no \`listen 80;\` or \`ent.example {\` to give this test's port`);
  return site;
}

/** `cp dist/antichambre*.js /srv/antichambre/ && cp -r docs/recipes/gate/static/. /srv/antichambre/`, in a temp dir. */
export async function copyRecipeFiles(): Promise<string> {
  const srv = await mkdtemp(join(tmpdir(), 'antichambre-srv-'));
  const dist = fileURLToPath(new URL('dist/', ROOT));
  const widgetFiles = (await readdir(dist)).filter((file) => /^antichambre[\w-]*\.js$/.test(file));
  if (!widgetFiles.includes('antichambre.js') || !widgetFiles.includes('antichambre-sw.js')) throw new Error('dist/ has no widget: run npm run build');
  for (const file of widgetFiles) await cp(join(dist, file), join(srv, file));
  await cp(fileURLToPath(new URL('docs/recipes/gate/static/', ROOT)), srv, { recursive: true });
  return srv;
}

export interface EntApp {
  port: number;
  /** Every request the ENT received, in order, with the ticket the gate passed on. */
  seen: { method: string; path: string; ticket: string | undefined }[];
  close(): Promise<void>;
}

/**
 * A small ENT: a login page, POST /login sets a session cookie, a home page and two more pages, /logout
 * (clears the session, then /au-revoir/ as the recipe says). Every page holds the recipe's ent-pages.html.
 */
export async function startEntApp({ idleTimeoutS }: { idleTimeoutS: number }): Promise<EntApp> {
  const snippet = (await readFile(new URL('docs/recipes/gate/ent-pages.html', ROOT), 'utf8'))
    .replace('idle-timeout="900"', `idle-timeout="${idleTimeoutS}"`)
    .replace('idle-warning="60"', 'idle-warning="20"');
  if (!snippet.includes(`idle-timeout="${idleTimeoutS}"`)) throw new Error('ent-pages.html: no idle-timeout="900" to shorten');
  const page = (title: string, body: string) =>
    `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}${snippet}</body></html>`;
  const nav = '<nav><a href="/">Accueil</a> <a href="/cours">Cours</a> <a href="/notes">Notes</a> <a href="/logout">Se déconnecter</a></nav>';
  const sessions = new Set<string>();
  const seen: EntApp['seen'] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://ent').pathname;
    seen.push({ method: req.method ?? 'GET', path, ticket: header(req.headers, 'x-antichambre-ticket') });
    const session = /(?:^|;\s*)ent_session=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];
    const signedIn = session !== undefined && sessions.has(session);
    const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
    const go = (location: string, cookie?: string) => res.writeHead(303, { location, ...(cookie ? { 'set-cookie': cookie } : {}) }).end();
    if (path === '/login' && req.method === 'POST') {
      const id = crypto.randomUUID();
      sessions.add(id);
      req.resume();
      return go('/', `ent_session=${id}; Path=/; HttpOnly; SameSite=Lax`);
    }
    if (path === '/login') {
      return html(page('Connexion', '<form method="post" action="/login"><label>Identifiant <input name="user"></label> <button>Se connecter</button></form>'));
    }
    if (path === '/logout') {
      if (session) sessions.delete(session);
      return go('/au-revoir/', 'ent_session=; Path=/; Max-Age=0');
    }
    if (!signedIn) return go('/login');
    if (path === '/') return html(page('Accueil', nav));
    if (path === '/cours' || path === '/notes') return html(page(path === '/cours' ? 'Cours' : 'Notes', nav));
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export interface Queue {
  server: RunningServer;
  counter: RequestCounter;
  /** Seats and pace of the room, through the admin API on the queue server's own port (not the proxy). */
  configure(capacity: number): Promise<void>;
  /** Pupils admitted right now (the admin API's view). */
  active(): Promise<number>;
}

/** The queue server as the recipe runs it: on loopback, behind the proxy it trusts; the room full at first. */
export async function startQueue(): Promise<Queue> {
  const counter = new RequestCounter();
  const server = await startServer({ port: 0, capacity: 0, admitPerMinute: 600, trustProxy: ['127.0.0.1'], intercept: counter.intercept, shutdownGraceMs: 500 });
  const admin = (method: string, body?: unknown) =>
    fetch(`${server.apiUrl}/admin/rooms/${ROOM}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    server,
    counter,
    async configure(capacity) {
      const res = await admin('PUT', { capacity, admitPerMinute: 600, open: true });
      if (res.status >= 300) throw new Error(`admin PUT answered ${res.status}: ${await res.text()}`);
    },
    async active() {
      const res = await admin('GET');
      const room = (await res.json()) as { active?: number; room?: { active?: number } };
      return room.active ?? room.room?.active ?? Number.NaN;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ok = async () => {
    try {
      return await check();
    } catch {
      return false; // a page between two documents
    }
  };
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** What axe-core finds wrong on the page (RGAA, the French public services' rule, rests on WCAG). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
}
