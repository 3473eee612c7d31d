import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';

/**
 * Which ZAF SDK the Zendesk sidebar runs: the npm community build the API serves (`zendesk_app_framework_sdk`
 * 2.0.11, a third-party fork), or Zendesk's official SDK built from its source by
 * `apps/zendesk/scripts/build-official-sdk.ts` (never committed; CI has no copy). The playwright config adds the
 * project `zendesk-official-sdk` only when that build exists.
 */
export type ZafSdk = 'npm' | 'official';

export const OFFICIAL_ZAF_SDK =
  process.env.VOUCHSAFE_E2E_OFFICIAL_ZAF_SDK ??
  path.join(import.meta.dirname, '..', '..', '..', 'apps', 'zendesk', '.official-sdk', 'zaf_sdk.js');
export const hasOfficialZafSdk = (): boolean => existsSync(OFFICIAL_ZAF_SDK);

/** Console errors that fail a test: CSP violations (reported by the init script below) and ZAF stand-in violations. */
const PROBLEM = /^\[(csp|zaf stand-in)\] /;

export interface BrowserChecks {
  /** Problems seen so far in `page` (every frame): CSP and ZAF protocol violations, uncaught errors. */
  readonly problems: string[];
  /** Problems a test provokes on purpose: matching ones are not held against it (each pattern must match once). */
  expectProblem(pattern: RegExp): void;
}

/**
 * `test` for specs that load desk pages with the real sidebars: after each test, `page` (all its frames) must have
 * seen no CSP violation, no ZAF protocol violation from the Zendesk stand-in, and no uncaught error. With the
 * option `zafSdk: 'official'` the sidebar gets the official SDK at the URL the API serves the npm build from,
 * with the API's own response headers.
 */
export const test = base.extend<{ zafSdk: ZafSdk; browserChecks: BrowserChecks }>({
  zafSdk: ['npm', { option: true }],
  browserChecks: [
    async ({ page, zafSdk }, use) => {
      if (zafSdk === 'official') {
        if (!hasOfficialZafSdk()) throw new Error(`the official ZAF SDK build is missing: ${OFFICIAL_ZAF_SDK}`);
        const body = await readFile(OFFICIAL_ZAF_SDK);
        await page.route('**/apps/zendesk/vendor/zaf_sdk.js', async (route) => {
          const response = await route.fetch();
          await route.fulfill({ response, body });
        });
      }
      // In every frame, before any page script: report CSP violations where the console listener below sees them.
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          console.error(
            `[csp] ${e.effectiveDirective} refused ${e.blockedURI || 'an inline resource'} on ${e.documentURI.split(/[?#]/)[0]}`,
          );
        });
      });
      const problems: string[] = [];
      const expected: RegExp[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' && PROBLEM.test(message.text())) problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(`[uncaught] ${error.message}`));
      await use({ problems, expectProblem: (pattern) => expected.push(pattern) });

      const unexpected = problems.filter((p) => !expected.some((pattern) => pattern.test(p)));
      expect(unexpected, 'CSP violations, ZAF protocol violations or uncaught errors in the page').toEqual([]);
      for (const pattern of expected)
        expect(
          problems.some((p) => pattern.test(p)),
          `expected a problem matching ${pattern}`,
        ).toBe(true);
    },
    { auto: true },
  ],
});

export { expect };
