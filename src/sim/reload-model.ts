/**
 * "Everyone presses Reload every few seconds": the page a pupil keeps refreshing by hand while the ENT is
 * slow, as the teachers' page compares it with antichambre. A person's finger is not a timer, so each
 * reload comes after the period ± `jitter` (uniform); nothing changes after a failure, nobody reads the
 * server's `pollAfterMs`. The place in line survives reloads (a cookie), as on our server, for 10 minutes
 * without a request. One reload counts as one request: a real page reload also fetches its HTML, scripts
 * and styles, so this flatters the reload crowd.
 */
import { uniformBetween } from '../core/wait/jitter.js';
import type { ClientModel } from './client-model.js';

export interface ReloadOptions {
  /** Mean time between two presses of Reload. */
  periodMs: number;
  /** Spread as a share of the period: 0.4 → uniform in [0.6, 1.4] × period. In [0, 1). */
  jitter: number;
}

export const DEFAULT_RELOAD: ReloadOptions = { periodMs: 5_000, jitter: 0.4 };

export function reloadModel({ periodMs, jitter }: ReloadOptions = DEFAULT_RELOAD): ClientModel<null> {
  if (!(periodMs > 0) || !(jitter >= 0 && jitter < 1)) throw new RangeError(`reloadModel: periodMs > 0 and jitter in [0, 1) (got ${periodMs}, ${jitter})`);
  return {
    name: `reload-${periodMs / 1000}s`,
    waitingTtlMs: 600_000,
    requestsPerPoll: 1,
    create: () => null,
    next: (state, _answer, _now, random) => ({ state, delayMs: uniformBetween(periodMs * (1 - jitter), periodMs * (1 + jitter), random) }),
  };
}
