/**
 * The demo is not the product: nothing under src/ imports from demo/, so `npm run serve`, the package's
 * server and its bin never load the teachers' page, its classrooms or its outage button.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const SRC = new URL('../../src/', import.meta.url);
// Static imports, re-exports and dynamic import(): every specifier a module can load another by.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

test('no file under src/ imports anything from demo/', () => {
  const files = readdirSync(SRC, { recursive: true }).map(String).filter((file) => file.endsWith('.ts'));
  assert.ok(files.length > 100, `read the sources (${files.length} files)`);
  const offending = files.flatMap((file) =>
    [...readFileSync(new URL(file, SRC), 'utf8').matchAll(SPECIFIER)]
      .map((match) => match[1]!)
      // Into demo/, or a demo-* module wherever it is (they lived in src/server/ until issue 15).
      .filter((specifier) => new URL(specifier, new URL(file, SRC)).pathname.includes('/demo/') || /(^|\/)demo[-/]/.test(specifier))
      .map((specifier) => `${file}: ${specifier}`),
  );
  assert.deepEqual(offending, []);
});
