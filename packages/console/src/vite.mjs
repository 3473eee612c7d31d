// Plain JavaScript: Vite loads config files with Node, which does not import TypeScript from a workspace package.
// Types: vite.d.mts beside this file.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * The Vite (and vitest) config of an operator console the API serves at `base` (`/review/`, `/admin/`) under its
 * strict CSP: every script and style in external files (script-src 'self'), no inline module-preload polyfill.
 */
export function operatorConsoleConfig(base) {
  return defineConfig({
    base,
    plugins: [react()],
    // `pnpm --filter <console> dev`: forward API and sign-in calls to a locally running API (`npm start`).
    server: { proxy: { '/api': 'http://localhost:8080', '/auth': 'http://localhost:8080' } },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: false,
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
    },
    test: {
      environment: 'jsdom',
      setupFiles: ['@vouchsafe/console/test-setup'],
      include: ['src/**/*.test.ts', 'src/**/*.spec.tsx'],
      // Whole-console specs render Garden forms in jsdom; on a loaded 2-core CI machine one passes 5 s (as in
      // packages/ui). Hangs still fail, just later.
      testTimeout: 20_000,
    },
  });
}
