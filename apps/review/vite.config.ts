import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Served by the API at /review/ (services/api/src/modules/operators/review-console.ts).
  base: '/review/',
  plugins: [react()],
  // `pnpm --filter @vouchsafe/review dev`: forward API and sign-in calls to a locally running API (`npm start`).
  server: { proxy: { '/api': 'http://localhost:8080', '/auth': 'http://localhost:8080' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Keep everything in external files: the API serves a CSP of script-src 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.ts', 'src/**/*.spec.tsx'],
  },
});
