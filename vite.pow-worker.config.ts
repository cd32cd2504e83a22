import { defineConfig } from 'vite';

// The proof-of-work solver's Web Worker (src/core/pow-worker.ts): one classic script, self-contained (a
// worker cannot share the widget's chunks), written next to the widget in dist/ under a fixed name that
// src/core/pow-solver.ts starts it by.
export default defineConfig({
  build: {
    lib: {
      entry: 'src/core/pow-worker.ts',
      formats: ['iife'],
      name: 'antichambrePowWorker',
      fileName: () => 'antichambre-pow-worker.js',
    },
    target: 'es2020',
    minify: true,
    rolldownOptions: { output: { minify: true, comments: false } },
    sourcemap: false,
    emptyOutDir: false,
  },
});
