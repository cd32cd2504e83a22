/**
 * Session mode end to end: the built bundle on the example ENT, a real server, real Chromium. The login
 * page never loads the session chunk; the welcome page does, through the same script tag. An idle pupil
 * is warned, then released, and the next pupil in line gets the seat; activity in another tab of the
 * ENT keeps the first tab from warning at all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mountDemoSite } from '../../demo/server/demo-site.js';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';

const ROOM = 'college-jean-moulin';
let server: RunningServer;
let browser: Browser;

before(async () => {
  server = await startServer({ port: 0, capacity: 1, extend: (app) => mountDemoSite(app, { apiPath: '/api/v1' }) });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The demo's welcome page, with a shorter idle-timeout so the test need not wait a minute. */
async function shortTimeout(context: BrowserContext, seconds: number): Promise<void> {
  await context.route('**/example-ent/welcome*', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('idle-timeout="60"', `idle-timeout="${seconds}"`);
    await route.fulfill({ response, body });
  });
}

/** Through the login page's waiting room, then the form, as a pupil does. Returns the chunks loaded. */
async function signIn(page: Page): Promise<string[]> {
  const scripts: string[] = [];
  page.on('request', (request) => request.resourceType() === 'script' && scripts.push(new URL(request.url()).pathname));
  await page.goto(`${server.origin}/example-ent/`);
  await page.getByLabel('Identifiant').fill('eleve');
  await page.getByLabel('Mot de passe').fill('secret');
  // The example ENT opts into the service worker, whose registration chunk is the only other script.
  const widget = scripts.filter((script) => script !== '/antichambre-register-worker.js');
  assert.deepEqual(widget, ['/antichambre.js'], 'the login page loads the widget alone, not the session chunk');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/example-ent\/welcome/);
  await page.waitForFunction(() => document.querySelector('antichambre-session')?.running === true, null, { timeout: 10_000 });
  return scripts;
}

const warning = (page: Page) => page.getByRole('alertdialog', { name: 'Êtes-vous toujours là ?' });

async function roomStatus(): Promise<{ waiting: number; active: number }> {
  return (await (await fetch(`${server.apiUrl}/rooms/${ROOM}`)).json()) as { waiting: number; active: number };
}

test('an idle pupil is warned, then released, and the next pupil in line gets the seat', async () => {
  const first = await browser.newContext();
  await shortTimeout(first, 2);
  const page = await first.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const scripts = await signIn(page);
  assert.ok(scripts.includes('/antichambre-session.js'), `the welcome page loads the session chunk (${scripts.join(', ')})`);

  const second = await browser.newContext();
  const next = await second.newPage();
  await next.goto(`${server.origin}/example-ent/`);
  await next.locator('antichambre-queue').getByText(/Vous êtes en position 1/).waitFor({ timeout: 15_000 });
  const line = await roomStatus();
  assert.equal(line.active, 1);
  assert.equal(line.waiting, 1);

  await warning(page).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByRole('button', { name: 'Je suis là' }).evaluate((b) => b.matches(':focus')), true);
  // The 20 s countdown runs out with nobody there.
  await page.getByRole('alertdialog', { name: 'Session fermée' }).waitFor({ timeout: 30_000 });
  const cookies = await first.cookies();
  assert.equal(cookies.find((c) => c.name === 'antichambre_admission'), undefined, 'the admission cookie is gone');

  await next.getByRole('button', { name: 'Se connecter' }).waitFor({ state: 'visible', timeout: 40_000 });
  assert.deepEqual(errors, []);
  await first.close();
  await second.close();
});

test('activity in another tab of the ENT keeps the first tab from warning, and dismisses a warning shown', async () => {
  // The pupil admitted by the previous test keeps that seat: open another one.
  const res = await fetch(`${server.apiUrl}/admin/rooms/${ROOM}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity: 10 }),
  });
  assert.equal(res.status < 300, true);
  const context = await browser.newContext();
  // Tabs hear of each other's activity within 3 s (activity-throttle.ts): a timeout well above that.
  await shortTimeout(context, 6);
  const tab1 = await context.newPage();
  await signIn(tab1);
  const tab2 = await context.newPage();
  await tab2.goto(`${server.origin}/example-ent/welcome`);
  await tab2.waitForFunction(() => document.querySelector('antichambre-session')?.running === true);

  for (let i = 0; i < 12; i++) {
    await tab2.keyboard.press('Shift');
    await tab2.waitForTimeout(1000);
    assert.equal(await warning(tab1).count(), 0, `tab 1 does not warn while the pupil types in tab 2 (${i})`);
  }
  await warning(tab1).waitFor({ timeout: 15_000 });
  await tab2.keyboard.press('Shift');
  await warning(tab1).waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal((await roomStatus()).active >= 1, true);
  await context.close();
});
