/**
 * "It is your turn, but the ENT is not answering yet": the precached waiting page (served by the worker
 * while the ENT's login page fails) must not send an admitted pupil straight back to that page, which
 * would fail again and show the waiting page again, in a loop. Instead it asks the login page, at a modest
 * jittered pace, whether it answers, and goes there once it does. The admission stays stored meanwhile.
 *
 * A probe is a plain fetch, not a navigation, so the worker lets it through to the network (it only
 * answers navigations for the listed pages). Jitter matters: a whole school admitted while the ENT is down
 * must not come back on the same second when it recovers.
 *
 * Two things keep it from looping with the worker. A probe gets less time than the worker gives a
 * navigation (probeTimeoutFor): a page slow enough to time the navigation out does not pass the probe.
 * And the count of tries outlives the round trip (`memory`, sessionStorage in the waiting page): when a
 * probe passes but the navigation still ends on the waiting page, the pace goes on slowing down instead
 * of starting again at 2–6 s.
 */
import { systemClock, type Clock, type Random } from '../core/wait/clock.js';
import { uniformBetween } from '../core/wait/jitter.js';

export interface PageRetryOptions {
  /** The login page (absolute URL). */
  url: string;
  /** Called once the page answers; the caller navigates. */
  onReady: () => void;
  /** Called with the clock time of the next automatic try, or null while a try is in flight. */
  onWait?: (at: number | null, tries: number) => void;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  clock?: Clock;
  random?: Random;
  /** The first automatic try comes after a delay in this range: the page has just failed to load. */
  firstDelayMs?: readonly [number, number];
  /** Later tries: ceiling doubling from `baseMs` up to `capMs`, each delay uniform in [ceiling / 2, ceiling]. */
  baseMs?: number;
  capMs?: number;
  /**
   * A probe that takes longer counts as no answer. Keep it below the worker's navigation timeout
   * (probeTimeoutFor): the default, 3 s, is below the worker's default 4 s.
   */
  timeoutMs?: number;
  /** Where the count of tries survives the page being left and shown again (sessionStorage). */
  memory?: Pick<Storage, 'getItem' | 'setItem'>;
  /** A remembered count older than this (since the last try) is forgotten: a new outage starts afresh. */
  forgetAfterMs?: number;
}

/** The sessionStorage key of the remembered tries. */
export const PAGE_RETRY_KEY = 'antichambre:page-retry';

/** A probe timeout safely below the worker's navigation timeout (`timeout=` in its URL, seconds). */
export const probeTimeoutFor = (workerTimeoutSeconds: number): number => Math.round(workerTimeoutSeconds * 750);

export interface PageRetry {
  start(): void;
  /** The pupil's "try now": one probe at once, unless one is in flight; the automatic pace resumes after. */
  tryNow(): Promise<boolean>;
  stop(): void;
}

/** Whether a probe's answer means the ENT serves its page again: any answer but a server error. */
export const pageAnswers = (response: Response): boolean => response.type === 'opaqueredirect' || (response.status > 0 && response.status < 500);

export function createPageRetry(options: PageRetryOptions): PageRetry {
  const { url, onReady, onWait, clock = systemClock, random = Math.random } = options;
  const { firstDelayMs = [2_000, 6_000], baseMs = 10_000, capMs = 60_000, timeoutMs = 3_000, memory, forgetAfterMs = 10 * 60_000 } = options;
  const fetchFn = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  let tries = 0;

  /** Tries made before this page was shown again, if recent; storage that throws or lies counts as none. */
  const remembered = (): number => {
    try {
      const { tries: count, at } = JSON.parse(memory?.getItem(PAGE_RETRY_KEY) ?? 'null') ?? {};
      const age = clock.now() - at;
      return Number.isSafeInteger(count) && count > 0 && age >= 0 && age < forgetAfterMs ? Math.min(count, 100) : 0;
    } catch {
      return 0;
    }
  };
  const remember = () => {
    try {
      memory?.setItem(PAGE_RETRY_KEY, JSON.stringify({ tries, at: clock.now() }));
    } catch {
      // Storage full or refused: the pace only loses its memory.
    }
  };
  let timer: unknown;
  let inFlight: Promise<boolean> | undefined;
  let stopped = true;

  const schedule = (delayMs: number) => {
    clock.clearTimeout(timer);
    if (stopped) return;
    timer = clock.setTimeout(() => void probe(), delayMs);
    onWait?.(clock.now() + delayMs, tries);
  };

  const nextDelay = () => {
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, tries - 1));
    return uniformBetween(ceiling / 2, ceiling, random);
  };

  async function ask(): Promise<boolean> {
    const abort = new AbortController();
    const timeout = clock.setTimeout(() => abort.abort(), timeoutMs);
    try {
      // redirect: manual — an ENT that sends its login page elsewhere (SSO) is answering, too.
      const response = await fetchFn(url, { cache: 'no-store', credentials: 'same-origin', redirect: 'manual', signal: abort.signal });
      return pageAnswers(response);
    } catch {
      return false;
    } finally {
      clock.clearTimeout(timeout);
    }
  }

  function probe(): Promise<boolean> {
    if (inFlight) return inFlight;
    clock.clearTimeout(timer);
    tries += 1;
    remember();
    onWait?.(null, tries);
    inFlight = ask().then((ok) => {
      inFlight = undefined;
      if (stopped) return ok;
      if (ok) {
        stopped = true;
        onReady();
      } else schedule(nextDelay());
      return ok;
    });
    return inFlight;
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      tries = remembered();
      schedule(tries ? nextDelay() : uniformBetween(firstDelayMs[0], firstDelayMs[1], random));
    },
    tryNow: () => (stopped ? Promise.resolve(false) : probe()),
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
    },
  };
}
