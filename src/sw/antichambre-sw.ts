/**
 * The antichambre service worker: a narrow job, everything else passes through untouched.
 * - Precaches the widget's files (the manifest is injected at build time) and the ENT's waiting page.
 * - Navigations to the pages the ENT lists go to the network first, with a short timeout; on timeout,
 *   502/503/504 or a network error the precached waiting page answers instead. That page hosts the same
 *   widget, which resumes the stored ticket (IndexedDB) and keeps polling the queue API (which may live on
 *   another origin). The widget's own files are served the same way, so the waiting page loads too.
 * - Status requests to the queue API: identical ones in flight reach the server once, and after a
 *   Retry-After nothing for that room reaches it before then (src/sw/status-coalescer.ts). Pages tell the
 *   worker their queue API (messages.ts), or the configuration lists it.
 * - Clicking the "C'est votre tour" notification focuses the pupil's tab (src/element/turn-notice).
 * - Answers the page's messages (messages.ts).
 * It owns no timer and no ticket: the browser stops an idle worker after ~30 s, so the poll loop lives in
 * a page (the leader tab, src/core/wait/shared-waiting-room.ts). Configuration: worker-config.ts.
 */
import { cleanupOutdatedCaches, matchPrecache, precache } from 'workbox-precaching';
import type { RouteHandlerCallbackOptions } from 'workbox-core/types.js';
import { registerRoute } from 'workbox-routing';
import { NetworkOnly } from 'workbox-strategies';
import { createStore, get, set } from 'idb-keyval';
import { createStatusCoalescer, type CoalescerState, type QueueRequestMatch } from './status-coalescer.js';
import { isPageMessage, type WorkerMessage } from './messages.js';
import { focusTab, type NotificationClickEvent, type WindowClients } from './focus-tab.js';
import { parseWorkerConfig } from './worker-config.js';

interface PrecacheEntry {
  url: string;
  revision: string | null;
}

/** The parts of ServiceWorkerGlobalScope used here (the project's TypeScript lib is DOM, not WebWorker). */
interface WorkerScope {
  location: Location;
  __WB_MANIFEST: PrecacheEntry[];
  skipWaiting(): Promise<void>;
  clients: WindowClients & { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: { waitUntil(promise: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown; ports: readonly MessagePort[]; waitUntil(promise: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationClickEvent) => void): void;
}

const scope = self as unknown as WorkerScope;
const manifest = scope.__WB_MANIFEST; // replaced by scripts/inject-manifest.mjs
const config = parseWorkerConfig(scope.location.href);
const origin = scope.location.origin;
// The build's revisions name this worker, and version the waiting page (an ENT file with no hash of ours).
const version = manifest.map((entry) => entry.revision).join('').slice(0, 12) || 'dev';

precache(config.waitingPage ? [...manifest, { url: config.waitingPage, revision: version }] : manifest);
cleanupOutdatedCaches();

const widgetFiles = new Set(manifest.map((entry) => new URL(entry.url, scope.location.href).pathname));
if (config.waitingPage) widgetFiles.add(config.waitingPage);

/** The network, within the timeout; a saturated origin's 502/503/504 count as failures. Never cached. */
const network = new NetworkOnly({
  networkTimeoutSeconds: config.timeoutSeconds,
  plugins: [
    {
      fetchDidSucceed: async ({ response }) => {
        if (response.status >= 502 && response.status <= 504) throw new Error(`HTTP ${response.status}`);
        return response;
      },
    },
  ],
});

/** Network first, then the precached copy of `fallback` (a precached URL). */
const orPrecached = (fallback: (options: RouteHandlerCallbackOptions) => string) => async (options: RouteHandlerCallbackOptions) => {
  try {
    return await network.handle(options);
  } catch {
    return (await matchPrecache(fallback(options))) ?? Response.error();
  }
};

if (config.waitingPage) {
  const waitingPage = config.waitingPage;
  registerRoute(
    ({ request, url }) => request.mode === 'navigate' && url.origin === origin && config.pages.includes(url.pathname),
    orPrecached(() => waitingPage),
  );
  registerRoute(
    ({ request, url }) => request.method === 'GET' && url.origin === origin && widgetFiles.has(url.pathname),
    orPrecached(({ url }) => url.pathname),
  );
}

// Holds and learned endpoints outlive the worker (stopped after ~30 s idle, a Retry-After can be longer).
const stateStore = createStore('antichambre-sw', 'state');
const coalescer = createStatusCoalescer({
  endpoints: config.queue,
  persistence: {
    load: () => get<CoalescerState>('coalescer', stateStore),
    save: (state) => set('coalescer', state, stateStore),
  },
});
// Workbox passes what the match returns to the handler as `params`.
const coalesce = ({ request, params }: RouteHandlerCallbackOptions) => coalescer.handle(request as Request, params as unknown as QueueRequestMatch);
const queueRequest = ({ request }: { request: Request }) => coalescer.match(request);
registerRoute(queueRequest, coalesce, 'GET');
registerRoute(queueRequest, coalesce, 'POST');

// A new worker takes over at once: it holds no state a page needs (the ticket is in IndexedDB, the loop in
// a tab), so an update mid-wait neither loses the place nor starts a second one.
scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()));
scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));

scope.addEventListener('message', (event) => {
  const message = event.data;
  if (!isPageMessage(message)) return;
  const answer = async (): Promise<WorkerMessage> => {
    if (message.type === 'antichambre:status') {
      return { type: 'antichambre:status', version, pages: config.pages, waitingPage: config.waitingPage, queue: await coalescer.endpoints() };
    }
    await coalescer.learn(message.endpoint); // refused when not an http(s) URL: the list says so
    return { type: 'antichambre:queue', endpoints: await coalescer.endpoints() };
  };
  event.waitUntil(answer().then((reply) => event.ports[0]?.postMessage(reply)));
});

scope.addEventListener('notificationclick', (event) => focusTab(event, scope.clients));
