// Unit tests live in ../tests/extension; `vscode` is replaced by a small mock there.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('..'),
  resolve: {
    alias: [
      { find: /^vscode$/, replacement: here('../tests/extension/vscode.mock.ts') },
      // The one TypeScript protocol (tsconfig.json "paths"): webview/src/protocol.
      { find: /^@protocol$/, replacement: here('../webview/src/protocol/index.ts') },
      // The tests sit outside this package: resolve vitest from here.
      { find: /^vitest$/, replacement: here('node_modules/vitest/dist/index.js') },
      // One id for the language client, so tests/extension can vi.mock it.
      { find: /^vscode-languageclient\/node$/, replacement: here('node_modules/vscode-languageclient/node.js') },
    ],
  },
  test: {
    include: ['tests/extension/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    coverage: {
      // The root is the repo: point at this package's provider (same as `provider: 'v8'`).
      provider: 'custom',
      customProviderModule: here('node_modules/@vitest/coverage-v8/dist/index.js'),
      include: ['extension/src/**/*.ts'],
      reporter: ['text', 'text-summary'],
      reportsDirectory: here('coverage'),
    },
  },
});
