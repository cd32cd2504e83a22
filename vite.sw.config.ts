import { defineConfig } from 'vite';

// The service worker: one classic script, self-contained (a worker cannot share the widget's chunks),
// written next to the widget in dist/. scripts/inject-manifest.mjs then writes its precache list.
export default defineConfig({
  // Workbox's sources keep their development checks behind process.env.NODE_ENV.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    lib: {
      entry: 'src/sw/antichambre-sw.ts',
      formats: ['iife'],
      name: 'antichambreWorker',
      fileName: () => 'antichambre-sw.js',
    },
    target: 'es2020',
    minify: true,
    rolldownOptions: { output: { minify: true, comments: false } },
    sourcemap: false,
    emptyOutDir: false,
  },
});
