/**
 * `npm run bench:tabs [-- --tabs 10] [-- --seconds 120] [-- --worker]`: status requests that reach the server while one
 * pupil waits with 1 tab, and with N tabs of the same browser (real Chromium through playwright-core, the
 * built widget on the example ENT, a real server counting requests per room). Both browsers wait at the
 * same time, in rooms of their own, with capacity 0 (the server then asks for a status every 3 s).
 * Peers that treat each tab as a visitor make N× the requests; the goal here is ≤ 1.2×. Without `--worker`
 * the browsers block service workers (Web Locks and BroadcastChannel alone); with it, the example ENT's
 * worker is installed too (it lets queue API requests through untouched, so the figure should not move).
 * Run `npm run build` first: the example ENT serves dist/antichambre.js.
 */
import { parseArgs } from 'node:util';
import { startServer } from '../src/server/serve.js';
import { mountDemoSite } from '../src/server/demo-site.js';
import { launchChromium } from '../test/e2e/browser.js';
import { openTabs, RequestCounter, sleep, useRoom } from '../test/e2e/tab-counter.js';

const { values } = parseArgs({
  options: { tabs: { type: 'string', default: '10' }, seconds: { type: 'string', default: '120' }, worker: { type: 'boolean', default: false } },
});
const tabs = Number(values.tabs);
const seconds = Number(values.seconds);
if (!Number.isInteger(tabs) || tabs < 2 || tabs > 50) throw new Error('--tabs must be an integer in [2, 50]');
if (!(seconds >= 10)) throw new Error('--seconds must be at least 10');

const counter = new RequestCounter();
const server = await startServer({
  port: 0,
  capacity: 0,
  extend: (app) => {
    mountDemoSite(app, { apiPath: '/api/v1' });
    counter.install(app);
  },
});
const browser = await launchChromium();
try {
  const serviceWorkers = values.worker ? 'allow' : 'block';
  const [one, many] = await Promise.all([browser.newContext({ serviceWorkers }), browser.newContext({ serviceWorkers })]);
  await Promise.all([useRoom(one, 'bench-one-tab'), useRoom(many, 'bench-many-tabs')]);
  await Promise.all([openTabs(one, server.origin, 1), openTabs(many, server.origin, tabs)]);
  const joins = counter.of('bench-many-tabs').joins;
  const start = { one: counter.of('bench-one-tab').statuses, many: counter.of('bench-many-tabs').statuses };
  console.error(`waiting ${seconds} s with 1 tab and with ${tabs} tabs…`);
  await sleep(seconds * 1000);
  const oneTab = counter.of('bench-one-tab').statuses - start.one;
  const manyTabs = counter.of('bench-many-tabs').statuses - start.many;
  console.log(`service worker: ${values.worker ? 'installed' : 'blocked'}`);
  console.log(`status requests in ${seconds} s: 1 tab ${oneTab}, ${tabs} tabs ${manyTabs}`);
  console.log(`ratio ${tabs} tabs ÷ 1 tab: ${(manyTabs / oneTab).toFixed(2)} (goal ≤ 1.2; a tab-per-visitor peer: ${tabs})`);
  console.log(`joins with ${tabs} tabs opened at once: ${joins}`);
} finally {
  await browser.close();
  await server.close();
}
