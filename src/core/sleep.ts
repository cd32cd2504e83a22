import type { Clock } from './clock.js';

/**
 * Waits until `ms` from now, or until `signal` aborts (resolves early, never rejects).
 * Re-arms when a timer fires before the deadline, which happens with coarse or throttled timers.
 */
export function sleep(ms: number, clock: Clock, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const deadline = clock.now() + ms;
    let handle: unknown;
    const finish = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      clock.clearTimeout(handle);
      finish();
    };
    const tick = () => {
      const left = deadline - clock.now();
      if (left > 0) handle = clock.setTimeout(tick, left);
      else finish();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    handle = clock.setTimeout(tick, ms);
  });
}
