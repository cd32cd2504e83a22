/**
 * A small ENT of the test's own, on its own origin: pages the test writes, the widget files from dist/
 * (npm run build), any headers a test wants (a strict CSP…), and a count of the GETs of each path, so a
 * test sees every page load, navigations included, from the server's side.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';

const DIST = new URL('../../dist/', import.meta.url);

export type PageHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface PageServer {
  origin: string;
  /** GETs of `path` (without query) since the server started. */
  loads(path: string): number;
  /** Serves `path`: HTML text, or a handler of its own. */
  route(path: string, page: string | PageHandler, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

export async function startPageServer(): Promise<PageServer> {
  const counts = new Map<string, number>();
  const routes = new Map<string, PageHandler>();
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method === 'GET') counts.set(path, (counts.get(path) ?? 0) + 1);
    try {
      const handler = routes.get(path);
      if (handler) return await handler(request, response);
      const file = /^\/(antichambre[\w-]*\.js)$/.exec(path)?.[1];
      if (!file) return void response.writeHead(404).end('not found');
      const body = await readFile(new URL(file, DIST));
      response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(body);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    loads: (path) => counts.get(path) ?? 0,
    route(path, page, headers = {}) {
      routes.set(
        path,
        typeof page === 'string'
          ? (_request, response) => void response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers }).end(page)
          : page,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The README's login-page snippet, as an ENT copies it: the first html block holding <antichambre-queue>. */
export async function readmeSnippet(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes('<antichambre-queue'));
  if (!block) throw new Error('README.md has no html snippet with <antichambre-queue>');
  return block;
}

/** A snippet pointed at this test's servers: the script from the page's origin, the API at `apiUrl`, its own room. */
export function adaptSnippet(snippet: string, { apiUrl, room }: { apiUrl: string; room: string }): string {
  return snippet
    .replace(/src="[^"]*antichambre\.js"/, 'src="/antichambre.js"')
    .replace(/endpoint="[^"]*"/, `endpoint="${apiUrl}"`)
    .replace(/room="[^"]*"/, `room="${room}"`);
}

export const htmlPage = (body: string, head = '') =>
  `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>ENT</title>${head}</head><body>${body}</body></html>`;
