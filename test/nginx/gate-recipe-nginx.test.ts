/**
 * Recipe (b) with nginx: docs/nginx.conf and docs/recipes/gate/ as shipped (ports and the directory changed,
 * nothing else), in front of a small ENT and the real queue server, in real Chromium (gate-recipe-scenario.ts).
 * Also the documented fail-open variant: with its block turned on, a queue server that is down lets pupils
 * through to the ENT. Needs nginx (a loud skip without it, a failure under CI=true) and dist/ (npm run build).
 */
import { findTool, startNginxSite } from './proxy-process.js';
import { shippedConfig, type RecipePorts } from './gate-recipe.js';
import { failOpenSuite, gateRecipeSuite } from './gate-recipe-scenario.js';

const { path: nginxPath, missing } = findTool('nginx', ['/usr/sbin', '/usr/local/sbin', '/usr/local/nginx/sbin']);

const startNginx = (site: string, port: number) => startNginxSite(nginxPath!, site, `http://127.0.0.1:${port}/api/v1/.well-known/jwks.json`);

const FILE = 'docs/nginx.conf' as const;
const launchSite = (site: string, ports: RecipePorts) => startNginx(site, ports.proxy);

gateRecipeSuite('nginx', async (ports) => launchSite(await shippedConfig(FILE, ports), ports), missing);

// As the comment in the file says: the error_page line swapped, the @ent_direct block uncommented.
const toFailOpen = (shipped: string) =>
  shipped.replace('error_page 500 502 503 504 =503 /indisponible.html;', 'error_page 500 = @ent_direct;').replaceAll('#fail-open ', '');
failOpenSuite('nginx', FILE, toFailOpen, launchSite, missing);
