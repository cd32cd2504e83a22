/**
 * `npm start`: the product's queue server (src/server, its CLI and flags unchanged) with the demo added
 * on: the teachers' page at `/`, the example ENT at `/example-ent/`, the live classrooms and their
 * "server down for 30 s" button. The product imports nothing from here (test/server/no-demo-import.test.ts).
 */
import { pathToFileURL } from 'node:url';
import { API_PATH } from '../../src/server/http/app.js';
import { main, runCli, type CliAddOn, type CliIo } from '../../src/server/config/cli.js';
import type { RunningServer } from '../../src/server/http/serve.js';
import { DemoOutages } from './demo-outage.js';
import { mountDemoSite } from './demo-site.js';

/** The demo's pages, classrooms and outages, for one server. */
export function demoAddOn(): CliAddOn {
  // The teachers' page's "server down for 30 s" button answers browsers in front of the API and its fast path.
  const outages = new DemoOutages(API_PATH);
  return {
    serverOptions: ({ adminToken, trustProxy }) => ({
      intercept: outages.intercept,
      extend: (app) => void mountDemoSite(app, { apiPath: API_PATH, adminToken, outages, trustProxy }),
    }),
    urls: (base) => [`  teachers' page   ${base}/`, `  example ENT      ${base}/example-ent/`],
    sameOrigin: true,
  };
}

/** What `npm start` runs, in process (tests): the CLI's flags, the demo added on. */
export function startDemo(argv: readonly string[], env: Record<string, string | undefined>, io?: CliIo): Promise<RunningServer | null> {
  return runCli(argv, env, io, demoAddOn());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2), process.env, demoAddOn());
}
