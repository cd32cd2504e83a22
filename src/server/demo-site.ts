/**
 * The pages `npm start` serves next to the API: the teachers' page at `/`, an example ENT login page at
 * `/example-ent/` (with its waiting page and service worker), and the built widget at `/antichambre.js`,
 * exactly as an ENT would host it.
 *
 * Only mounted with `--demo`: a production queue server serves the API alone.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { startDemoCrowd, type DemoCrowd } from './demo-crowd.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const files: Record<string, { path: string; type: string }> = {
  '/': { path: 'demo/index.html', type: 'text/html; charset=utf-8' },
  '/example-ent/': { path: 'demo/example-ent/index.html', type: 'text/html; charset=utf-8' },
  '/example-ent/welcome': { path: 'demo/example-ent/welcome.html', type: 'text/html; charset=utf-8' },
  // What the example ENT's service worker shows when its login page does not load (docs/service-worker.md).
  '/example-ent/waiting': { path: 'demo/example-ent/waiting.html', type: 'text/html; charset=utf-8' },
  '/demo.css': { path: 'demo/demo.css', type: 'text/css; charset=utf-8' },
};

export interface DemoSiteOptions {
  /** Where the API is mounted, e.g. `/api/v1`. */
  apiPath: string;
  /** Lets the demo crowd configure its room through the admin API, as an operator would. */
  adminToken?: string;
}

export function mountDemoSite(app: Hono, options: DemoSiteOptions): DemoCrowd | undefined {
  const crowd = options.adminToken
    ? startDemoCrowd((path, init) => app.request(options.apiPath + path, init), options.adminToken)
    : undefined;

  app.get('/example-ent', (c) => c.redirect('/example-ent/', 301));
  for (const [route, file] of Object.entries(files)) {
    app.get(route, async (c) => {
      // Each visit to the example ENT puts a class of simulated pupils ahead, so a newcomer sees a line.
      if (route === '/example-ent/') await crowd?.ensureLine();
      try {
        const body = await readFile(root + file.path);
        return c.body(body, 200, { 'content-type': file.type, 'cache-control': 'no-cache' });
      } catch {
        return c.text(`${file.path} is missing.`, 503);
      }
    });
  }
  // The widget (antichambre.js), the chunks it imports on demand and the worker sit side by side, as on an
  // ENT's server.
  app.get('/:chunk{[a-z][a-z0-9-]*\\.js}', async (c) => {
    try {
      const body = await readFile(`${root}dist/${c.req.param('chunk')}`);
      return c.body(body, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    } catch {
      return c.text('No such file. Run `npm run build` first.', 404);
    }
  });
  return crowd;
}
