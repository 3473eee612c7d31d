import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Forge hosts the files under its own path: keep every URL relative.
  base: './',
  plugins: [react()],
  build: {
    // manifest.yml: resources[main].path
    outDir: 'static/sidebar/build',
    emptyOutDir: true,
    sourcemap: false,
    // Forge Custom UI's CSP forbids inline scripts: everything in external files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
