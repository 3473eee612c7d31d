import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One throwaway Postgres cluster per run; each test file creates its own database in it.
    // rsyslogd for the SIEM tests is installed on demand (Debian package), like Chromium for e2e.
    globalSetup: ['@vouchsafe/test-support/vitest-global-setup', '@vouchsafe/test-support/rsyslog-global-setup'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
