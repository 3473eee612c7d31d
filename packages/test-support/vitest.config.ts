import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['./src/vitest-global-setup.ts'],
    // Starting and stopping clusters takes a second or two each.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
