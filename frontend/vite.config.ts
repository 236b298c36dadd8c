// Vite builds the web map into dist/app, which package frontend embeds in
// the Go binary (go:embed). Nothing is fetched from another host at run
// time: every module, style and font is bundled or drawn from the system.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500, // MapLibre alone is about 1 MB minified
    assetsInlineLimit: 0, // no data: URLs (the page's CSP allows them for images only)
  },
  css: {
    preprocessorOptions: {
      scss: {
        // govuk-frontend's Sass resolves from node_modules.
        loadPaths: ['node_modules'],
        quietDeps: true,
        silenceDeprecations: ['import'],
      },
    },
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
