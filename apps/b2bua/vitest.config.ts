import { defineConfig } from 'vitest/config';

/**
 * Load tests: they generate calls or floods and assert rates and latencies, so each runs alone, after
 * every other test file of the package (a second group, one worker): they measure the PBX, not the
 * other test files' processes competing for the same cores.
 */
const LOAD_TESTS = [
  'test/flood-sipp.test.ts',
  'test/faults-sipp.test.ts',
  'test/calls-packet-loss-netns.test.ts',
  'test/overload-sipp.test.ts',
  'test/overload-intake.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    testTimeout: 30_000,
    // Set-up hooks start real processes (signalling, worker, rtpengine, Kamailio) and create a database
    // each; on a loaded CI machine that outlasts vitest's 10 s default without anything being wrong.
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'b2bua', include: ['test/**/*.test.ts'], exclude: LOAD_TESTS } },
      {
        extends: true,
        test: { name: 'load', include: LOAD_TESTS, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
