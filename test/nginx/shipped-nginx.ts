/**
 * docs/nginx.conf as an operator runs it: the shipped file with this machine's ports (the only changes an
 * operator makes too), in a throwaway prefix, under Debian's nginx in the foreground.
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProxy, type Backends, type RunningProxy } from './proxy-process.js';

export interface ShippedNginx extends RunningProxy {
  /** `http://127.0.0.1:<port>`: the ENT's origin. */
  base: string;
}

export async function startShippedNginx(nginxPath: string, { entPort, queue }: Backends): Promise<ShippedNginx> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const shipped = await readFile(new URL('../../docs/nginx.conf', import.meta.url), 'utf8');
  const site = shipped
    .replace('server 127.0.0.1:8081;', `server 127.0.0.1:${entPort};`)
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${queue.port};`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  assert.notEqual(site, shipped);
  const prefix = await mkdtemp(join(tmpdir(), 'antichambre-nginx-'));
  await mkdir(join(prefix, 'tmp'));
  await writeFile(join(prefix, 'site.conf'), site);
  // Debian's nginx has absolute temp paths compiled in (/var/lib/nginx): keep everything in the prefix.
  await writeFile(
    join(prefix, 'nginx.conf'),
    `daemon off;
master_process off;
worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 64; }
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
  const nginx = await startProxy(nginxPath, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'], `${base}/attente/`);
  return {
    base,
    log: nginx.log,
    stop: async () => {
      await nginx.stop();
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
