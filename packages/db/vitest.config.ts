import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    // Real PostgreSQL and the wasm schema engine: database creation and diffs take seconds, not ms.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
