/**
 * The worker's configuration, read from its own script URL, so that it survives the worker being stopped
 * and restarted (the browser stops an idle worker after ~30 s): the ENT writes it once, in the element's
 * attribute, e.g. `service-worker="/antichambre-sw.js?pages=/,/login&waiting=/waiting.html"`.
 */
import { queueEndpoint } from '../core/protocol/queue-endpoint.js';

export interface WorkerConfig {
  /** Pathnames whose navigations go network-first and fall back to the waiting page. */
  pages: string[];
  /** Pathname of the waiting page (same origin), precached at install; null: no fallback. */
  waitingPage: string | null;
  /** How long a listed page may take before the waiting page is shown instead. */
  timeoutSeconds: number;
  /**
   * Queue API base URLs (absolute, or paths on the worker's origin) whose status and join requests the
   * worker coalesces and holds after a Retry-After (status-coalescer.ts). Pages also tell the worker their
   * element's `endpoint` (messages.ts), so this is only needed before a page has done so.
   */
  queue: string[];
}

export function parseWorkerConfig(scriptUrl: string): WorkerConfig {
  const url = new URL(scriptUrl);
  const list = (name: string) => (url.searchParams.get(name) ?? '').split(',').filter((value) => value !== '');
  const samePath = (value: string | null) => (value && value.startsWith('/') && !value.startsWith('//') ? value : null);
  const pages = list('pages').map(samePath).filter((p): p is string => p !== null);
  const timeout = Number(url.searchParams.get('timeout'));
  return {
    pages,
    waitingPage: samePath(url.searchParams.get('waiting')),
    timeoutSeconds: timeout > 0 && timeout <= 30 ? timeout : 4,
    queue: list('queue').map((value) => queueEndpoint(value, url.href)).filter((e): e is string => e !== undefined),
  };
}
