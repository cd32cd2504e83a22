import { defineConfig } from 'vite';

// The waiting page's helper (src/sw/waiting-page.ts): one small self-contained module next to the widget
// in dist/, precached by the worker with the widget's files (scripts/inject-manifest.mjs).
export default defineConfig({
  build: {
    lib: {
      entry: 'src/sw/waiting-page.ts',
      formats: ['es'],
      fileName: () => 'antichambre-waiting.js',
    },
    target: 'es2020',
    minify: true,
    rolldownOptions: { output: { minify: true, comments: false } },
    sourcemap: false,
    emptyOutDir: false,
  },
});
