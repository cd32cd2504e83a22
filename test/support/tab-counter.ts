/**
 * Counts, server-side, the queue requests of each room. Pass `counter.intercept` as startServer's
 * `intercept`: it sees every HTTP request before the status fast path and the app, status polls included.
 * Also gives each browser context its own room, by rewriting the example ENT page.
 */
import type { IncomingMessage } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';

export interface RoomCounts {
  joins: number;
  statuses: number;
}

export class RequestCounter {
  private counts = new Map<string, RoomCounts>();

  /** startServer's `intercept`: counts, and lets the server answer. */
  readonly intercept = (req: IncomingMessage): false => {
    const match = /\/rooms\/([^/]+)\/tickets(\/[^/]+)?$/.exec(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (match) {
      const counts = this.of(decodeURIComponent(match[1]!));
      if (req.method === 'POST' && !match[2]) counts.joins += 1;
      if (req.method === 'GET' && match[2]) counts.statuses += 1;
    }
    return false;
  };

  of(room: string): RoomCounts {
    let counts = this.counts.get(room);
    if (!counts) this.counts.set(room, (counts = { joins: 0, statuses: 0 }));
    return counts;
  }
}

/** The example ENT's login page, served to this context with another room (one room per context). */
export async function useRoom(context: BrowserContext, room: string): Promise<void> {
  await context.route('**/example-ent/', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace(/room="[^"]*"/, `room="${room}"`);
    await route.fulfill({ response, body });
  });
}

/** Opens `count` tabs of the login page at once and waits until each shows a place in line. */
export async function openTabs(context: BrowserContext, origin: string, count: number, timeoutMs = 20_000): Promise<Page[]> {
  const pages = await Promise.all(Array.from({ length: count }, () => context.newPage()));
  await Promise.all(pages.map((page) => page.goto(`${origin}/example-ent/`, { timeout: timeoutMs })));
  await Promise.all(pages.map((page) => waitInLine(page, { timeoutMs })));
  return pages;
}

/** Options in an object: a bare number would silently take the index in `pages.map(waitInLine)`. */
export const waitInLine = (page: Page, { timeoutMs = 20_000 } = {}) => page.locator('antichambre-queue').getByText(/Vous êtes en position \d/).waitFor({ timeout: timeoutMs });

/** The ticket the widget of this tab shows (its public `ticketId` property). */
export const ticketIdOf = (page: Page) => page.locator('antichambre-queue').evaluate((el) => (el as HTMLElement & { ticketId?: string }).ticketId);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
