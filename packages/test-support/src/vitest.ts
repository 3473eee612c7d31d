import { inject } from 'vitest';
import { createTestDatabase, dropTestDatabase, randomDatabaseName } from './postgres';
import type { SoftHsm } from './softhsm';
import { PG_ADMIN_URL_KEY, SOFTHSM_KEY } from './vitest-context';

export interface FreshDatabase {
  /** Superuser URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops it, closing any connections still open to it. */
  drop(): Promise<void>;
}

/**
 * An empty database of its own on the run's cluster (needs `@vouchsafe/test-support/vitest-global-setup` in the
 * vitest config's `globalSetup`). Typically `beforeAll(async () => { db = await freshDatabase(); })` and
 * `afterAll(() => db.drop())`.
 */
export async function freshDatabase(): Promise<FreshDatabase> {
  const adminUrl = inject(PG_ADMIN_URL_KEY);
  if (!adminUrl) {
    throw new Error(
      "freshDatabase(): no Postgres cluster; add globalSetup: ['@vouchsafe/test-support/vitest-global-setup'] to the vitest config.",
    );
  }
  const name = randomDatabaseName();
  const url = await createTestDatabase(adminUrl, name);
  return { url, name, drop: () => dropTestDatabase(adminUrl, name) };
}

/**
 * SoftHSM2 as installed by `@vouchsafe/test-support/vitest-softhsm-setup` (add it to the config's `globalSetup`);
 * throws why it is missing, so a suite that needs a PKCS#11 token fails rather than skips.
 */
export function injectedSoftHsm(): SoftHsm {
  const provided = inject(SOFTHSM_KEY);
  if (!provided) throw new Error("no SoftHSM: add globalSetup: ['@vouchsafe/test-support/vitest-softhsm-setup'] to the vitest config.");
  if ('error' in provided) throw new Error(`SoftHSM2 is needed for this suite and could not be installed: ${provided.error}`);
  return provided;
}
