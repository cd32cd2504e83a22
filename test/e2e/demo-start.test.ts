/**
 * What a newcomer gets from `npm start` (demo/server/start.ts, the CLI with the demo added on): a class of
 * simulated pupils ahead on the example ENT, a position that goes down, a teachers' page that loads
 * cleanly, and status polls answered by the same fast path as in production.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import type { Browser } from 'playwright-core';
import { startDemo } from '../../demo/server/start.js';
import type { RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';

let server: RunningServer;
let browser: Browser;
const printed: string[] = [];

before(async () => {
  const io = { out: (line: string) => printed.push(line), err: (line: string) => printed.push(line) };
  const started = await startDemo(['--port', '0', '--host', '127.0.0.1'], {}, io);
  assert.ok(started, `the demo server started: ${printed.join('\n')}`);
  server = started;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('npm start prints the URLs and the admin token', () => {
  const text = printed.join('\n');
  assert.match(text, /example ENT\s+http:\/\/localhost:\d+\/example-ent\//);
  assert.match(text, /admin token\s+\S{16,}/);
});

test('the example ENT shows a line of simulated pupils ahead, and the position goes down', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server.origin}/example-ent/`);
  const position = page.locator('antichambre-queue [part="position"]');
  await position.waitFor({ timeout: 15_000 });
  const first = Number((await position.innerText()).match(/\d+/)?.[0]);
  assert.ok(first > 1, `pupils are ahead (position ${first})`);
  await page.waitForFunction(
    (start) => {
      const text = document.querySelector('antichambre-queue')?.shadowRoot?.querySelector('[part="position"]')?.textContent;
      const now = Number(text?.match(/\d+/)?.[0]);
      return !text || now < start;
    },
    first,
    { timeout: 45_000, polling: 500 },
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test("the teachers' page loads with no console error", async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const res = await page.goto(`${server.origin}/`);
  assert.equal(res?.status(), 200);
  await page.getByRole('heading', { name: 'Ce que fait antichambre' }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('under npm start, status polls take the status fast path, as in production', async () => {
  const joined = await fetch(`${server.apiUrl}/rooms/demo-fast-path/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'f'.repeat(64) }),
  });
  const { id, ticket } = (await joined.json()) as { id: string; ticket: string };
  const rawHeaders = await new Promise<string[]>((resolve, reject) => {
    get(`${server.apiUrl}/rooms/demo-fast-path/tickets/${id}`, { headers: { authorization: `Bearer ${ticket}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.rawHeaders));
    }).on('error', reject);
  });
  // How an answer tells its path: the fast path writes its raw headers itself, content-type first and in
  // lower case; through Hono, CORS headers come first and Node spells Content-Type, Content-Length.
  assert.equal(rawHeaders[0], 'content-type', `answered by the fast path: ${rawHeaders.join(' ')}`);
  assert.ok(rawHeaders.includes('content-length'));
});
