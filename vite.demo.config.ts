import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const demo = (path: string) => fileURLToPath(new URL(`demo/${path}`, import.meta.url));

// The teachers' page (`npm start`'s front door) and the pupil's phone it shows, built from demo/ into
// dist/demo/ once the widget build has emptied dist/. The page loads the widget the way an ENT does, from
// /antichambre.js at run time, so none of the widget is bundled here; demo/example-ent/ is served as
// written and not built.
export default defineConfig({
  root: demo(''),
  base: '/',
  // No public/ folder: the demo server serves the widget itself.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('dist/demo', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    rolldownOptions: {
      input: {
        index: demo('index.html'),
        eleve: demo('eleve/index.html'),
        session: demo('eleve/session.html'),
      },
    },
  },
  // The surge replay simulates in a module worker, which shares modules with the page.
  worker: { format: 'es' },
});
