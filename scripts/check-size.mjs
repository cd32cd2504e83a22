// The widget loads on a login page during a surge: every byte is paid by millions of pupils at once.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 15 * 1024;
const GOAL = 13 * 1024;
const file = 'dist/antichambre.js';
const raw = readFileSync(file);
const gz = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
console.log(`${file}: ${kb(raw.length)} raw, ${kb(gz)} gzipped (${gz} bytes; budget ${kb(BUDGET)}, goal ${kb(GOAL)})`);
// Chunks the entry imports on demand (session mode…): not on the login page, so reported, not budgeted.
for (const chunk of readdirSync('dist').filter((f) => f.endsWith('.js') && `dist/${f}` !== file)) {
  const bytes = readFileSync(`dist/${chunk}`);
  console.log(`  + dist/${chunk} (on demand): ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`);
}
if (gz > BUDGET) {
  console.error(`size budget exceeded by ${gz - BUDGET} bytes`);
  process.exit(1);
}
