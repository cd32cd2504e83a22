import { defineConfig } from 'vite';

// The widget is one self-contained ES module that an ENT loads with one script tag on its login page.
export default defineConfig({
  build: {
    lib: {
      entry: 'src/element/antichambre-queue.ts',
      formats: ['es'],
      fileName: () => 'antichambre.js',
    },
    // Pupils' cheap phones run old-ish browsers: ES2020 is everything Lit 3 needs.
    target: 'es2020',
    // Vite keeps whitespace in ES library builds (for downstream tree-shaking); this file is loaded as
    // is by a script tag, so minify it fully.
    minify: true,
    // Pure annotations are only useful to a bundler downstream, which a script tag never meets.
    rolldownOptions: { output: { minify: true, comments: false } },
    sourcemap: true,
    emptyOutDir: true,
  },
});
