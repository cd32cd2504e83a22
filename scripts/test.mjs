#!/usr/bin/env node
// `npm test`: everything, in the order a failure is cheapest to read. Type-check, build (with the size
// budget), the element in real Chromium (@web/test-runner), then with Node's runner the tests in process
// (core, server, simulator, package), then gateways and end-to-end tests in Chromium. Finds Chrome or
// Chromium first; as root on Debian it installs what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findChrome, findOnPath, installFromDebian } from './find-tools.mjs';

const ci = process.env.CI === 'true';

function run(label, command, args, env = {}) {
  console.log(`\n▶ ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n✗ ${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

let chrome = findChrome();
const missing = [
  ...(chrome ? [] : ['chromium']),
  ...(findOnPath('redis-server') ? [] : ['redis-server']),
  ...(findOnPath('nginx') || existsSync('/usr/sbin/nginx') ? [] : ['nginx']),
  ...(findOnPath('caddy') ? [] : ['caddy']),
];
// Redis, nginx and Caddy tests skip loudly without their server (and fail under CI); Chrome is needed by all.
if (missing.length && installFromDebian(missing)) chrome = findChrome();
if (!chrome) {
  console.error(
    'npm test needs Chrome or Chromium for the browser tests, and none was found.\n' +
      '  Debian/Ubuntu: sudo apt-get install -y chromium redis-server nginx caddy\n' +
      '  Elsewhere: install Chrome or Chromium and set CHROME_PATH=/path/to/chrome',
  );
  process.exit(1);
}
console.log(`Using browser ${chrome}${ci ? ' (CI: nothing is skipped)' : ''}`);
const env = { CHROME_PATH: chrome };

const testFiles = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => join(dir, f))
        .sort()
    : [];

const bin = (name) => join('node_modules', '.bin', name);
run('type-check', bin('tsc'), ['--noEmit', '-p', '.']);
run('build + size budget', 'npm', ['run', '--silent', 'build']);
run('element in Chromium', process.execPath, [
  '--import',
  'tsx',
  'node_modules/@web/test-runner/dist/bin.js',
  '--config',
  'web-test-runner.config.mjs',
], env);

// Node's runner starts one test file at a time on a 2-core machine (cores − 1); two at a time, measured on
// this suite at ba39fe2: the tests in process (core, worker, server over app.request() or port 0, simulator,
// demo) took 126 s one at a time and 83 s two at a time; those driving Chromium, nginx or Caddy 545 s and
// 290–298 s (two runs, all green), for they mostly wait on real clocks (a 20-s countdown, an idle release)
// rather than compute. In-process tests run first: their failures are the cheapest to read.
const IN_PROCESS = ['test/core', 'test/sw', 'test/server', 'test/sim', 'test/demo', 'test/package'];
// Every other folder of test/ (except the element's, run above, and shared helpers) is in the second run.
const OUTSIDE = readdirSync('test')
  .map((dir) => join('test', dir))
  .filter((dir) => !IN_PROCESS.includes(dir) && !['test/element', 'test/support'].includes(dir))
  .sort();
// --test-force-exit: a file whose tests all passed ends even if a timer outlives them. A clean-clone run
// hung 14 minutes after the last Redis Cluster test passed (its nodes stopped, one ref'd Timeout left, 1 run
// in 6): without it CI would wait out its 90 minutes and go red on a finished, green suite.
const nodeTests = (label, files) => run(label, process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', ...files], env);
nodeTests('core, server, simulator and package', IN_PROCESS.flatMap(testFiles));
nodeTests('gateways and end-to-end in Chromium', OUTSIDE.flatMap(testFiles));
