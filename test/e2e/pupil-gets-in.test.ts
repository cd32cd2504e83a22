/**
 * The skeleton's promise, end to end: a real ENT page with the script tag, a real server on a free port,
 * a real browser. Capacity 0 → the pupil sees a position → reload keeps the same ticket → the admin opens
 * one seat → the pupil is admitted and the login form appears.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { mountDemoSite } from '../../demo/server/demo-site.js';
import { launchChromium } from '../support/browser.js';

const ROOM = 'college-jean-moulin';
let server: RunningServer;
let browser: Browser;

before(async () => {
  // No admin token given to the demo site: no simulated crowd, this test controls the room alone.
  server = await startServer({ port: 0, capacity: 0, extend: (app) => mountDemoSite(app, { apiPath: '/api/v1' }) });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function storedTicketId(page: Page): Promise<string | undefined> {
  // Read IndexedDB the way any page script could: the widget's persisted ticket for this endpoint + room.
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('antichambre');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const names = [...db.objectStoreNames];
    if (names.length === 0) return undefined;
    const tx = db.transaction(names[0]!, 'readonly');
    const all = await new Promise<unknown[]>((resolve) => {
      const req = tx.objectStore(names[0]!).getAll();
      req.onsuccess = () => resolve(req.result);
    });
    const record = all.find((r): r is { id: string } => typeof (r as { id?: unknown })?.id === 'string');
    return record?.id;
  });
}

async function setCapacity(capacity: number): Promise<void> {
  const res = await fetch(`${server.apiUrl}/admin/rooms/${ROOM}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity, admitPerMinute: 60, open: true }),
  });
  assert.equal(res.status < 300, true, `admin PUT answered ${res.status}`);
}

test('a pupil waits in line, keeps the place through a reload, and gets in when a seat opens', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

  await page.goto(`${server.origin}/example-ent/`);
  const widget = page.locator('antichambre-queue');
  await widget.getByText(/Vous êtes en position 1/).waitFor({ timeout: 15_000 });
  const form = page.getByRole('button', { name: 'Se connecter' });
  assert.equal(await form.isVisible(), false, 'the login form is hidden while the pupil waits');

  const firstId = await storedTicketId(page);
  assert.ok(firstId, 'the ticket is stored in IndexedDB');

  await page.reload();
  await widget.getByText(/Vous êtes en position 1/).waitFor({ timeout: 15_000 });
  assert.equal(await storedTicketId(page), firstId, 'a reload resumes the same ticket');
  const room = (await (await fetch(`${server.apiUrl}/rooms/${ROOM}`)).json()) as { waiting: number };
  assert.equal(room.waiting, 1, 'the reload did not take a second place in line');

  await setCapacity(1);
  await form.waitFor({ state: 'visible', timeout: 30_000 });
  const cookies = await context.cookies();
  const admission = cookies.find((c) => c.name === 'antichambre_admission');
  assert.ok(admission && admission.value.split('.').length === 3, 'the admission JWT is in a first-party cookie');
  assert.deepEqual(consoleErrors, []);
  await context.close();
});
