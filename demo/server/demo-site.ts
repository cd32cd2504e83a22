/**
 * The pages `npm start` serves next to the API: the teachers' page at `/` (built by Vite from demo/ into
 * dist/demo/, with the pupil's phone at `/demo/eleve/` and its controls under `/demo/api`), an example
 * ENT login page at `/example-ent/` (with its waiting page and service worker), and the built widget at
 * `/antichambre.js`, exactly as an ENT would host it.
 *
 * Only mounted by `npm start` (demo/server/start.ts): a production queue server serves the API alone.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { createDemoApi, DEMO_API_PATH } from './demo-api.js';
import { Classrooms } from './demo-classrooms.js';
import { startDemoCrowd, type DemoCrowd } from './demo-crowd.js';
import { DemoEnts } from './demo-ent.js';
import { DemoOutages } from './demo-outage.js';
import type { ApiRequest } from './demo-pupil-group.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const html = 'text/html; charset=utf-8';

const files: Record<string, { path: string; type: string }> = {
  // Built by `npm run build` (scripts/build.mjs).
  '/': { path: 'dist/demo/index.html', type: html },
  '/demo/eleve/': { path: 'dist/demo/eleve/index.html', type: html },
  '/demo/eleve/session': { path: 'dist/demo/eleve/session.html', type: html },
  // Served as written: what an ENT's own pages would look like.
  '/example-ent/': { path: 'demo/example-ent/index.html', type: html },
  '/example-ent/welcome': { path: 'demo/example-ent/welcome.html', type: html },
  // What the example ENT's service worker shows when its login page does not load (docs/service-worker.md).
  '/example-ent/waiting': { path: 'demo/example-ent/waiting.html', type: html },
  '/demo.css': { path: 'demo/demo.css', type: 'text/css; charset=utf-8' },
};

const assetTypes: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  map: 'application/json',
};

export interface DemoSiteOptions {
  /** Where the API is mounted, e.g. `/api/v1`. */
  apiPath: string;
  /** Lets the demo crowd and the teachers' page configure their rooms through the admin API, as an operator would. */
  adminToken?: string;
  /**
   * The teachers' page's simulated outages. Pass the same object's `intercept` to `startServer`, or
   * "Le serveur tombe en panne" has no effect.
   */
  outages?: DemoOutages;
  /** As the queue API's `--trust-proxy`: who opens classrooms, for the demo API's per-client limit. */
  trustProxy?: readonly string[];
}

export interface DemoSite {
  crowd?: DemoCrowd;
  classrooms?: Classrooms;
}

export function mountDemoSite(app: Hono, options: DemoSiteOptions): DemoSite {
  const site: DemoSite = {};
  if (options.adminToken) {
    const request: ApiRequest = (path, init, client) => app.request(options.apiPath + path, init, client ? simulatedClient(client) : undefined);
    site.crowd = startDemoCrowd(request, options.adminToken);
    const outages = options.outages ?? new DemoOutages(options.apiPath);
    // Each classroom's modelled ENT, probed by the room's autopilot over loopback (« L'ENT ralentit »).
    site.classrooms = new Classrooms({ request, adminToken: options.adminToken, outages, ents: new DemoEnts() });
    app.route(DEMO_API_PATH, createDemoApi(site.classrooms, outages, { trustProxy: options.trustProxy }));
  }

  app.get('/example-ent', (c) => c.redirect('/example-ent/', 301));
  app.get('/demo/eleve', (c) => c.redirect('/demo/eleve/', 301));
  for (const [route, file] of Object.entries(files)) {
    app.get(route, async (c) => {
      // Each visit to the example ENT puts a class of simulated pupils ahead, so a newcomer sees a line.
      if (route === '/example-ent/') await site.crowd?.ensureLine();
      try {
        const body = await readFile(root + file.path);
        return c.body(body, 200, { 'content-type': file.type, 'cache-control': 'no-cache' });
      } catch {
        return c.text(`${file.path} is missing. Run \`npm run build\` first.`, 503);
      }
    });
  }
  // The teachers' page's scripts and styles: content-hashed names, so they never change under a URL.
  app.get('/assets/:file{[A-Za-z0-9_.-]+}', async (c) => {
    const file = c.req.param('file');
    const type = assetTypes[file.slice(file.lastIndexOf('.') + 1)];
    if (type === undefined) return c.text('No such file.', 404);
    try {
      const body = await readFile(`${root}dist/demo/assets/${file}`);
      return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable' });
    } catch {
      return c.text('No such file. Run `npm run build` first.', 404);
    }
  });
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
  return site;
}

/**
 * The bindings @hono/node-server gives a request, reduced to the client's address: per-client limits
 * (joins per minute) then count each simulated pupil on its own, as they would from their homes.
 */
function simulatedClient(address: string): { incoming: { socket: { remoteAddress: string } } } {
  return { incoming: { socket: { remoteAddress: address } } };
}
