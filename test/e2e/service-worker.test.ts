/**
 * The service worker, end to end: the example ENT registers it, a pupil waits in line, then the ENT's own
 * pages fail (503) while the queue API stays up: a reload shows the precached waiting page, which resumes
 * the same ticket. A blocked worker changes nothing to one ticket, one loop; an updated worker neither.
 * Real Chromium, real server; each test its own browser context (fresh profile).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Hono } from 'hono';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { MemoryStore } from '../../src/server/stores/memory.js';
import { storeOptionsFromSettings } from '../../src/server/stores/store-options-from-settings.js';
import { mountDemoSite } from '../../demo/server/demo-site.js';
import { launchChromium } from '../support/browser.js';
import { RequestCounter, sleep, ticketIdOf, useRoom, waitInLine } from '../support/tab-counter.js';

const ROOM = 'college-jean-moulin';
let server: RunningServer;
let browser: Browser;
const counter = new RequestCounter();
/** The ENT origin's state: its pages and files answer 503 while `down`; the API never does. */
const ent = { down: false, workerSuffix: '' };
/** Per room, how the queue API misbehaves: answers late (requests stay in flight), or 503 Retry-After. */
const apiRooms = new Map<string, { delayMs?: number; retryAfter?: number }>();
/** Every request that reached the server, as "METHOD /path". */
const reached: string[] = [];

/**
 * In front of the server (startServer's `intercept`, before the status fast path): logs and counts every
 * request, and answers 503 Retry-After for a room told to.
 */
function inFront(req: IncomingMessage, res: ServerResponse): boolean {
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  reached.push(`${req.method} ${pathname}`);
  counter.intercept(req);
  const trouble = apiRooms.get(/\/rooms\/([^/]+)\//.exec(pathname)?.[1] ?? '');
  if (!trouble?.retryAfter) return false;
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': String(trouble.retryAfter) });
  res.end(JSON.stringify({ error: { code: 'busy', message: 'busy' } }));
  return true;
}

/** A queue whose status answers come late for a room told to (requests stay in flight). */
class SlowStore extends MemoryStore {
  override async status(...args: Parameters<MemoryStore['status']>) {
    const delayMs = apiRooms.get(args[0])?.delayMs;
    if (delayMs) await sleep(delayMs);
    return super.status(...args);
  }
}

/** The ENT's own pages and files: 503 while `ent.down`, and a changed worker file with `ent.workerSuffix`. */
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
    store: new SlowStore(storeOptionsFromSettings({ capacity: 0 })),
    intercept: inFront,
    extend: (app) => {
      mountDemoSite(app, { apiPath: '/api/v1' });
      saturatedEnt(app);
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Polls `check` until it gives a truthy value (page.waitForFunction does not await an async predicate). */
async function until<T>(check: () => Promise<T>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const controlled = (page: Page) => page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15_000 });

/** A pupil in a fresh profile, in line on the example ENT's page, whose tab the worker controls. */
async function waitingOnEnt() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.origin}/example-ent/`);
  await waitInLine(page);
  await controlled(page);
  const id = await ticketIdOf(page);
  return { context, page, id };
}

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
  const { context, page, id } = await waitingOnEnt();
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
  const { context, page, id } = await waitingOnEnt();
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
  await Promise.all(pages.map((page) => waitInLine(page)));
  const ids = await Promise.all(pages.map(ticketIdOf));
  assert.equal(ids[0], ids[1]);
  assert.equal(counter.of(ROOM).joins, joins + 1, 'one join for the two tabs');
  assert.equal(warnings.length, 2, `one message per page: ${warnings.join(' | ')}`);
  await context.close();
});

/** A ticket of `room`, taken from Node: the tabs below ask for its status as an uncoordinated page would. */
async function ticketOf(room: string): Promise<{ id: string; ticket: string; url: string }> {
  const key = `coalesce-${room}-${Date.now()}`.padEnd(24, 'x');
  const response = await fetch(`${server.origin}/api/v1/rooms/${room}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  const body = (await response.json()) as { id: string; ticket: string };
  return { ...body, url: `${server.origin}/api/v1/rooms/${room}/tickets/${body.id}` };
}

/** A status request sent by hand from a tab (no leader election, no shared channel: another build's widget). */
const askStatus = (page: Page, url: string, ticket: string) =>
  page.evaluate(
    async ([url, ticket]) => {
      const response = await fetch(url!, { headers: { Authorization: `Bearer ${ticket}`, Accept: 'application/json' }, cache: 'no-store', credentials: 'omit' });
      return { status: response.status, retryAfter: response.headers.get('Retry-After'), body: (await response.json()) as { id?: string } };
    },
    [url, ticket],
  );

/** Two tabs of the example ENT, controlled by the worker, which the page has told its queue API. */
async function twoControlledTabs(room: string) {
  const context = await browser.newContext();
  await useRoom(context, room);
  const pages = [await context.newPage(), await context.newPage()];
  for (const page of pages) {
    await page.goto(`${server.origin}/example-ent/`);
    await controlled(page);
  }
  // The example's worker URL lists no queue API: only the page's message can have taught it.
  const api = `${server.origin}/api/v1`;
  await until(async () => ((await workerStatus(pages[0]!)) as { queue?: string[] } | undefined)?.queue?.includes(api), 'the worker learns the queue API');
  return { context, pages };
}

test('two uncoordinated tabs ask the same status at once: one request reaches the server, both get the answer', async () => {
  const { context, pages } = await twoControlledTabs('sw-coalesce-tabs');
  const { id, ticket, url } = await ticketOf('sw-coalesce');
  apiRooms.set('sw-coalesce', { delayMs: 1_500 });
  try {
    const before = counter.of('sw-coalesce').statuses;
    const answers = await Promise.all(pages.map((page) => askStatus(page, url, ticket)));
    assert.deepEqual(answers.map((a) => [a.status, a.body.id]), [[200, id], [200, id]]);
    assert.equal(counter.of('sw-coalesce').statuses - before, 1, 'one request for the two tabs');
    await askStatus(pages[0]!, url, ticket);
    assert.equal(counter.of('sw-coalesce').statuses - before, 2, 'once answered, the next one goes to the server (nothing cached)');
  } finally {
    apiRooms.delete('sw-coalesce');
  }
  await context.close();
});

test('after a 503 Retry-After: 30, no status for that room reaches the server before then; other requests pass through', async () => {
  const { context, pages } = await twoControlledTabs('sw-hold-tabs');
  const held = await ticketOf('sw-hold');
  const other = await ticketOf('sw-hold-other');
  apiRooms.set('sw-hold', { retryAfter: 30 });
  const statusLine = `GET /api/v1/rooms/sw-hold/tickets/${held.id}`;
  const statusesSeen = () => reached.filter((line) => line === statusLine).length;
  const first = await askStatus(pages[0]!, held.url, held.ticket);
  assert.deepEqual([first.status, first.retryAfter], [503, '30'], 'the server itself said so');
  apiRooms.delete('sw-hold'); // the server would answer now, but it asked for 30 s
  const reachedBefore = reached.length;

  for (const page of pages) {
    const answer = await askStatus(page, held.url, held.ticket);
    assert.equal(answer.status, 503, 'the worker answered');
    assert.ok(Number(answer.retryAfter) > 0 && Number(answer.retryAfter) <= 30, `remaining Retry-After, got ${answer.retryAfter}`);
  }
  assert.equal(statusesSeen(), 1, 'only the first request reached the server');

  // Outside the held room and outside the job, requests reach the server and get its own answers.
  assert.equal((await askStatus(pages[0]!, other.url, other.ticket)).status, 200, 'another room is not held');
  const heartbeat = await pages[1]!.evaluate(async (url) => (await fetch(`${url}/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status, held.url);
  assert.notEqual(heartbeat, 503, 'a heartbeat of the held room is not held');
  const health = await pages[1]!.evaluate(async () => (await fetch('/healthz')).status);
  assert.equal(health, 200);
  const paths = reached.slice(reachedBefore);
  assert.ok(paths.includes(`POST /api/v1/rooms/sw-hold/tickets/${held.id}/heartbeat`), paths.join(', '));
  assert.ok(paths.includes('GET /healthz'));
  assert.ok(!paths.includes(statusLine), 'no held status in the server log');
  await context.close();
});

async function setCapacity(room: string, capacity: number): Promise<void> {
  const response = await fetch(`${server.apiUrl}/admin/rooms/${room}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity, admitPerMinute: 600, open: true }),
  });
  assert.ok(response.status < 300, `admin PUT answered ${response.status}`);
}

test('admitted while the ENT is still down: the waiting page says so, keeps the turn without a redirect loop, then goes to the ENT', async () => {
  const { context, page, id } = await waitingOnEnt();
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  const loginProbes = () => reached.filter((line) => line === 'GET /example-ent/').length;

  ent.down = true;
  try {
    await page.reload();
    await page.locator('#busy').waitFor({ timeout: 15_000 });
    await waitInLine(page);
    const loadsBefore = loads.length;
    await setCapacity(ROOM, 1_000);
    const turn = page.getByText("Mais le site de l'ENT ne répond pas encore");
    await turn.waitFor({ timeout: 30_000 });
    assert.ok(await page.getByText("C'est votre tour !").isVisible());
    assert.equal(await page.evaluate(() => document.querySelector('antichambre-queue')?.phase), 'admitted');
    const probesAtTurn = loginProbes();

    // The first automatic try comes 2–6 s after the turn, then ~5–10 s later: no loop, no stampede.
    await page.getByText(/Nouvel essai automatique dans \d+ s/).waitFor({ timeout: 5_000 });
    await sleep(9_000);
    assert.equal(loads.length, loadsBefore, `no reload or redirect while the ENT is down: ${loads.join(', ')}`);
    const automatic = loginProbes() - probesAtTurn;
    assert.ok(automatic >= 1 && automatic <= 2, `${automatic} automatic tries of the login page in 9 s`);
    assert.ok(await turn.isVisible(), 'the message stays');
    await page.getByText('L’ENT ne répond toujours pas.').waitFor({ timeout: 5_000 });

    // The pupil's button asks once more, at once; still down, still here.
    const beforeClick = loginProbes();
    await page.getByRole('button', { name: 'Réessayer maintenant' }).click();
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-retry-now]')!.disabled, null, { timeout: 10_000 });
    assert.equal(loginProbes(), beforeClick + 1);
    assert.equal(loads.length, loadsBefore);
  } finally {
    ent.down = false;
  }
  // The ENT answers again: the next automatic try leads to the real login page. It is the 4th try (two
  // automatic, one by the button), so it comes 20–40 s after the last one (page-retry.ts: ceiling 10 s × 2^2).
  await page.locator('#login').waitFor({ timeout: 50_000 });
  assert.equal(await page.locator('#busy').count(), 0);
  assert.equal(await ticketIdOf(page), id, 'the same ticket, still admitted');
  assert.equal(await page.evaluate(() => document.querySelector('antichambre-queue')?.phase), 'admitted');
  const cookies = await context.cookies();
  assert.ok(cookies.some((c) => c.name === 'antichambre_admission'), 'the admission cookie is kept');
  await setCapacity(ROOM, 0);
  await context.close();
});

const OFFER = 'Me prévenir quand c’est mon tour';

test('the "your turn" notification is offered, never asked for without a click', async () => {
  const context = await browser.newContext();
  await useRoom(context, 'sw-notify-offer');
  // Counts permission requests, whoever makes them.
  await context.addInitScript(() => {
    const original = Notification.requestPermission.bind(Notification);
    (window as unknown as { permissionAsks: number }).permissionAsks = 0;
    Notification.requestPermission = (...args) => {
      (window as unknown as { permissionAsks: number }).permissionAsks += 1;
      return original(...args);
    };
  });
  const page = await context.newPage();
  await page.goto(`${server.origin}/example-ent/`);
  await waitInLine(page);
  const offer = page.getByRole('button', { name: OFFER });
  await offer.waitFor({ timeout: 10_000 });
  await sleep(4_000); // a poll or more
  assert.equal(await page.evaluate(() => (window as unknown as { permissionAsks: number }).permissionAsks), 0, 'no prompt without a click');
  assert.equal(await page.evaluate(() => Notification.permission), 'default');
  await context.close();
});

test('clicked "Me prévenir", then admitted while the tab is hidden: a "C’est votre tour" notification is shown', async () => {
  const context = await browser.newContext();
  await useRoom(context, 'sw-notify');
  const page = await context.newPage();
  await page.goto(`${server.origin}/example-ent/`);
  await waitInLine(page);
  await controlled(page);
  const offer = page.getByRole('button', { name: OFFER });
  await offer.waitFor({ timeout: 10_000 });
  // The pupil says yes to the browser's prompt (which a headless browser cannot show).
  await context.grantPermissions(['notifications'], { origin: server.origin });
  await offer.click();
  await page.getByText('Une notification vous préviendra quand ce sera votre tour.').waitFor({ timeout: 5_000 });
  assert.equal(await offer.count(), 0, 'the offer is gone once accepted');

  // The pupil switches to another tab (a headless page is never hidden by itself).
  // A string: tsx would name the getters with a helper the page does not have.
  await page.evaluate(`
    Object.defineProperty(document, 'hidden', { configurable: true, get() { return true; } });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return 'hidden'; } });
    document.dispatchEvent(new Event('visibilitychange'));
  `);
  await setCapacity('sw-notify', 1_000);
  const shown = await until(
    () =>
      page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        const list = (await registration?.getNotifications({ tag: 'antichambre-turn' })) ?? [];
        return list.map((n) => `${n.title} | ${n.body}`)[0];
      }),
    'a notification',
    30_000,
  );
  assert.equal(shown, 'C’est votre tour | Revenez sur l’ENT pour vous connecter.');
  assert.equal(await page.title(), 'C’est votre tour ! Vous pouvez vous connecter.', 'the tab title says it too');
  await setCapacity('sw-notify', 0);
  await context.close();
});
