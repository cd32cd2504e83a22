import { defineConfig } from 'vite';

// The widget is one self-contained ES module that an ENT loads with one script tag on its login page.
export default defineConfig({
  build: {
    lib: {
      entry: 'src/element/antichambre-queue.ts',
      formats: ['es'],
      fileName: () => 'antichambre.js',
    },
    // ES2021, the level Lit 3 itself is published at (Chrome 85, Firefox 79, Safari 14: iOS 14 runs on every
    // iPhone iOS 13 did). Down-levelling Lit to ES2020 (its `??=`) cost 64 bytes gzipped that the login
    // bundle needed for the proof-of-work hook.
    target: 'es2021',
    // Vite keeps whitespace in ES library builds (for downstream tree-shaking); this file is loaded as
    // is by a script tag, so minify it fully.
    minify: true,
    // Pure annotations are only useful to a bundler downstream, which a script tag never meets (comments).
    // Session mode (<antichambre-session>, ENT pages after login) is a chunk the entry imports on
    // demand. 'allow-extension' keeps Lit and the shared core inside antichambre.js (which exports them
    // to the chunk under short names) instead of splitting them into a third file the login page would
    // wait for. A fixed chunk name, so an ENT hosts two stable files side by side.
    rolldownOptions: {
      preserveEntrySignatures: 'allow-extension',
      output: {
        minify: true,
        comments: false,
        // Every file carries the antichambre- prefix, so none collides with an ENT's own files.
        chunkFileNames: (chunk) => (chunk.name.startsWith('antichambre') ? '[name].js' : 'antichambre-[name].js'),
      },
    },
    sourcemap: true,
    emptyOutDir: true,
  },
});
