import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// packages/ui is a library: the desk apps bundle it. This config only drives the component specs.
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'src/**/*.spec.tsx'],
    // Whole-sidebar specs type into Garden forms and query by role over a few hundred nodes in
    // jsdom; on a loaded CI machine that passes 5 s. Hangs still fail, just later.
    testTimeout: 20_000,
  },
});
