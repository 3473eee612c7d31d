import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres';
import { PG_ADMIN_URL_KEY } from './vitest-context';

/**
 * vitest `globalSetup`: one throwaway Postgres cluster per vitest run, shared by all test files (each file takes
 * its own database with `freshDatabase()` from `@vouchsafe/test-support/vitest`).
 *
 *   test: { globalSetup: ['@vouchsafe/test-support/vitest-global-setup'] }
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await startPostgres();
  project.provide(PG_ADMIN_URL_KEY, pg.adminUrl);
  return async () => {
    await pg.stop();
  };
}
