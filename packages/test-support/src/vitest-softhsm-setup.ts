import type { TestProject } from 'vitest/node';
import { ensureSoftHsm } from './softhsm';
import { SOFTHSM_KEY } from './vitest-context';

/**
 * vitest `globalSetup` for suites that test against a PKCS#11 token: makes sure SoftHSM2 is installed (Debian's
 * `softhsm2`, with apt when missing, like Chromium) once per run, before any test file starts, so no two files race
 * for apt. A failure is handed to the files that need SoftHSM (they fail with it) rather than stopping every suite.
 * Each test file then makes its own token with `createSoftHsmToken`.
 */
export default async function setup(project: TestProject): Promise<void> {
  try {
    const hsm = await ensureSoftHsm();
    project.provide(SOFTHSM_KEY, hsm);
  } catch (err) {
    project.provide(SOFTHSM_KEY, { error: (err as Error).message });
  }
}
