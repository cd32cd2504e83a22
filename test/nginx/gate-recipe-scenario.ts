/**
 * Recipe (b) end to end, the same for nginx and Caddy (issue 13): the shipped config and pages in front of a
 * small ENT and the real queue server, driven in real Chromium. Pupil A waits on /attente/, gets in, logs in
 * and browses; pupil B waits; A goes idle and is released, B gets in; B logs out and is not put back in
 * line; the service worker shows /attente/ while the origin is down; the queue server down → a French page.
 * Each step is its own test, named after what a pupil or operator would see; they run in order.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { freePort, type RunningProxy } from './proxy-process.js';
import { axeViolations, copyRecipeFiles, ROOM, shippedConfig, startEntApp, startQueue, sleep, until, type EntApp, type Queue, type RecipePorts } from './gate-recipe.js';

/** Starts the proxy on `ports` with the shipped config (gate-recipe.ts shippedConfig), resolves once it answers. */
export type ProxyLauncher = (ports: RecipePorts) => Promise<RunningProxy>;

/** Long enough for a rejoin or a reload loop to show, short enough for CI. */
const WATCH_MS = 4_000;
const IDLE_TIMEOUT_S = 3;

export function gateRecipeSuite(name: string, launch: ProxyLauncher, skip: string | false): void {
  let queue: Queue;
  let ent: EntApp;
  let proxy: RunningProxy;
  let ports: RecipePorts;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pupil: { a?: Page; b?: Page } = {};
  let queueDown = false;

  before(async () => {
    if (skip) return;
    const srv = await copyRecipeFiles();
    queue = await startQueue();
    ent = await startEntApp({ idleTimeoutS: IDLE_TIMEOUT_S });
    ports = { proxy: await freePort(), ent: ent.port, queue: queue.server.port, srv };
    base = `http://127.0.0.1:${ports.proxy}`;
    proxy = await launch(ports);
    browser = await launchChromium();
  });

  after(async () => {
    if (skip) return;
    await browser?.close();
    await proxy?.stop();
    await ent?.close();
    if (!queueDown) await queue?.server.close();
    if (ports?.srv) await rm(ports.srv, { recursive: true, force: true });
  });

  const newPupil = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  };
  const path = (page: Page) => new URL(page.url()).pathname;
  const heading = (page: Page) => page.locator('h1, h2').allTextContents().then((texts) => texts.join(' | ')).catch(() => '');
  const waitInLine = (page: Page) => page.locator('antichambre-queue').getByText(/Vous êtes .*\d/).waitFor({ timeout: 20_000 });
  const joins = () => queue.counter.of(ROOM).joins;

  test(`${name}: the widget, its chunks and the worker load outside the gate; other pages need an admission`, { skip }, async () => {
    for (const file of ['/antichambre.js', '/antichambre-session.js', '/antichambre-sw.js']) {
      const res = await fetch(`${base}${file}`, { redirect: 'manual' });
      assert.equal(res.status, 200, `${file} answered ${res.status}\n${proxy.log()}`);
      assert.match(res.headers.get('content-type') ?? '', /javascript/, file);
    }
    const gated = await fetch(`${base}/notes`, { redirect: 'manual' });
    assert.equal(gated.status, 302);
    assert.equal(gated.headers.get('location')?.replace(base, ''), '/attente/');
  });

  test(`${name}: the admin API is not public, even with the right token`, { skip }, async () => {
    const res = await fetch(`${base}/api/v1/admin/rooms`, { headers: { authorization: `Bearer ${queue.server.adminToken}` } });
    assert.equal(res.status, 403, `through the proxy: ${res.status}`);
    // Spellings a path match could miss, which the queue server might still route to the admin API.
    for (const variant of ['/api/v1//admin/rooms', '/api/v1/%61dmin/rooms', '/api/v1/./admin/rooms', '/api/v1/rooms/../admin/rooms']) {
      const sneaky = await fetch(`${base}${variant}`, { headers: { authorization: `Bearer ${queue.server.adminToken}` } });
      assert.notEqual(sneaky.status, 200, `${variant} answered 200 through the proxy`);
    }
    const direct = await fetch(`${queue.server.apiUrl}/admin/rooms`, { headers: { authorization: `Bearer ${queue.server.adminToken}` } });
    assert.equal(direct.status, 200, 'on the queue server’s own port it answers');
  });

  test(`${name}: pupil A waits on /attente/, gets in once a seat frees, logs in and browses`, { skip }, async () => {
    const a = (pupil.a = await newPupil());
    await a.goto(`${base}/notes`);
    assert.equal(path(a), '/attente/', 'the gate sends a pupil without admission to the waiting page');
    await waitInLine(a);
    assert.deepEqual(await axeViolations(a), [], 'the waiting page is accessible');
    assert.equal(await a.evaluate(() => navigator.serviceWorker.ready.then((r) => new URL(r.scope).pathname)), '/', 'the worker is registered for the site');
    await queue.configure(1);
    await until(() => path(a) === '/login', 'the way into the ENT once admitted');
    await a.locator('input[name="user"]').fill('eleve-a');
    await a.getByRole('button', { name: 'Se connecter' }).click();
    await until(async () => path(a) === '/' && (await heading(a)).includes('Accueil'), 'the home page');
    await a.getByRole('link', { name: 'Cours' }).click();
    await until(async () => (await heading(a)).includes('Cours'), 'the Cours page');
    assert.equal(joins(), 1, 'one join');
    const entered = ent.seen.filter((s) => s.path === '/cours');
    assert.ok(entered.length > 0 && entered.every((s) => s.ticket), 'the ENT learns who came in (X-Antichambre-Ticket)');
  });

  test(`${name}: pupil B waits; A, idle, is warned then released to /au-revoir/; B gets in`, { skip }, async () => {
    const a = pupil.a!;
    const b = (pupil.b = await newPupil());
    await b.goto(`${base}/`);
    assert.equal(path(b), '/attente/');
    await waitInLine(b);
    await a.getByRole('alertdialog').waitFor({ timeout: 20_000 });
    await until(() => path(a) === '/au-revoir/', 'A released for inactivity, on the page that does not join', 60_000);
    await until(() => path(b) === '/login', 'B let in on the freed seat', 30_000);
    assert.match(await heading(a), /Vous êtes déconnecté/);
    assert.deepEqual(await axeViolations(a), [], 'the logout page is accessible');
    assert.equal(joins(), 2, 'A was not put back in line');
  });

  test(`${name}: B logs in then out: /au-revoir/, the seat freed, no new place in line`, { skip }, async () => {
    const b = pupil.b!;
    await b.locator('input[name="user"]').fill('eleve-b');
    await b.getByRole('button', { name: 'Se connecter' }).click();
    await until(async () => (await heading(b)).includes('Accueil'), 'B’s home page');
    await b.getByRole('link', { name: 'Se déconnecter' }).click();
    await until(() => path(b) === '/au-revoir/', 'the logout landing page');
    await sleep(WATCH_MS);
    assert.equal(path(b), '/au-revoir/', 'B stays there');
    assert.equal(joins(), 2, 'logging out did not join the line again');
    assert.equal(await queue.active(), 0, 'the seat is free for the next pupil');
    assert.ok(ent.seen.some((s) => s.path === '/logout'), 'the ENT’s own logout ran');
  });

  test(`${name}: the worker shows /attente/ from its cache while the site is down`, { skip }, async () => {
    await queue.configure(0); // C waits: an admission would take it away from /attente/
    const c = await newPupil();
    await c.goto(`${base}/attente/`);
    await waitInLine(c);
    await c.evaluate(() => navigator.serviceWorker.ready);
    await c.reload(); // controlled by the worker from now on
    await until(() => c.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker in control');
    await proxy.stop();
    try {
      await c.goto(`${base}/attente/`);
      assert.match(await c.title(), /File d'attente/, 'the precached waiting page');
      await c.locator('antichambre-queue').waitFor({ state: 'attached' });
      assert.equal(await c.evaluate(() => customElements.get('antichambre-queue') !== undefined), true, 'the widget, from the cache too');
    } finally {
      proxy = await launch(ports);
    }
  });

  test(`${name}: the queue server down: a French « service momentanément indisponible » page, status 503`, { skip }, async () => {
    await queue.server.close();
    queueDown = true;
    const d = await newPupil();
    const response = await d.goto(`${base}/notes`);
    assert.equal(response?.status(), 503, proxy.log());
    assert.match(await heading(d), /Service momentanément indisponible/);
    assert.equal(await d.evaluate(() => document.documentElement.lang), 'fr');
    assert.deepEqual(await axeViolations(d), [], 'the page is accessible');
  });
}

/**
 * The documented fail-open variant: `toFailOpen` turns the shipped config into it as the comments say; with
 * no queue server at all, a pupil without an admission reaches the ENT (here its sign-in redirect).
 */
export function failOpenSuite(
  name: string,
  file: 'docs/nginx.conf' | 'docs/Caddyfile',
  toFailOpen: (shipped: string) => string,
  launchSite: (site: string, ports: RecipePorts) => Promise<RunningProxy>,
  skip: string | false,
): void {
  test(`${name}, the documented fail-open block turned on: the queue server down, pupils reach the ENT`, { skip }, async () => {
    const srv = await copyRecipeFiles();
    const ent = await startEntApp({ idleTimeoutS: 900 });
    const ports: RecipePorts = { proxy: await freePort(), ent: ent.port, queue: await freePort(), srv }; // nothing listens there
    const shipped = await shippedConfig(file, ports);
    const failOpen = toFailOpen(shipped);
    assert.notEqual(failOpen, shipped, `${file} has no fail-open block to turn on`);
    const proxy = await launchSite(failOpen, ports);
    try {
      const res = await fetch(`http://127.0.0.1:${ports.proxy}/notes`, { redirect: 'manual' });
      assert.equal(res.status, 303, proxy.log());
      assert.equal(res.headers.get('location'), '/login', 'the ENT itself answered (its sign-in redirect)');
      assert.ok(ent.seen.some((s) => s.path === '/notes'));
    } finally {
      await proxy.stop();
      await ent.close();
      await rm(srv, { recursive: true, force: true });
    }
  });
}
