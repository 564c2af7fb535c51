import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The property tests run thousands of fixed cases on the CPU: seconds on a busy 2-core machine,
    // not a hang (the CI run beside five benchmarks took 7 s for one).
    testTimeout: 30_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
  },
});
