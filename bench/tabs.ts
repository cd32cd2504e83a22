/**
 * `npm run bench:tabs [-- --tabs 10] [-- --seconds 300]`: status requests that reach the server while one
 * pupil waits 5 minutes with 1 tab and with N tabs of the same browser, with the service worker blocked
 * (Web Locks and BroadcastChannel alone) and with the example ENT's worker installed (which also coalesces
 * identical status requests and holds a room after a Retry-After). Real Chromium through playwright-core,
 * the built widget on the example ENT, a real server counting requests per room. The four cases wait at the
 * same time, each in its own browser context (profile) and room, with capacity 0 (the server then asks
 * for a status every 3 s), so the whole benchmark takes the window plus a minute or two of set-up.
 * Peers that treat each tab as a visitor make N× the requests; the goal here is ≤ 1.2×.
 * Run `npm run build` first: the example ENT serves dist/antichambre.js.
 */
import { parseArgs } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { startServer } from '../src/server/http/serve.js';
import { mountDemoSite } from '../demo/server/demo-site.js';
import { launchChromium } from '../test/support/browser.js';
import { openTabs, RequestCounter, sleep, useRoom, waitInLine } from '../test/support/tab-counter.js';

const { values } = parseArgs({
  options: { tabs: { type: 'string', default: '10' }, seconds: { type: 'string', default: '300' } },
});
const tabs = Number(values.tabs);
const seconds = Number(values.seconds);
if (!Number.isInteger(tabs) || tabs < 2 || tabs > 50) throw new Error('--tabs must be an integer in [2, 50]');
if (!(seconds >= 10)) throw new Error('--seconds must be at least 10');

interface Case {
  worker: boolean;
  tabs: number;
  room: string;
  context?: BrowserContext;
  pages?: Page[];
}
const cases: Case[] = [false, true].flatMap((worker) =>
  [1, tabs].map((count) => ({ worker, tabs: count, room: `bench-${worker ? 'worker' : 'blocked'}-${count}-tabs` })),
);

/**
 * Waits for the worker to control `page`. An install can fail when dist/ is being rebuilt at that moment
 * (precaching finds no file): the tab then reloads, which registers the worker again.
 */
async function untilControlled(page: Page): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      console.error(`a tab is not controlled by the worker after 20 s; reloading it (attempt ${attempt})`);
      await page.reload();
      await waitInLine(page, { timeoutMs: 90_000 });
    }
  }
}

const counter = new RequestCounter();
const server = await startServer({
  port: 0,
  capacity: 0,
  intercept: counter.intercept,
  extend: (app) => mountDemoSite(app, { apiPath: '/api/v1' }),
});
const browser = await launchChromium();
try {
  // One browser after the other (opening 22 tabs at once overloads a small shared machine); the window
  // below starts once all of them wait.
  for (const c of cases) {
    c.context = await browser.newContext({ serviceWorkers: c.worker ? 'allow' : 'block' });
    await useRoom(c.context, c.room);
    c.pages = await openTabs(c.context, server.origin, c.tabs, 90_000);
    // With the worker: every tab controlled before the window opens (clients.claim after install).
    if (c.worker) await Promise.all(c.pages.map(untilControlled));
  }
  const start = new Map(cases.map((c) => [c.room, counter.of(c.room).statuses]));
  console.error(`waiting ${seconds} s in four browsers at once: 1 tab and ${tabs} tabs, worker blocked and installed…`);
  await sleep(seconds * 1000);
  const statuses = (c: Case) => counter.of(c.room).statuses - start.get(c.room)!;

  const minutes = seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
  console.log(`Status requests reaching the server in ${minutes} of waiting (capacity 0: the server asks every 3 s)\n`);
  // Join requests may be retried with the pupil's same key (idempotent); the room's count is the truth.
  const ticketsIn = async (room: string) => ((await (await fetch(`${server.apiUrl}/rooms/${room}`)).json()) as { waiting: number }).waiting;
  console.log(`| service worker | 1 tab | ${tabs} tabs | ratio ${tabs} ÷ 1 | join requests with ${tabs} tabs | tickets held with ${tabs} tabs |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const worker of [false, true]) {
    const [one, many] = [1, tabs].map((count) => cases.find((c) => c.worker === worker && c.tabs === count)!);
    const ratio = (statuses(many!) / statuses(one!)).toFixed(2);
    console.log(
      `| ${worker ? 'installed' : 'blocked'} | ${statuses(one!)} | ${statuses(many!)} | ${ratio} | ${counter.of(many!.room).joins} | ${await ticketsIn(many!.room)} |`,
    );
  }
  console.log(`\nGoal: ${tabs} tabs ÷ 1 tab ≤ 1.2 (a peer counting each tab as a visitor: ${tabs}).`);
} finally {
  await browser.close();
  await server.close();
}
