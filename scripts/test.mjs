#!/usr/bin/env node
// `npm test`: everything, in the order a failure is cheapest to read. Type-check, build (with the size
// budget), the element in real Chromium (@web/test-runner), then core, server and end-to-end tests with
// Node's runner. Finds Chrome or Chromium first; as root on Debian it installs what is missing.
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
const nodeTests = [...testFiles('test/core'), ...testFiles('test/sw'), ...testFiles('test/server'), ...testFiles('test/sim'), ...testFiles('test/nginx'), ...testFiles('test/demo'), ...testFiles('test/e2e')];
run('core, server and end-to-end', process.execPath, ['--import', 'tsx', '--test', ...nodeTests], env);
