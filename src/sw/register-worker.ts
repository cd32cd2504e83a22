/**
 * Registers the antichambre service worker with workbox-window. A chunk of its own: the entry imports it
 * only when an element has a `service-worker` attribute, so a login page without one pays nothing.
 * Without service workers, or when registration fails (blocked, wrong scope, bad headers), the widget
 * works as before, one ticket and one poll loop per browser through Web Locks and BroadcastChannel; the
 * console says so once.
 */
import { Workbox } from 'workbox-window';

const WITHOUT = 'tabs still share one ticket and one poll loop, but the waiting page is not available offline';

export async function registerWorker(
  scriptUrl: string,
  { warn = console.warn, supported = 'serviceWorker' in navigator }: { warn?: (message: string) => void; supported?: boolean } = {},
): Promise<Workbox | undefined> {
  if (!supported) {
    warn(`antichambre: no service worker in this browser; ${WITHOUT}`);
    return undefined;
  }
  const workbox = new Workbox(scriptUrl);
  try {
    await workbox.register({ immediate: true });
    return workbox;
  } catch (error) {
    warn(`antichambre: service worker ${scriptUrl} not registered (${error}); ${WITHOUT}`);
    return undefined;
  }
}
