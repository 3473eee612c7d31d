import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The API serves the built page at /apps/zendesk/ (GET, or Zendesk's signed-URL POST).
  base: '/apps/zendesk/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // Everything in external files: the API serves the page with CSP script-src 'self' (+ the ZAF CDN).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
  },
});
