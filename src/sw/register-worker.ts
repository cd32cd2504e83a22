/**
 * Registers the antichambre service worker with workbox-window. A chunk of its own: the entry imports it
 * only when an element has a `service-worker` attribute, so a login page without one pays nothing.
 * Once the worker is active, tells it the element's queue API, so that it coalesces that API's status
 * requests and holds them after a Retry-After (src/sw/status-coalescer.ts).
 * Without service workers, or when registration fails (blocked, wrong scope, bad headers), the widget
 * works as before, one ticket and one poll loop per browser through Web Locks and BroadcastChannel; the
 * console says so once.
 */
import { Workbox } from 'workbox-window';
import { queueEndpoint } from '../core/protocol/queue-endpoint.js';
import { askWorker } from './messages.js';

const WITHOUT = 'tabs still share one ticket and one poll loop, but the waiting page is not available offline';

export interface RegisterOptions {
  warn?: (message: string) => void;
  supported?: boolean;
  /** The registration once active (navigator.serviceWorker.ready), injected for tests. */
  ready?: () => Promise<{ active: ServiceWorker | null }>;
}

export async function registerWorker(
  element: Element,
  { warn = console.warn, supported = 'serviceWorker' in navigator, ready = () => navigator.serviceWorker.ready }: RegisterOptions = {},
): Promise<Workbox | undefined> {
  const scriptUrl = element.getAttribute('service-worker')!;
  if (!supported) {
    warn(`antichambre: no service worker in this browser; ${WITHOUT}`);
    return undefined;
  }
  const workbox = new Workbox(scriptUrl);
  try {
    await workbox.register({ immediate: true });
  } catch (error) {
    warn(`antichambre: service worker ${scriptUrl} not registered (${error}); ${WITHOUT}`);
    return undefined;
  }
  // The element's own checks report a bad endpoint; here it is only not passed on. The property, not the
  // attribute: a page may set `el.endpoint` from JavaScript (the attribute serves before the upgrade).
  const endpoint = queueEndpoint((element as { endpoint?: unknown }).endpoint ?? element.getAttribute('endpoint'), document.baseURI);
  if (endpoint) {
    void ready().then(({ active }) => active && askWorker(active, { type: 'antichambre:queue', endpoint }));
  }
  return workbox;
}
