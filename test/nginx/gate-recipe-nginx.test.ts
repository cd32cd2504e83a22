/**
 * Recipe (b) with nginx: docs/nginx.conf and docs/recipes/gate/ as shipped (ports and the directory changed,
 * nothing else), in front of a small ENT and the real queue server, in real Chromium (gate-recipe-scenario.ts).
 * Also the documented fail-open variant: with its block turned on, a queue server that is down lets pupils
 * through to the ENT. Needs nginx (a loud skip without it, a failure under CI=true) and dist/ (npm run build).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, startProxy, type RunningProxy } from './proxy-process.js';
import { shippedConfig, type RecipePorts } from './gate-recipe.js';
import { failOpenScenario, gateRecipeScenario } from './gate-recipe-scenario.js';

const { path: nginxPath, missing } = findTool('nginx', ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']);

/** nginx with `site` included in `http { }`, everything (temp paths, pid) in a prefix of its own. */
async function startNginx(site: string, port: number): Promise<RunningProxy> {
  const prefix = await mkdtemp(join(tmpdir(), 'antichambre-nginx-recipe-'));
  await mkdir(join(prefix, 'tmp'));
  await writeFile(join(prefix, 'site.conf'), site);
  await writeFile(
    join(prefix, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'tmp', 'body')};
  proxy_temp_path ${join(prefix, 'tmp', 'proxy')};
  fastcgi_temp_path ${join(prefix, 'tmp', 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'tmp', 'uwsgi')};
  scgi_temp_path ${join(prefix, 'tmp', 'scgi')};
  include ${join(prefix, 'site.conf')};
}
`,
  );
  const nginx = await startProxy(nginxPath!, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'], `http://127.0.0.1:${port}/api/v1/.well-known/jwks.json`);
  return {
    log: nginx.log,
    stop: async () => {
      await nginx.stop();
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

const FILE = 'docs/nginx.conf' as const;
const launchSite = (site: string, ports: RecipePorts) => startNginx(site, ports.proxy);

gateRecipeScenario('nginx', async (ports) => launchSite(await shippedConfig(FILE, ports), ports), missing);

// As the comment in the file says: the error_page line swapped, the @ent_direct block uncommented.
const toFailOpen = (shipped: string) =>
  shipped.replace('error_page 500 502 503 504 =503 /indisponible.html;', 'error_page 500 = @ent_direct;').replaceAll('#fail-open ', '');
failOpenScenario('nginx', FILE, toFailOpen, launchSite, missing);
