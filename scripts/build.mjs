#!/usr/bin/env node
// `npm run build`: everything an ENT hosts and everything the npm package runs, in one process.
//   dist/antichambre.js (+ its on-demand chunks)  the widget, with the login bundle's 15 KB gz budget
//   dist/antichambre-sw.js, -pow-worker.js         classic scripts: a worker cannot share the widget's chunks
//   dist/antichambre-waiting.js                    the waiting page's helper, precached with the widget
//   dist/custom-elements.json                      the elements' API (cem analyze)
//   dist/node/                                     the queue server compiled for plain Node (package exports, bin)
//   dist/demo/                                     the teachers' page (`npm start`)
// Each widget file is one Vite library build; they differ only in entry, format and file name, so one
// helper (libraryBuild) holds what they share. Then the worker's precache list, the size report, the
// elements' manifest, the server and the demo.
import { spawn } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { checkSize } from './check-size.mjs';
import { injectManifest } from './inject-manifest.mjs';

const rootUrl = new URL('..', import.meta.url);
const root = fileURLToPath(rootUrl);
process.chdir(root);

const ENTRIES = {
  widget: 'src/element/queue/antichambre-queue.ts',
  serviceWorker: 'src/sw/antichambre-sw.ts',
  powWorker: 'src/core/pow/pow-worker.ts',
  waitingPage: 'src/sw/waiting-page.ts',
};
/** The compiled server (tsconfig.server.json's outDir), beside the widget so that `files: ["dist"]` ships both. */
const SERVER_OUT = 'dist/node';

/**
 * One self-contained file in dist/. The worker scripts and the waiting page are ES2020 with no source map;
 * the widget overrides target, source map and output (below).
 */
function libraryBuild({ entry, fileName, format, name, target = 'es2020', sourcemap = false, emptyOutDir = false, define, rolldownOptions = {} }) {
  return build({
    configFile: false,
    logLevel: 'warn',
    define,
    build: {
      lib: { entry, formats: [format], name, fileName: () => fileName },
      target,
      // Vite keeps whitespace in ES library builds (for downstream tree-shaking); these files are loaded
      // as they are by a script tag or a worker, so minify them fully. Pure annotations and comments only
      // serve a bundler downstream, which these files never meet.
      minify: true,
      rolldownOptions: { ...rolldownOptions, output: { minify: true, comments: false, ...rolldownOptions.output } },
      sourcemap,
      emptyOutDir,
    },
  });
}

// The widget is one ES module that an ENT loads with one script tag on its login page; it empties dist/.
await libraryBuild({
  entry: ENTRIES.widget,
  fileName: 'antichambre.js',
  format: 'es',
  // ES2021, the level Lit 3 itself is published at (Chrome 85, Firefox 79, Safari 14: iOS 14 runs on every
  // iPhone iOS 13 did). Down-levelling Lit to ES2020 (its `??=`) cost 64 bytes gzipped that the login
  // bundle needed for the proof-of-work hook.
  target: 'es2021',
  sourcemap: true,
  emptyOutDir: true,
  // Session mode (<antichambre-session>, ENT pages after login) is a chunk the entry imports on demand.
  // 'allow-extension' keeps Lit and the shared core inside antichambre.js (which exports them to the chunk
  // under short names) instead of splitting them into a third file the login page would wait for. Fixed
  // chunk names, so an ENT hosts stable files side by side; every file carries the antichambre- prefix,
  // so none collides with an ENT's own files.
  rolldownOptions: {
    preserveEntrySignatures: 'allow-extension',
    output: { chunkFileNames: (chunk) => (chunk.name.startsWith('antichambre') ? '[name].js' : 'antichambre-[name].js') },
  },
});

// Two other processes, while Vite builds the rest (dist/ is emptied by now): the elements' manifest, and
// the server's public API and CLI as JavaScript with .d.ts, so that the package runs in plain Node (no tsx,
// a devDependency). Side by side, the build takes 5.6 s instead of 7.5 s.
const elements = run('node_modules/.bin/cem', ['analyze', '--litelement', '--globs', 'src/element/**/*.ts', '--outdir', 'dist', '--quiet']);
const server = run('node_modules/.bin/tsc', ['-p', 'tsconfig.server.json']);

// Workbox's sources keep their development checks behind process.env.NODE_ENV.
await libraryBuild({ entry: ENTRIES.serviceWorker, fileName: 'antichambre-sw.js', format: 'iife', name: 'antichambreWorker', define: { 'process.env.NODE_ENV': JSON.stringify('production') } });
// Started by src/core/pow/pow-solver.ts under this fixed name, next to the widget's files.
await libraryBuild({ entry: ENTRIES.powWorker, fileName: 'antichambre-pow-worker.js', format: 'iife', name: 'antichambrePowWorker' });
await libraryBuild({ entry: ENTRIES.waitingPage, fileName: 'antichambre-waiting.js', format: 'es' });

injectManifest('dist');
if (!checkSize('dist')) process.exit(1);

// The teachers' page and the pupil's phone it shows. It loads the widget the way an ENT does, from
// /antichambre.js at run time, so none of the widget is bundled here; demo/example-ent/ is served as
// written and not built.
const demo = (path) => fileURLToPath(new URL(`demo/${path}`, rootUrl));
await build({
  configFile: false,
  logLevel: 'warn',
  root: demo(''),
  base: '/',
  // No public/ folder: the demo server serves the widget itself.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('dist/demo', rootUrl)),
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    rolldownOptions: { input: { index: demo('index.html'), eleve: demo('eleve/index.html'), session: demo('eleve/session.html') } },
  },
  // The surge replay simulates in a module worker, which shares modules with the page.
  worker: { format: 'es' },
});

await Promise.all([elements, server]);
// The Lua scripts are read beside the modules that load them.
for (const lua of readdirSync('src/server', { recursive: true }).map(String).filter((f) => f.endsWith('.lua'))) {
  cpSync(join('src/server', lua), join(SERVER_OUT, 'server', lua));
}

/** Runs a tool of node_modules/.bin; exits the build when it fails. */
function run(command, args) {
  return new Promise((resolve) => {
    spawn(command, args, { stdio: 'inherit' }).once('exit', (code, signal) => {
      if (code === 0) return resolve();
      console.error(`build: ${command} ${args[0]} failed (exit ${code ?? signal})`);
      process.exit(1);
    });
  });
}
