/**
 * The npm package as an integrator gets it: `npm pack`, then `npm install <tarball> --omit=dev` in an
 * empty folder (from the npm cache when it holds the dependencies), then plain `node` with no tsx (a
 * devDependency the install leaves out): the widget's files resolve, the server's API starts a server,
 * and the `antichambre-server` bin answers --help and serves /healthz. The tarball ships dist/, so this
 * runs after `npm run build` (as in `npm test`).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const exec = promisify(execFile);
// Plain Node: nothing of the test runner's `--import tsx` may reach the children.
const env = { ...process.env, NODE_OPTIONS: '' };

let work = '';
let app = '';
let packed: string[] = [];

before(async () => {
  assert.ok(existsSync(join(ROOT, 'dist/antichambre.js')), 'dist/ has no widget: run npm run build');
  work = await mkdtemp(join(tmpdir(), 'antichambre-pack-'));
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env });
  const [{ filename, files }] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  packed = files.map((f) => f.path);
  app = join(work, 'ent');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'ent', private: true, type: 'module' }));
  const started = performance.now();
  await exec('npm', ['install', join(work, filename), '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env });
  console.log(`npm install of the tarball: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('the tarball holds the widget, the compiled server and its bin, and no tests or demo build', () => {
  for (const file of ['dist/antichambre.js', 'dist/antichambre-sw.js', 'dist/custom-elements.json', 'dist/node/server/index.js', 'dist/node/server/index.d.ts', 'bin/antichambre-server.js']) {
    assert.ok(packed.includes(file), `${file} missing from the tarball`);
  }
  assert.ok(packed.some((f) => f.endsWith('.lua') && f.startsWith('dist/node/server/')), 'the Lua scripts are beside the compiled stores');
  assert.deepEqual(packed.filter((f) => f.startsWith('test/') || f.startsWith('dist/demo/') || f.endsWith('.test.ts')), []);
});

test('plain node resolves the widget files and runs the server API from the installed package', async () => {
  const script = `
    import { existsSync } from 'node:fs';
    import { fileURLToPath } from 'node:url';
    import { MemoryStore, RedisStore, startServer, verifyAdmission } from 'antichambre/server';
    const widget = ['antichambre', 'antichambre/antichambre-sw.js', 'antichambre/antichambre-waiting.js', 'antichambre/antichambre-pow-worker.js']
      .filter((name) => !existsSync(fileURLToPath(import.meta.resolve(name))));
    const server = await startServer({ port: 0, host: '127.0.0.1' });
    const base = 'http://127.0.0.1:' + server.port;
    const health = (await fetch(base + '/healthz')).status;
    const verdict = await verifyAdmission('not-a-token', { jwksUrl: base + '/api/v1/.well-known/jwks.json', room: 'r' });
    await server.close();
    console.log(JSON.stringify({ missingWidgetFiles: widget, health, reason: verdict.reason, stores: [typeof MemoryStore, typeof RedisStore] }));
  `;
  const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', script], { cwd: app, env, timeout: 20_000 });
  assert.deepEqual(JSON.parse(stdout), { missingWidgetFiles: [], health: 200, reason: 'malformed', stores: ['function', 'function'] });
});

test('npx antichambre-server --help prints the usage and exits 0', async () => {
  const { stdout } = await exec(join(app, 'node_modules/.bin/antichambre-server'), ['--help'], { cwd: app, env, timeout: 20_000 });
  assert.match(stdout, /^Usage: antichambre \[options\]/);
  assert.match(stdout, /--port <n>/);
});

test('the bin serves /healthz on a free port and stops on SIGTERM', async () => {
  const child = spawn(join(app, 'node_modules/.bin/antichambre-server'), ['--port', '0', '--host', '127.0.0.1', '--metrics-port', '0'], { cwd: app, env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line in 20 s: ${output}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        const listening = /listening on [^\s]+:(\d+)/.exec(output);
        if (listening) {
          clearTimeout(timer);
          resolve(Number(listening[1]));
        }
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${output}`)));
    });
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
