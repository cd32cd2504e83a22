/**
 * Forced colours (Windows high contrast, issue 14): the progress bar must still show how far the pupil has
 * come, drawn with the system's Highlight colour, and its empty track must have an edge of at least 3:1
 * against the panel (WCAG 1.4.11) in ordinary colours too. Screenshots of real Chromium with
 * `forced-colors: active` emulated; the widget comes from dist/ (npm run build).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';
import { htmlPage, startPageServer, type PageServer } from './page-server.js';

let api: RunningServer;
let ent: PageServer;
let browser: Browser;

before(async () => {
  api = await startServer({ port: 0, capacity: 0 });
  ent = await startPageServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await ent?.close();
  await api?.close();
});

const join = (room: string) =>
  fetch(`${api.apiUrl}/rooms/${room}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: `key-${Math.random().toString(36).slice(2)}-${Date.now()}` }),
  });

/** Two pupils ahead, the page's pupil third; then one seat: the pupil is half-way (position 2 of 3). */
async function halfWay(page: Page, room: string): Promise<void> {
  for (let i = 0; i < 2; i++) assert.equal((await join(room)).status, 201);
  ent.route(`/${room}`, htmlPage(`<script type="module" src="/antichambre.js"></script><antichambre-queue endpoint="${api.apiUrl}" room="${room}"></antichambre-queue>`));
  await page.goto(`${ent.origin}/${room}`);
  await page.locator('antichambre-queue').getByText(/Vous êtes en position 3/).waitFor({ timeout: 20_000 });
  const res = await fetch(`${api.apiUrl}/admin/rooms/${room}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity: 1, admitPerMinute: 600, open: true }),
  });
  assert.ok(res.status < 300);
  await page.locator('antichambre-queue').getByText(/Vous êtes en position 2/).waitFor({ timeout: 20_000 });
  const value = await page.locator('antichambre-queue [part=progress]').evaluate((bar) => (bar as HTMLProgressElement).value ?? Number(bar.getAttribute('aria-valuenow')));
  assert.equal(value, 50);
}

/** The middle row of pixels of a screenshot of the bar (and 4 px of panel on each side), as [r, g, b]. */
async function barRow(page: Page): Promise<Array<[number, number, number]>> {
  const box = (await page.locator('antichambre-queue [part=progress]').boundingBox())!;
  const png = await page.screenshot({ clip: { x: box.x - 4, y: box.y - 4, width: box.width + 8, height: box.height + 8 } });
  // Decoded by the browser itself: no PNG library needed.
  return page.evaluate(async (data) => {
    const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const row = context.getImageData(0, Math.floor(bitmap.height / 2), bitmap.width, 1).data;
    const pixels: Array<[number, number, number]> = [];
    for (let i = 0; i < row.length; i += 4) pixels.push([row[i], row[i + 1], row[i + 2]]);
    return pixels;
  }, png.toString('base64'));
}

const luminance = ([r, g, b]: [number, number, number]) => {
  const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};
const contrast = (a: [number, number, number], b: [number, number, number]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
const same = (a: [number, number, number], b: [number, number, number]) => a.every((c, i) => Math.abs(c - b[i]) <= 8);

test('forced colours: the filled half of the bar is drawn, with a visible edge where it ends', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block', forcedColors: 'active' });
  const page = await context.newPage();
  await page.emulateMedia({ forcedColors: 'active' });
  await halfWay(page, 'forced-colors');
  const row = await barRow(page);
  const panel = row[row.length - 2];
  const inner = row.slice(8, -8);
  const filled = inner[Math.floor(inner.length * 0.25)];
  const empty = inner[Math.floor(inner.length * 0.75)];
  assert.ok(!same(filled, empty), `the filled part (${filled}) differs from the empty part (${empty})`);
  assert.ok(contrast(filled, empty) >= 3, `a visible bar edge: ${contrast(filled, empty).toFixed(2)}:1 between filled ${filled} and empty ${empty}`);
  // The empty end of the track has an edge against the panel too.
  assert.ok(row.slice(-8, -2).some((pixel) => contrast(pixel, panel) >= 3), `a track edge against the panel ${panel}: ${JSON.stringify(row.slice(-10))}`);
  await context.close();
});

test('ordinary colours: the empty track has an edge of at least 3:1 against the panel (WCAG 1.4.11)', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await halfWay(page, 'track-contrast');
  const row = await barRow(page);
  const panel = row[row.length - 2];
  // At the empty end (the filled start would pass on its own colour).
  const edge = Math.max(...row.slice(-8, -2).map((pixel) => contrast(pixel, panel)));
  assert.ok(edge >= 3, `track edge ${edge.toFixed(2)}:1 against the panel ${panel} (${JSON.stringify(row.slice(-10))})`);
  const inner = row.slice(8, -8);
  assert.ok(contrast(inner[Math.floor(inner.length * 0.25)], inner[Math.floor(inner.length * 0.75)]) >= 3, 'filled and empty parts apart');
  await context.close();
});
