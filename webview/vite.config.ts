/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

const here = (p: string): string => decodeURIComponent(new URL(p, import.meta.url).pathname);
/** Packages the tests in ../tests/webview import: resolved from this package, as for src/. */
const TEST_PACKAGES = ['@testing-library/react', '@testing-library/dom', 'react-dom', 'react', 'chart.js'];

// The extension builds the HTML shell (with a CSP nonce) and loads these two fixed files through
// asWebviewUri, so the bundle has no hashes, no HTML, no inline code and a single chunk.
export default defineConfig({
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: false,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      input: 'src/main.tsx',
      output: {
        // A classic script works whether the shell loads it with or without type="module".
        format: 'iife',
        inlineDynamicImports: true,
        entryFileNames: 'assets/index.js',
        assetFileNames: (asset) => (asset.names.some((n) => n.endsWith('.css')) ? 'assets/index.css' : 'assets/[name][extname]'),
      },
    },
  },
  // The unit tests live in ../tests/webview (outside this package): let the test server read them.
  server: { fs: { allow: ['..'] } },
  resolve: {
    alias: TEST_PACKAGES.map((name) => ({
      find: new RegExp(`^${name.replace('/', '\\/')}(/.*)?$`),
      replacement: `${here(`node_modules/${name}`)}$1`,
    })),
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['../tests/webview/support/setup.ts'],
    include: ['../tests/webview/**/*.test.{ts,tsx}'],
    pool: 'threads',
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 } },
    // A whole-panel render of the fixture takes ~3 s on a loaded 2-core CI machine; 5 s was too close.
    testTimeout: 30000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/main.tsx', 'src/protocol/*.generated.ts'],
      reporter: ['text', 'text-summary'],
    },
  },
});
