import { createRequire } from 'node:module';
import { defineConfig } from 'vite';

/**
 * The npm `zendesk_app_framework_sdk` is CommonJS with no browser bundle (research §1.7). This builds
 * it into dist/vendor/zaf_sdk.js, a classic script that defines `window.ZAFClient` like Zendesk's
 * CDN file, for tests and the demo desk (VOUCHSAFE_ZAF_SDK_URL=/apps/zendesk/vendor/zaf_sdk.js).
 */
const sdkEntry = createRequire(import.meta.url).resolve('zendesk_app_framework_sdk');

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/vendor',
    emptyOutDir: false,
    sourcemap: false,
    minify: true,
    lib: { entry: sdkEntry, formats: ['iife'], name: 'ZAFClient', fileName: () => 'zaf_sdk.js' },
  },
});
