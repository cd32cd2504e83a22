/**
 * docs/nginx.conf as an operator runs it: the shipped file with this machine's ports (the only changes an
 * operator makes too), in a throwaway prefix, under Debian's nginx in the foreground.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { freePort, startNginxSite, type Backends, type RunningProxy } from './proxy-process.js';

export interface ShippedNginx extends RunningProxy {
  /** `http://127.0.0.1:<port>`: the ENT's origin. */
  base: string;
}

export async function startShippedNginx(nginxPath: string, { entPort, queue }: Pick<Backends, 'entPort' | 'queue'>, workerConnections?: number): Promise<ShippedNginx> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const shipped = await readFile(new URL('../../docs/nginx.conf', import.meta.url), 'utf8');
  const site = shipped
    .replace('server 127.0.0.1:8081;', `server 127.0.0.1:${entPort};`)
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${queue.port};`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`);
  assert.notEqual(site, shipped);
  const nginx = await startNginxSite(nginxPath, site, `${base}/attente/`, workerConnections);
  return {
    base,
    log: nginx.log,
    stop: nginx.stop,
  };
}
