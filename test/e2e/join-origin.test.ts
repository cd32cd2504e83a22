/**
 * In real Chromium: the queue server with `--cors-origin` set to the ENT. The ENT's page joins (JSON,
 * preflighted) and releases with sendBeacon (text/plain); a page of another web site cannot make its
 * visitor join, neither with a "simple" text/plain POST (sent without a preflight: the server refuses it)
 * nor with JSON (the browser's preflight fails, the POST is never sent).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';
import { startPageServer, type PageServer } from './page-server.js';

const ROOM = 'college-origin-check';
let browser: Browser;
let ent: PageServer;
let other: PageServer;
let queue: RunningServer;

before(async () => {
  ent = await startPageServer();
  other = await startPageServer();
  for (const site of [ent, other]) site.route('/', '<!doctype html><title>page</title><p>page</p>');
  queue = await startServer({ port: 0, corsOrigins: [ent.origin] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await queue?.close();
  await ent?.close();
  await other?.close();
});

const waiting = async (): Promise<number> => {
  const res = await fetch(`${queue.apiUrl}/rooms/${ROOM}`);
  return res.status === 404 ? 0 : ((await res.json()) as { waiting: number; active: number }).waiting;
};

/** Runs `fetch` in a page of `site`; returns the status, or the error a page sees when CORS blocks it. */
async function fetchFrom(site: PageServer, url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto(`${site.origin}/`);
    return await page.evaluate(async ({ url, init }) => {
      try {
        const res = await fetch(url, { ...init, credentials: 'omit', cache: 'no-store' });
        return String(res.status);
      } catch (error) {
        return (error as Error).name;
      }
    }, { url, init });
  } finally {
    await page.close();
  }
}

test("the ENT's page joins with JSON across origins, and its sendBeacon release (text/plain) frees the place", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${ent.origin}/`);
    await (await fetch(`${queue.apiUrl}/admin/rooms/${ROOM}`, { method: 'PUT', headers: { authorization: `Bearer ${queue.adminToken}`, 'content-type': 'application/json' }, body: '{"capacity": 0}' })).arrayBuffer();
    const joined = await page.evaluate(async (tickets) => {
      // What src/core/wait/queue-client.ts sends.
      const res = await fetch(tickets, {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify({ key: 'origin-check-key-0123456789' }),
        credentials: 'omit',
        cache: 'no-store',
      });
      return { status: res.status, body: (await res.json()) as { id: string; ticket: string } };
    }, `${queue.apiUrl}/rooms/${ROOM}/tickets`);
    assert.equal(joined.status, 201);
    assert.equal(await waiting(), 1);
    const sent = await page.evaluate(
      ({ url, ticket }) => navigator.sendBeacon(url, new Blob([JSON.stringify({ ticket })], { type: 'text/plain' })),
      { url: `${queue.apiUrl}/rooms/${ROOM}/tickets/${joined.body.id}/release`, ticket: joined.body.ticket },
    );
    assert.equal(sent, true);
    for (let i = 0; i < 100 && (await waiting()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await waiting(), 0, 'the beacon released the place');
  } finally {
    await page.close();
  }
});

test('a page of another web site cannot make its visitor join: text/plain refused by the server, JSON by the browser', async () => {
  const tickets = `${queue.apiUrl}/rooms/${ROOM}/tickets`;
  const before = await waiting();
  const simple = await fetchFrom(other, tickets, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ key: 'foreign-page-key-0123456789' }) });
  assert.equal(simple, 'TypeError', 'the answer is hidden from the page (no CORS header for its origin)');
  assert.equal(await waiting(), before, 'and the server took no place: the text/plain join was refused');
  const preflighted = await fetchFrom(other, tickets, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: 'foreign-page-key-0123456790' }) });
  assert.equal(preflighted, 'TypeError');
  assert.equal(await waiting(), before);
  const plainFromEnt = await fetchFrom(ent, tickets, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify({ key: 'ent-page-text-key-0123456789' }) });
  assert.equal(plainFromEnt, '415', 'the ENT page reads why: joins are JSON');
  assert.equal(await waiting(), before);
});
