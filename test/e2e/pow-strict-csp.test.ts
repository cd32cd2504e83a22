/**
 * A room "under attack" on an ENT login page with the strict CSP of issue 12 (`default-src 'self'`, Trusted
 * Types required, the queue API on another origin), the widget's files hosted by the ENT: the widget solves
 * the proof of work in its worker file (which `worker-src 'self'` allows), joins with one place, and the
 * browser reports no violation. The widget comes from dist/ (npm run build).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';
import { htmlPage, startPageServer, type PageServer } from './page-server.js';

let api: RunningServer;
let ent: PageServer;
let browser: Browser;

const LISTENER = `window.__violations = [];
addEventListener('securitypolicyviolation', (e) => __violations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)), true);`;

before(async () => {
  api = await startServer({ port: 0, capacity: 0, shutdownGraceMs: 500 });
  ent = await startPageServer();
  browser = await launchChromium();
  const csp = `default-src 'self'; script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; connect-src 'self' ${api.origin}`;
  ent.route('/csp-listen.js', (_request, response) => void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(LISTENER));
  ent.route(
    '/login',
    htmlPage(
      `<antichambre-queue endpoint="${api.apiUrl}" room="under-attack"><form action="/home"><button>Se connecter</button></form></antichambre-queue>`,
      '<script src="/csp-listen.js"></script><script type="module" src="/antichambre.js"></script>',
    ),
    { 'Content-Security-Policy': csp },
  );
  const put = await fetch(`${api.apiUrl}/admin/rooms/under-attack/defence`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${api.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ mode: 'on' }),
  });
  assert.equal(put.status, 200);
});

after(async () => {
  await browser?.close();
  await ent?.close();
  await api?.close();
});

test('under attack and a strict CSP: solved in the worker file, one place, no violation', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (m) => m.type() === 'error' && /Content Security Policy|Trusted Type/i.test(m.text()) && refused.push(m.text()));
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${ent.origin}/login`);
  await page.locator('antichambre-queue').getByText(/Vous êtes en position 1\b/).waitFor({ timeout: 30_000 });

  assert.deepEqual(workers, [`${ent.origin}/antichambre-pow-worker.js`], 'one worker, the ENT-hosted file');
  assert.equal(ent.loads('/antichambre-pow-solver.js'), 1);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
  assert.deepEqual(refused, []);
  const room = (await (await fetch(`${api.apiUrl}/rooms/under-attack`)).json()) as { waiting: number };
  assert.equal(room.waiting, 1);
  await context.close();
});
