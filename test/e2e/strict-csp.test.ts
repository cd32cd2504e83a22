/**
 * The widget under the strict Content-Security-Policy a security-minded ENT sends (issue 12): no inline
 * script or style, Trusted Types required, the queue API on another origin. Real Chromium reports every
 * violation as a `securitypolicyviolation` event (and a console error); through the waiting, error and
 * admitted states, the English and turn-notice chunks, and the session element's warning dialog, there must
 * be none. The widget comes from dist/ (npm run build).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';
import { htmlPage, startPageServer, type PageServer } from './page-server.js';

let api: RunningServer;
let ent: PageServer;
let browser: Browser;
/** A port nothing listens on: the API of the "queue server down" widget. */
let deadApi: string;

/** Records violations from the first byte of the page: an external script, as the CSP allows no inline one. */
const LISTENER = `window.__violations = [];
addEventListener('securitypolicyviolation', (e) => __violations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample) + ' ' + e.sourceFile + ':' + e.lineNumber), true);`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  api = await startServer({ port: 0, capacity: 0 });
  ent = await startPageServer();
  deadApi = `http://127.0.0.1:${await freePort()}/api/v1`;
  browser = await launchChromium();
  const csp =
    `default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; ` +
    `connect-src 'self' ${api.origin} ${new URL(deadApi).origin}`;
  const head = '<script src="/csp-listen.js"></script><script type="module" src="/antichambre.js"></script>';
  ent.route('/csp-listen.js', (_request, response) => void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(LISTENER));
  ent.route(
    '/login',
    htmlPage(
      `<antichambre-queue endpoint="${api.apiUrl}" room="csp-wait" lang="en"><form action="/home"><button>Sign in</button></form></antichambre-queue>
<antichambre-queue endpoint="${deadApi}" room="csp-down"></antichambre-queue>`,
      head,
    ),
    { 'Content-Security-Policy': csp },
  );
  // Session mode after login, idle after 2 s: its warning dialog opens under the same policy.
  ent.route(
    '/home',
    htmlPage(`<antichambre-session endpoint="${api.apiUrl}" room="csp-wait" idle-timeout="2" idle-warning="20"></antichambre-session><p>ENT</p>`, head),
    { 'Content-Security-Policy': csp },
  );
});

after(async () => {
  await browser?.close();
  await ent?.close();
  await api?.close();
});

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

test('no CSP or Trusted Types violation through waiting, error, admitted and session states', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Trusted Type/i.test(m.text()) && refused.push(m.text()));
  const scripts: string[] = [];
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));

  await page.goto(`${ent.origin}/login`);
  const [waiting, down] = [page.locator('antichambre-queue').first(), page.locator('antichambre-queue').nth(1)];
  await waiting.getByText(/You are number.*1/).waitFor({ timeout: 20_000 });
  await waiting.getByRole('button', { name: 'Notify me when it is my turn' }).waitFor({ timeout: 10_000 });
  await down.getByText('Le service d’attente ne répond pas').first().waitFor({ timeout: 20_000 });
  assert.deepEqual(await violations(page), [], 'no violation while waiting, nor in the error state');
  assert.ok(scripts.includes('/antichambre-en.js'), 'the English chunk loaded');
  assert.ok(scripts.includes('/antichambre-turn-notice.js'), 'the turn-notice chunk loaded');
  assert.ok(scripts.includes('/antichambre-waiting-panel.js'), 'the waiting panel chunk loaded');
  // The progress bar is drawn (a native <progress> with its value) with no inline style anywhere.
  const drawn = await page.evaluate(() => {
    const root = document.querySelector('antichambre-queue')!.shadowRoot!;
    return { bar: root.querySelector('progress')?.max, styled: root.querySelectorAll('[style]').length, sheets: root.adoptedStyleSheets.length };
  });
  // Two sheets: the widget's, and the waiting panel's (its chunk adopts it, issue 14).
  assert.deepEqual(drawn, { bar: 100, styled: 0, sheets: 2 }, 'the bar is there, the styles are adopted');

  const res = await fetch(`${api.apiUrl}/admin/rooms/csp-wait`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity: 1, admitPerMinute: 600, open: true }),
  });
  assert.ok(res.status < 300);
  await page.getByRole('button', { name: 'Sign in' }).waitFor({ state: 'visible', timeout: 30_000 });
  assert.deepEqual(await violations(page), [], 'no violation on the login page');

  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/home/);
  await page.getByRole('alertdialog').waitFor({ timeout: 20_000 });
  assert.ok(scripts.includes('/antichambre-session.js'), 'the session chunk loaded');
  assert.deepEqual(await violations(page), [], 'no violation on the ENT page');
  assert.deepEqual(refused, [], 'and none reported in the console');
  await context.close();
});
