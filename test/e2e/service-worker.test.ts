/**
 * The service worker, end to end: the example ENT registers it, a pupil waits in line, then the ENT's own
 * pages fail (503) while the queue API stays up: a reload shows the precached waiting page, which resumes
 * the same ticket. A blocked worker changes nothing to one ticket, one loop; an updated worker neither.
 * Real Chromium, real server; each test its own browser context (fresh profile).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { Hono } from 'hono';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { mountDemoSite } from '../../src/server/demo-site.js';
import { launchChromium } from './browser.js';
import { RequestCounter, ticketIdOf, waitInLine } from './tab-counter.js';

const ROOM = 'college-jean-moulin';
let server: RunningServer;
let browser: Browser;
const counter = new RequestCounter();
/** The ENT origin's state: its pages and files answer 503 while `down`; the API never does. */
const ent = { down: false, workerSuffix: '' };

function saturatedEnt(app: Hono): void {
  const inner = app.fetch;
  app.fetch = async (request, ...rest) => {
    const { pathname } = new URL(request.url);
    if (ent.down && !pathname.startsWith('/api/')) return new Response('<h1>503 Service Unavailable</h1>', { status: 503, headers: { 'content-type': 'text/html' } });
    const response = await inner(request, ...rest);
    if (pathname !== '/antichambre-sw.js' || !ent.workerSuffix) return response;
    // A new build of the worker: same code, other bytes.
    return new Response(`${await response.text()}\n${ent.workerSuffix}`, { status: response.status, headers: response.headers });
  };
}

before(async () => {
  server = await startServer({
    port: 0,
    capacity: 0,
    extend: (app) => {
      mountDemoSite(app, { apiPath: '/api/v1' });
      counter.install(app);
      saturatedEnt(app);
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15_000 });

/** Asks the worker over a MessageChannel, as src/sw/messages.ts does. */
const workerStatus = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const { port1, port2 } = new MessageChannel();
        port1.onmessage = (event) => resolve(event.data);
        navigator.serviceWorker.controller!.postMessage({ type: 'antichambre:status' }, [port2]);
        setTimeout(() => resolve(undefined), 3_000);
      }),
  );

test('the ENT is down, the API is up: a reload shows the precached waiting page with the same ticket', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.origin}/example-ent/`);
  await waitInLine(page);
  await controlled(page);
  const id = await ticketIdOf(page);
  assert.ok(id);
  const status = (await workerStatus(page)) as { type: string; waitingPage: string; pages: string[] };
  assert.equal(status?.type, 'antichambre:status');
  assert.equal(status.waitingPage, '/example-ent/waiting');
  assert.deepEqual(status.pages, ['/example-ent/']);

  ent.down = true;
  try {
    const response = await page.reload();
    assert.equal(response?.status(), 200, 'the worker answered instead of the failing ENT');
    await page.locator('#busy').waitFor({ timeout: 15_000 });
    await waitInLine(page);
    assert.equal(await ticketIdOf(page), id, 'the waiting page resumed the stored ticket');
    assert.equal(counter.of(ROOM).joins, 1, 'without a new join');
  } finally {
    ent.down = false;
  }
  await page.reload();
  await waitInLine(page);
  assert.equal(await page.locator('#busy').count(), 0, 'the ENT is back: its own login page again');
  assert.equal(await ticketIdOf(page), id);
  await context.close();
});

test('a worker updated mid-wait keeps the same ticket and starts no second one', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.origin}/example-ent/`);
  await waitInLine(page);
  await controlled(page);
  const id = await ticketIdOf(page);
  const joins = counter.of(ROOM).joins;
  ent.workerSuffix = `// build ${Date.now()}`;
  try {
    const changed = page.evaluate(() => new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true })));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());
    await changed;
  } finally {
    ent.workerSuffix = '';
  }
  await page.reload();
  await waitInLine(page);
  assert.equal(await ticketIdOf(page), id);
  assert.equal(counter.of(ROOM).joins, joins, 'no new join');
  await context.close();
});

test('worker blocked: still one ticket for two tabs, and the console says so once per page', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const warnings: string[] = [];
  const pages = await Promise.all([context.newPage(), context.newPage()]);
  for (const page of pages) page.on('console', (m) => /service worker/.test(m.text()) && warnings.push(m.text()));
  const joins = counter.of(ROOM).joins;
  await Promise.all(pages.map((page) => page.goto(`${server.origin}/example-ent/`)));
  await Promise.all(pages.map(waitInLine));
  const ids = await Promise.all(pages.map(ticketIdOf));
  assert.equal(ids[0], ids[1]);
  assert.equal(counter.of(ROOM).joins, joins + 1, 'one join for the two tabs');
  assert.equal(warnings.length, 2, `one message per page: ${warnings.join(' | ')}`);
  await context.close();
});
