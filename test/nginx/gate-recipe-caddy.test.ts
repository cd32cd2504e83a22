/**
 * Recipe (b) with Caddy: docs/Caddyfile and docs/recipes/gate/ as shipped (the site address, the ports and
 * the directory changed, nothing else), in front of a small ENT and the real queue server, in real Chromium
 * (gate-recipe-scenario.ts). Needs caddy (a loud skip without it, a failure under CI=true) and dist/.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTool, startProxy, type RunningProxy } from './proxy-process.js';
import { shippedConfig, type RecipePorts } from './gate-recipe.js';
import { failOpenSuite, gateRecipeSuite } from './gate-recipe-scenario.js';

const { path: caddyPath, missing } = findTool('caddy', ['/usr/bin', '/usr/local/bin']);

const FILE = 'docs/Caddyfile' as const;

async function launchSite(shipped: string, ports: RecipePorts): Promise<RunningProxy> {
  // Plain HTTP here (a test has no certificate); `admin off` so parallel runs do not fight over :2019.
  const site = `{\n\tadmin off\n}\n\n${shipped}`;
  const home = await mkdtemp(join(tmpdir(), 'antichambre-caddy-recipe-'));
  await writeFile(join(home, 'Caddyfile'), site);
  // Caddy keeps its data and config under HOME/XDG dirs: keep them in the temp dir.
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config') };
  const args = ['run', '--adapter', 'caddyfile', '--config', join(home, 'Caddyfile')];
  const caddy = await startProxy(caddyPath!, args, `http://127.0.0.1:${ports.proxy}/api/v1/.well-known/jwks.json`, { env });
  return {
    log: caddy.log,
    stop: async () => {
      await caddy.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

gateRecipeSuite('Caddy', async (ports) => launchSite(await shippedConfig(FILE, ports), ports), missing);

// As the comment in the file says: the first handle_errors block replaced by the commented one.
const toFailOpen = (shipped: string) => shipped.replace(/\thandle_errors \{\n[\s\S]*?\n\t\}\n/, '').replaceAll('#fail-open ', '');
failOpenSuite('Caddy', FILE, toFailOpen, launchSite, missing);
