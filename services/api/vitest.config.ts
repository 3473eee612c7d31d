import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One throwaway Postgres cluster per run; each test file creates its own database in it.
    globalSetup: ['@vouchsafe/test-support/vitest-global-setup'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
