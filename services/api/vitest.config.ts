import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One throwaway Postgres cluster per run; each test file creates its own database in it.
    // Installed on demand (Debian packages), like Chromium for e2e: rsyslogd for the SIEM tests, SoftHSM2 for test/hsm.test.ts.
    // The API is built once per run (esbuild, ~1 s): the process-spawning tests (lifecycle, stopping, restart, database
    // faults, attacks, the CLI suites) run the production build rather than tsx compiling the sources per process;
    // test/lifecycle.test.ts still starts src/main.ts and bin/vouchsafe.mjs through tsx (the development path).
    globalSetup: [
      '@vouchsafe/test-support/vitest-api-build-setup',
      '@vouchsafe/test-support/vitest-global-setup',
      '@vouchsafe/test-support/rsyslog-global-setup',
      '@vouchsafe/test-support/vitest-softhsm-setup',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
