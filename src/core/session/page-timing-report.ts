/**
 * The page's own server time for the autopilot (docs/autopilot.md): Navigation Timing's
 * responseStart − requestStart, and `responseStatus` where the browser exposes it (Chromium 109+). At
 * most one report a minute per ticket, remembered in sessionStorage across the ENT's pages; the first
 * report of a ticket is its first page after admission (the login POST's answer) and is marked so.
 * A page is reported once: a pupil who stays 20 minutes on one page sent its 3-s load 20 times, a page
 * long gone weighing on the law as if it were new; the page is told by `performance.timeOrigin`.
 */
import type { PageTiming } from '../protocol/page-timing.js';

export const PAGE_TIMING_INTERVAL_MS = 60_000;

type NavigationEntry = { requestStart: number; responseStart: number; responseStatus?: number };
type Perf = { timeOrigin?: number; getEntriesByType?(type: string): unknown[] };
type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

export function pageTimingToReport(ticketId: string, now: number, perf: Perf | undefined = globalThis.performance, storage: Storage | undefined = globalThis.sessionStorage): PageTiming | undefined {
  const entry = perf?.getEntriesByType?.('navigation')[0] as NavigationEntry | undefined;
  if (!entry || !(entry.responseStart > 0) || !(entry.responseStart >= entry.requestStart)) return undefined;
  const key = `antichambre:timing:${ticketId}`;
  const page = String(perf?.timeOrigin ?? now); // no timeOrigin (old Safari): once a minute, as before
  let last: number | null = null;
  try {
    // Stored as "<time of the last report> <timeOrigin of the page it came from>".
    const [at, reportedPage] = storage?.getItem(key)?.split(' ') ?? [];
    last = at ? Number(at) : null;
    if (last !== null && (reportedPage === page || now - last < PAGE_TIMING_INTERVAL_MS)) return undefined;
    storage?.setItem(key, `${now} ${page}`);
  } catch {
    // Storage refused (private mode quota): report anyway; the server still counts one a minute.
  }
  const timing: PageTiming = { serverMs: Math.round(entry.responseStart - entry.requestStart), firstPage: last === null };
  if (typeof entry.responseStatus === 'number' && entry.responseStatus >= 100) timing.status = entry.responseStatus;
  return timing;
}
