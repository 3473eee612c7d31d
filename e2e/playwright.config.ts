import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from '@vouchsafe/test-support';
import { OFFICIAL_ZAF_SDK, hasOfficialZafSdk, type ZafSdk } from './tests/support/browser-checks';

// globalSetup resolves (and if need be installs) Chromium and starts Postgres + the API, then publishes both
// through the environment. This file is evaluated again in each worker, after globalSetup, so the workers see them.
export default defineConfig<{ zafSdk: ZafSdk }>({
  testDir: 'tests',
  globalSetup: './global-setup.ts',
  workers: 1, // CI machines have 2 cores, and the API and Postgres need one.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  // The JSON report lets `npm test` print one closing count for every suite.
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  timeout: 60_000,
  use: {
    browserName: 'chromium',
    headless: true,
    baseURL: process.env.VOUCHSAFE_E2E_URL,
    // The Debian package, never a downloaded build: do not run `playwright install`.
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS],
    },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'chromium' },
    // The Zendesk specs again with Zendesk's official SDK, where a developer built it from Zendesk's source
    // (apps/zendesk/scripts/build-official-sdk.ts). CI has no copy: there only the npm community build runs.
    ...(hasOfficialZafSdk()
      ? [
          {
            name: 'zendesk-official-sdk',
            testMatch: /zendesk.*\.spec\.ts$|csp\.spec\.ts$/,
            use: { zafSdk: 'official' as const },
            metadata: { sdk: OFFICIAL_ZAF_SDK },
          },
        ]
      : []),
  ],
});
