/**
 * The navigation on admission, counted from the servers' side in real Chromium (issues 11 and 13): the
 * README's snippet on its own page loads once and reveals the form; a return-url elsewhere is followed
 * exactly once, whatever the tabs, and only on « Continuer » or at the end of a countdown the pupil sees
 * (issue 14: RGAA 13.1.2); a gate that sends the pupil back gets one try and a French message, not a loop;
 * an admission already over is never followed. The widget comes from dist/ (npm run build).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TicketStatus } from '../../src/core/protocol/protocol.js';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';
import { RequestCounter, sleep } from '../support/tab-counter.js';
import { adaptSnippet, htmlPage, readmeSnippet, startPageServer, type PageServer } from './page-server.js';

/** Long enough for a reload storm to show (98 loads in 5 s before the fix), short enough for CI. */
const WATCH_MS = 6_000;

let api: RunningServer;
let ent: PageServer;
let browser: Browser;
const counter = new RequestCounter();

before(async () => {
  // Capacity 0: the pupil waits until the test opens a seat, as on a surge morning.
  api = await startServer({ port: 0, capacity: 0, intercept: counter.intercept });
  ent = await startPageServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await ent?.close();
  await api?.close();
});

async function openSeat(room: string): Promise<void> {
  const res = await fetch(`${api.apiUrl}/admin/rooms/${room}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity: 1, admitPerMinute: 600, open: true }),
  });
  assert.ok(res.status < 300, `admin PUT answered ${res.status}`);
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The widget's visible text; '' while the page is navigating (its context is gone for a moment). */
const widgetText = (page: Page) =>
  page.evaluate(() => (document.querySelector('antichambre-queue')?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ')).catch(() => '');

/** The README's snippet (recipe (a) has no return-url since issue 13) with `return-url` set to `url`. */
const withReturnUrl = (snippet: string, url: string) => snippet.replace(/\s+return-url="[^"]*"/, '').replace('<antichambre-queue', `<antichambre-queue return-url="${url}"`);

const waitInLine = (page: Page) => page.locator('antichambre-queue').getByText(/Vous êtes en position 1/).waitFor({ timeout: 20_000 });
/** The admission panel's countdown, then the pupil's click on « Continuer » (what a pupil does). */
async function pressContinue(page: Page): Promise<void> {
  await page.locator('antichambre-queue').getByRole('heading', { name: 'C’est votre tour !' }).waitFor({ timeout: 20_000 });
  await page.locator('antichambre-queue').getByRole('button', { name: 'Continuer' }).click();
}

test("README's snippet on its own page (return-url = the page): one join, one page load, the form revealed", async () => {
  const room = 'snippet-self';
  ent.route('/login', htmlPage(withReturnUrl(adaptSnippet(await readmeSnippet(), { apiUrl: api.apiUrl, room }), '/login')));
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${ent.origin}/login`);
  await waitInLine(page);
  await openSeat(room);
  await until(() => ent.loads('/login') > 1 || page.locator('form').isVisible().catch(() => false), 'the admission');
  await sleep(WATCH_MS);
  assert.equal(ent.loads('/login'), 1, `the login page loaded ${ent.loads('/login')} times`);
  assert.equal(counter.of(room).joins, 1, 'one join');
  assert.equal(await page.locator('form').isVisible(), true, 'the login form is revealed instead');
  assert.ok((await context.cookies()).some((c) => c.name === 'antichambre_admission'), 'the admission cookie is set');
  await context.close();
});

test('return-url elsewhere: followed exactly once, by one tab of two', async () => {
  const room = 'snippet-home';
  const snippet = withReturnUrl(adaptSnippet(await readmeSnippet(), { apiUrl: api.apiUrl, room }), '/home');
  ent.route('/login-home', htmlPage(snippet));
  ent.route('/home', htmlPage('<h1>Accueil de l’ENT</h1>'));
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const tabs = [await context.newPage(), await context.newPage()];
  for (const tab of tabs) await tab.goto(`${ent.origin}/login-home`);
  await Promise.all(tabs.map(waitInLine));
  await openSeat(room);
  await Promise.all(tabs.map((tab) => tab.locator('antichambre-queue').getByRole('button', { name: 'Rester sur cette page' }).waitFor({ timeout: 20_000 })));
  await sleep(WATCH_MS);
  assert.equal(ent.loads('/home'), 0, 'no navigation before the countdown ends or the pupil clicks');
  await pressContinue(tabs[0]);
  await until(() => ent.loads('/home') > 0, 'the navigation to /home');
  // The other tab's countdown runs out meanwhile (20 s): the admission was followed, it stays.
  await until(async () => /Vous pouvez vous connecter\. ?Continuer/.test(await widgetText(tabs[1])), 'the other tab’s countdown to end', 40_000);
  assert.equal(ent.loads('/home'), 1, 'one navigation for one admission, whatever the tabs');
  assert.equal(ent.loads('/login-home'), 2, 'each tab loaded the login page once');
  assert.equal(counter.of(room).joins, 1);
  const stayed = tabs.find((tab) => new URL(tab.url()).pathname === '/login-home');
  assert.ok(stayed, 'the other tab stays');
  assert.match(await widgetText(stayed), /C’est votre tour.*Continuer/, 'and offers the way in by hand');

  // A reload of the tab that stayed does not navigate either: the admission was followed already.
  await stayed.reload();
  await sleep(WATCH_MS);
  assert.equal(ent.loads('/home'), 1);
  await context.close();
});

test('a gate that sends the pupil straight back: one navigation, then a French message, and no loop', async () => {
  const room = 'bounced';
  ent.route(
    '/attente',
    htmlPage(`<script type="module" src="/antichambre.js"></script><antichambre-queue endpoint="${api.apiUrl}" room="${room}" return-url="/ent"></antichambre-queue>`),
  );
  // The fake gate: refuses every request, as a gate would with an admission it does not accept.
  ent.route('/ent', (_request, response) => void response.writeHead(302, { Location: '/attente' }).end());
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${ent.origin}/attente`);
  await waitInLine(page);
  await openSeat(room);
  await pressContinue(page);
  await until(() => ent.loads('/ent') > 0, 'the navigation to the ENT');
  await until(async () => ent.loads('/ent') > 1 || /L’ENT n’a pas accepté votre passage/.test(await widgetText(page)), 'the bounce message', 15_000);
  await sleep(WATCH_MS);
  assert.equal(ent.loads('/ent'), 1, 'one try, no loop');
  assert.equal(ent.loads('/attente'), 2, 'the waiting page loaded twice: before and after the bounce');
  assert.match(await widgetText(page), /L’ENT n’a pas accepté votre passage.*Continuer/);
  assert.equal(counter.of(room).joins, 1, 'the place is kept: no new join');
  await context.close();
});

test('an admission already over by the server clock is never followed; the next valid one is, once', async () => {
  const room = 'dead-admission';
  const id = 'tk-dead-0001';
  let statuses = 0;
  /** Three admitted answers whose token expired a minute ago (an old server's fixed expiry), then a live one. */
  const status = (extra: Partial<TicketStatus>): TicketStatus => {
    const now = Date.now();
    const dead = statuses <= 3;
    return {
      id, room, state: 'admitted', position: null, ahead: 0, etaSeconds: 0, etaLowSeconds: 0, etaHighSeconds: 0, pollAfterMs: 2_000,
      serverTime: new Date(now).toISOString(),
      admission: { token: dead ? 'dead.token.sig' : 'live.token.sig', expiresAt: new Date(now + (dead ? -60_000 : 300_000)).toISOString() },
      ...extra,
    };
  };
  const json = (body: unknown, code = 200) => (_req: unknown, res: import('node:http').ServerResponse) =>
    void res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
  ent.route(`/fake/rooms/${room}/tickets`, (req, res) => {
    const body = { id, room, state: 'waiting', position: 1, ahead: 0, etaSeconds: 5, etaLowSeconds: null, etaHighSeconds: null, pollAfterMs: 2_000, serverTime: new Date().toISOString(), ticket: 'credential-dead-0001' };
    json(body, 201)(req, res);
  });
  ent.route(`/fake/rooms/${room}/tickets/${id}`, (req, res) => {
    statuses += 1;
    json(status({}))(req, res);
  });
  ent.route('/dead-login', htmlPage(`<script type="module" src="/antichambre.js"></script><antichambre-queue endpoint="/fake" room="${room}" return-url="/home-dead"></antichambre-queue>`));
  ent.route('/home-dead', htmlPage('<h1>Accueil</h1>'));
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${ent.origin}/dead-login`);
  await until(() => statuses >= 3 || ent.loads('/home-dead') > 0, 'three admitted answers with a dead token');
  assert.equal(ent.loads('/home-dead'), 0, 'no navigation with an admission that is over');
  assert.ok(!(await context.cookies()).some((c) => c.name === 'antichambre_admission'), 'and no cookie');
  // Nobody clicks: the page goes at the end of the 20-second countdown.
  await until(() => ent.loads('/home-dead') > 0, 'the navigation with the live admission', 45_000);
  await sleep(WATCH_MS / 2);
  assert.equal(ent.loads('/home-dead'), 1);
  assert.ok(statuses >= 4, 'it went only once the live admission came');
  await context.close();
});
