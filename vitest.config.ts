import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/sequencer.js';

// Most of the suite waits — on simulated time, SSH logins, entry point processes — rather than
// computes (CPU time is about a third of wall time with one worker; with two files per CPU the
// CPUs were still idle 30 % of the run): five test files per two CPUs keep them busy without
// starving the real-time tests, which size themselves by the machine (docs/testing.md).
// VITEST_MAX_WORKERS=N overrides.
const workers = Math.max(2, Math.ceil(availableParallelism() * 2.5));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Simulators and entry points run as real processes over real sockets, on a machine that may
    // be busy (under npm run test:stress a test can take 10-30 times as long as on a quiet one):
    // these bound a hung test, they are not the test's verdict (docs/testing.md).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    pool: 'forks',
    maxWorkers: workers,
    // The longest files start first (test/support/durations.json, docs/testing.md), so that a long
    // one does not start last and leave the other workers idle at the end of the run.
    sequence: { sequencer: LongestFirst },
    // Per-file wall and CPU time when VCSPVM_TEST_USAGE_LOG names a file (scripts/test-report.mjs).
    setupFiles: ['test/support/usage-log.ts'],
  },
});
