/**
 * What a newcomer gets from `npm start`: the CLI with --demo, a class of simulated pupils ahead on the
 * example ENT, a position that goes down, and a teachers' page that loads cleanly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { runCli } from '../../src/server/cli.js';
import type { RunningServer } from '../../src/server/serve.js';
import { launchChromium } from './browser.js';

let server: RunningServer;
let browser: Browser;
const printed: string[] = [];

before(async () => {
  const io = { out: (line: string) => printed.push(line), err: (line: string) => printed.push(line) };
  const started = await runCli(['--demo', '--port', '0', '--host', '127.0.0.1'], {}, io);
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
