/**
 * One browser, one ticket, one poll loop, whatever the tabs: real Chromium, several pages of one browser
 * context (each test its own fresh context), a real server that counts the requests it receives per room.
 * No service worker here: Web Locks and BroadcastChannel alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { mountDemoSite } from '../../demo/server/demo-site.js';
import { launchChromium } from '../support/browser.js';
import { openTabs, RequestCounter, sleep, ticketIdOf, useRoom, waitInLine } from '../support/tab-counter.js';

let server: RunningServer;
let browser: Browser;
const counter = new RequestCounter();

before(async () => {
  // Capacity 0: everybody waits, and the server asks for a status every 3 s (its floor).
  server = await startServer({
    port: 0,
    capacity: 0,
    intercept: counter.intercept,
    extend: (app) => {
      mountDemoSite(app, { apiPath: '/api/v1' });
    },
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('five tabs opened at once join the line once and show the same ticket', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await useRoom(context, 'tabs-five-at-once');
  const pages = await openTabs(context, server.origin, 5);
  const ids = await Promise.all(pages.map(ticketIdOf));
  assert.equal(counter.of('tabs-five-at-once').joins, 1, 'exactly one join reached the server');
  assert.ok(ids[0], 'the tabs show a ticket');
  assert.deepEqual(new Set(ids), new Set([ids[0]]), 'every tab shows the same ticket');
  await context.close();
});

test('five tabs send no more status requests than one tab (within 1.2×)', async () => {
  const [one, five] = await Promise.all([browser.newContext({ serviceWorkers: 'block' }), browser.newContext({ serviceWorkers: 'block' })]);
  await Promise.all([useRoom(one, 'tabs-one'), useRoom(five, 'tabs-five')]);
  await Promise.all([openTabs(one, server.origin, 1), openTabs(five, server.origin, 5)]);
  const start = { one: counter.of('tabs-one').statuses, five: counter.of('tabs-five').statuses };
  await sleep(30_000);
  const oneTab = counter.of('tabs-one').statuses - start.one;
  const fiveTabs = counter.of('tabs-five').statuses - start.five;
  assert.ok(oneTab >= 5, `one tab polled ${oneTab} times in 30 s`);
  assert.ok(fiveTabs <= oneTab * 1.2, `five tabs: ${fiveTabs} status requests, one tab: ${oneTab}`);
  await Promise.all([one.close(), five.close()]);
});

test('closing the tab that polls hands over to another tab: same ticket, no new join', async () => {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const ROOM = 'tabs-handover';
  await useRoom(context, ROOM);
  // The first tab alone leads; two more follow it.
  const [leader] = await openTabs(context, server.origin, 1);
  const followers = await openTabs(context, server.origin, 2);
  const id = await ticketIdOf(leader!);
  await leader!.close();
  const before = counter.of(ROOM).statuses;
  // One poll interval is 3 s here (± 20 % jitter): allow a little more than one.
  await sleep(5_000);
  assert.ok(counter.of(ROOM).statuses > before, 'another tab kept polling');
  assert.equal(counter.of(ROOM).joins, 1, 'without a new join');
  for (const page of followers) assert.equal(await ticketIdOf(page), id);
  // A reload of a follower resumes the same ticket too.
  await followers[0]!.reload();
  await waitInLine(followers[0]!);
  assert.equal(await ticketIdOf(followers[0]!), id);
  assert.equal(counter.of(ROOM).joins, 1);
  await context.close();
});
