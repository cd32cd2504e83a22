/**
 * docs/architecture.md is the map a newcomer reads first: it must agree with the tree. Every path it names
 * exists (a folder where it ends with "/"), and every folder of src/ is named in it, so that a folder
 * added, moved or renamed without the map fails here. The decision records (docs/adr/) cite code as the
 * place a figure applies to: those paths must exist too.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Paths from the repository's root as a page writes them (`dist/` is build output, not the tree). */
const pathsIn = (file: string) => [
  ...new Set(
    [...readFileSync(join(root, file), 'utf8').matchAll(/(?<![\w./…-])((?:src|test|demo|bench|scripts|docs|bin)\/[\w./-]*)/g)].map((m) =>
      m[1]!.replace(/[.]$/, ''),
    ),
  ),
];
const named = pathsIn('docs/architecture.md');

function foldersBelow(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => [`${folder}/${entry.name}`, ...foldersBelow(`${folder}/${entry.name}`)]);
}

test('every path docs/architecture.md names exists, as a folder where it ends with "/"', () => {
  assert.ok(named.length > 40, `only ${named.length} paths found: the pattern no longer reads the page`);
  const missing = named.filter((path) => !existsSync(join(root, path)));
  assert.deepEqual(missing, [], 'named in docs/architecture.md but not in the tree');
  const notFolders = named.filter((path) => path.endsWith('/') && !statSync(join(root, path)).isDirectory());
  assert.deepEqual(notFolders, [], 'written as folders but files');
});

test('every folder of src/ is named in docs/architecture.md', () => {
  const mentioned = new Set(named.map((path) => path.replace(/\/$/, '')));
  const unnamed = foldersBelow('src').filter((folder) => !mentioned.has(folder));
  assert.deepEqual(unnamed, [], 'folders of src/ that docs/architecture.md does not name');
});

test('every path a decision record in docs/adr/ names exists', () => {
  const records = readdirSync(join(root, 'docs/adr')).filter((file) => file.endsWith('.md'));
  assert.ok(records.length > 10);
  const missing = records.flatMap((file) => pathsIn(`docs/adr/${file}`).filter((path) => !existsSync(join(root, path))).map((path) => `${file}: ${path}`));
  assert.deepEqual(missing, []);
});
