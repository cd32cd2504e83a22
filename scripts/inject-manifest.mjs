// Workbox's injectManifest, in a few lines (workbox-build would add a large dependency for one string
// replacement): writes the widget's files and a content hash of each into dist/antichambre-sw.js, where
// the worker reads `self.__WB_MANIFEST`. A new build changes the hashes, hence the worker, hence an update.
// Called by scripts/build.mjs once the widget, the worker and the waiting page are written.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// What the waiting page needs offline: the widget, its French/English texts, the on-demand parsers, the
// "your turn" notification chunk and the waiting page's helper (antichambre-waiting.js). Not the session
// chunk (pages after login) nor the worker's own registration chunk.
const skip = /^antichambre-(sw|session|register-worker)\.js$/;
// The minifier may alias `self` (`var W=self,G=W.__WB_MANIFEST`): replace the property access, whatever its object.
const placeholder = /[\w$]+\.__WB_MANIFEST\b/;

export function injectManifest(dist) {
  const worker = join(dist, 'antichambre-sw.js');
  const files = readdirSync(dist).filter((f) => /^antichambre[\w-]*\.js$/.test(f) && !skip.test(f)).sort();
  const manifest = files.map((f) => ({ url: `/${f}`, revision: createHash('sha256').update(readFileSync(join(dist, f))).digest('hex').slice(0, 16) }));
  const source = readFileSync(worker, 'utf8');
  if (!placeholder.test(source)) throw new Error(`${worker}: self.__WB_MANIFEST not found, nothing to inject`);
  writeFileSync(worker, source.replace(placeholder, JSON.stringify(manifest)));
  console.log(`${worker}: precaches ${files.join(', ')}`);
}
