// Browser tests of <antichambre-queue> in real Chromium. Run through tsx so this config can import the
// TypeScript test servers (and, through them, the real queue server):
//   node --import tsx node_modules/@web/test-runner/dist/bin.js --config web-test-runner.config.mjs
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROME_ARGS } from './test/support/browser.ts';
import { faultMiddleware, testServersPlugin } from './test/element/support/test-servers-plugin.ts';

/** Filled in when the servers start; read by every test page through window.__ANTICHAMBRE_TEST__. */
const state = { real: null };

export default {
  files: 'test/element/**/*.test.ts',
  nodeResolve: true,
  // Each file gets its own page; files share IndexedDB (same origin), so tests use unique room names.
  concurrency: 1,
  testFramework: { config: { timeout: 30_000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        args: CHROME_ARGS,
      },
    }),
  ],
  middleware: [faultMiddleware],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json' }), testServersPlugin(state)],
  testRunnerHtml: (testFramework) => `<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <title>antichambre tests</title>
    <script>window.__ANTICHAMBRE_TEST__ = ${JSON.stringify(state)};</script>
  </head>
  <body>
    <script type="module" src="${testFramework}"></script>
  </body>
</html>`,
};
