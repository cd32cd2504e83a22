/**
 * The page's own server time for the autopilot (docs/autopilot.md): Navigation Timing's
 * responseStart − requestStart, and `responseStatus` where the browser exposes it (Chromium 109+). At
 * most one report a minute per ticket, remembered in sessionStorage across the ENT's pages; the first
 * report of a ticket is its first page after admission (the login POST's answer) and is marked so.
 */
import type { PageTiming } from '../protocol/page-timing.js';

export const PAGE_TIMING_INTERVAL_MS = 60_000;

type NavigationEntry = { requestStart: number; responseStart: number; responseStatus?: number };
type Perf = { getEntriesByType?(type: string): unknown[] };
type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

export function pageTimingToReport(ticketId: string, now: number, perf: Perf | undefined = globalThis.performance, storage: Storage | undefined = globalThis.sessionStorage): PageTiming | undefined {
  const entry = perf?.getEntriesByType?.('navigation')[0] as NavigationEntry | undefined;
  if (!entry || !(entry.responseStart > 0) || !(entry.responseStart >= entry.requestStart)) return undefined;
  const key = `antichambre:timing:${ticketId}`;
  let last: number | null = null;
  try {
    const stored = storage?.getItem(key);
    last = stored ? Number(stored) : null;
    if (last !== null && now - last < PAGE_TIMING_INTERVAL_MS) return undefined;
    storage?.setItem(key, String(now));
  } catch {
    // Storage refused (private mode quota): report anyway; the server still counts one a minute.
  }
  const timing: PageTiming = { serverMs: Math.round(entry.responseStart - entry.requestStart), firstPage: last === null };
  if (typeof entry.responseStatus === 'number' && entry.responseStatus >= 100) timing.status = entry.responseStatus;
  return timing;
}
