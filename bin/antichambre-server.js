#!/usr/bin/env node
// `npx antichambre-server [options]`: the queue server from the npm package, in plain Node. It runs the CLI
// that `npm run build` compiles to dist/node/ (`npm run serve` runs the same CLI from source through tsx).
import { main } from '../dist/node/server/config/cli.js';

await main(process.argv.slice(2), process.env);
