/**
 * The worker's configuration, read from its own script URL, so that it survives the worker being stopped
 * and restarted (the browser stops an idle worker after ~30 s): the ENT writes it once, in the element's
 * attribute, e.g. `service-worker="/antichambre-sw.js?pages=/,/login&waiting=/waiting.html"`.
 */
export interface WorkerConfig {
  /** Pathnames whose navigations go network-first and fall back to the waiting page. */
  pages: string[];
  /** Pathname of the waiting page (same origin), precached at install; null: no fallback. */
  waitingPage: string | null;
  /** How long a listed page may take before the waiting page is shown instead. */
  timeoutSeconds: number;
}

export function parseWorkerConfig(scriptUrl: string): WorkerConfig {
  const url = new URL(scriptUrl);
  const samePath = (value: string | null) => (value && value.startsWith('/') && !value.startsWith('//') ? value : null);
  const pages = (url.searchParams.get('pages') ?? '').split(',').map(samePath).filter((p): p is string => p !== null);
  const timeout = Number(url.searchParams.get('timeout'));
  return {
    pages,
    waitingPage: samePath(url.searchParams.get('waiting')),
    timeoutSeconds: timeout > 0 && timeout <= 30 ? timeout : 4,
  };
}
