// The widget loads on a login page during a surge: every byte is paid by millions of pupils at once.
// Called by scripts/build.mjs after the widget's files are written.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 15 * 1024;
const GOAL = 13 * 1024;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

/** Prints the login bundle's size against its budget and each on-demand chunk's; false when over budget. */
export function checkSize(dist) {
  const file = join(dist, 'antichambre.js');
  const raw = readFileSync(file);
  const gz = gzipSync(raw, { level: 9 }).length;
  console.log(`${file}: ${kb(raw.length)} raw, ${kb(gz)} gzipped (${gz} bytes; budget ${kb(BUDGET)}, goal ${kb(GOAL)})`);
  // Chunks the entry imports on demand (session mode…): not on the login page, so reported, not budgeted.
  for (const chunk of readdirSync(dist).filter((f) => f.endsWith('.js') && join(dist, f) !== file)) {
    const bytes = readFileSync(join(dist, chunk));
    console.log(`  + ${join(dist, chunk)} (on demand): ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzipped`);
  }
  if (gz > BUDGET) console.error(`size budget exceeded by ${gz - BUDGET} bytes`);
  return gz <= BUDGET;
}
