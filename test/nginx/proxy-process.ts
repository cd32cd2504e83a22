/**
 * What the reverse-proxy tests (nginx, Caddy) share: finding the proxy binary (a loud skip without it,
 * a failure under CI=true), a free port, the two upstreams (antichambre and a dummy ENT), running the
 * proxy until it answers with its log at hand, and the admissions a gate must refuse.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer, type StartOptions } from '../../src/server/http/serve.js';

export interface FoundTool {
  path: string | undefined;
  /** Why the tests are skipped, or false when the tool is there. */
  missing: string | false;
}

/** Looks for `name` on PATH and in `extraDirs`; CI=true turns a missing tool into an error. */
export function findTool(name: string, extraDirs: readonly string[], debianPackage = name): FoundTool {
  const path = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].map((dir) => join(dir, name)).find((p) => existsSync(p));
  if (path) return { path, missing: false };
  const missing = `${name} is not installed (Debian: apt-get install -y ${debianPackage}): the ${name} gate test is SKIPPED`;
  if (process.env.CI === 'true') throw new Error(`${missing.replace('is SKIPPED', 'cannot run')}, and CI=true requires it`);
  console.warn(`\n⚠⚠⚠ ${missing} ⚠⚠⚠\n`);
  return { path: undefined, missing };
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface RunningProxy {
  /** Everything the proxy wrote so far: attach it to assertions. */
  log(): string;
  stop(): Promise<void>;
}

/** Spawns the proxy and resolves once `readyUrl` answers (any status); fails with its log if it exits. */
export async function startProxy(command: string, args: readonly string[], readyUrl: string, options: SpawnOptions = {}): Promise<RunningProxy> {
  let log = '';
  const child: ChildProcess = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk));
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${command} exited with ${child.exitCode}:\n${log}`);
    try {
      await fetch(readyUrl);
      return { log: () => log, stop };
    } catch {
      if (i > 200) {
        await stop();
        throw new Error(`${command} did not start:\n${log}`);
      }
      await sleep(50);
    }
  }
}

export interface Backends {
  /** The real antichambre server, trusting the proxy's X-Forwarded-For. */
  queue: RunningServer;
  /** A dummy ENT: `/attente/` is the waiting page (hosts the widget), any other path "the ENT". */
  entPort: number;
  /** What reached the ENT, in order. */
  seenByEnt: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** The two upstreams every proxy test puts behind its proxy; `queueOptions` adds to the queue server's settings. */
export async function startBackends(queueOptions: StartOptions = {}): Promise<Backends> {
  const queue = await startServer({ port: 0, trustProxy: ['127.0.0.1'], ...queueOptions });
  const seenByEnt: Backends['seenByEnt'] = [];
  const ent = createServer((req, res) => {
    seenByEnt.push({ url: req.url ?? '', headers: req.headers });
    const waiting = req.url?.startsWith('/attente/');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(waiting ? '<antichambre-queue room="college-jean-moulin"></antichambre-queue>' : `<h1>ENT ${req.url}</h1>`);
  });
  await new Promise<void>((resolve) => ent.listen(0, '127.0.0.1', resolve));
  return {
    queue,
    entPort: (ent.address() as AddressInfo).port,
    seenByEnt,
    close: async () => {
      await new Promise((resolve) => ent.close(resolve));
      await queue.close();
    },
  };
}

/**
 * Admissions a gate must refuse: a genuine token for another room, the same token with its audience
 * changed to `room` (signature no longer matches), and an unsigned `alg: none` token.
 */
export function badAdmissions(otherRoomToken: string, room: string): string[] {
  const [head, payload, sig] = otherRoomToken.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const moved = `${head}.${Buffer.from(JSON.stringify({ ...claims, aud: room })).toString('base64url')}.${sig}`;
  return [otherRoomToken, moved, 'eyJhbGciOiJub25lIn0.e30.'];
}

/**
 * nginx serving `site` (included in `http { }`), in the foreground, with everything (temp paths, pid) in a
 * throwaway prefix: Debian's nginx has absolute temp paths compiled in (/var/lib/nginx). Ready once
 * `readyUrl` answers; stop() also removes the prefix.
 */
export async function startNginxSite(nginxPath: string, site: string, readyUrl: string, workerConnections = 256): Promise<RunningProxy> {
  const prefix = await mkdtemp(join(tmpdir(), 'antichambre-nginx-'));
  await mkdir(join(prefix, 'tmp'));
  await writeFile(join(prefix, 'site.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${name}_temp_path ${join(prefix, 'tmp', name)};`).join('\n');
  await writeFile(
    join(prefix, 'nginx.conf'),
    `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${join(prefix, 'nginx.pid')};\nerror_log stderr warn;\n` +
      `events { worker_connections ${workerConnections}; }\nhttp {\n  access_log off;\n${temp}\n  include ${join(prefix, 'site.conf')};\n}\n`,
  );
  const nginx = await startProxy(nginxPath, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'], readyUrl);
  return {
    log: nginx.log,
    stop: async () => {
      await nginx.stop();
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
