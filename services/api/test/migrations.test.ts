import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import { migrations } from '@vouchsafe/migrations';
import { createDb, isMigrated, migrateDownAll, migrateToLatest, type Db } from '../src/db/database';

let database: FreshDatabase;
let db: Db;
beforeAll(async () => {
  database = await freshDatabase();
  db = createDb(database.url, 8).db;
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const tables = async () =>
  (await sql<{ t: string }>`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`.execute(db)).rows.map((r) => r.t);

it('runs up, down, up; concurrent starters apply each migration once', async () => {
  expect(await isMigrated(db)).toBe(false);
  const results = await Promise.all([migrateToLatest(db), migrateToLatest(db), migrateToLatest(db)]);
  const all = Object.keys(migrations);
  // Each migration is applied by exactly one of the three starters.
  expect(results.flat().sort()).toEqual(all);
  expect(await isMigrated(db)).toBe(true);
  expect(await tables()).toEqual(
    expect.arrayContaining([
      'tenants',
      'secrets',
      'secret_payloads',
      'reveal_attempts',
      'audit_events',
      'audit_heads',
      'ticket_secrets',
      'note_outbox',
      'verifications',
      'tenant_idps',
      'verification_policies',
      'verification_overrides',
      'push_attempts',
      'reveal_grants',
    ]),
  );
  await migrateDownAll(db);
  expect((await tables()).filter((t) => !t.startsWith('kysely_'))).toEqual([]);
  expect(await isMigrated(db)).toBe(false);
  expect(await migrateToLatest(db)).toEqual(all);
  const tenant = await sql<{ slug: string }>`SELECT slug FROM tenants`.execute(db);
  expect(tenant.rows).toEqual([{ slug: 'default' }]);
});

it('seeds the default tenant under the id contracts name (the frozen migration keeps its own copy)', async () => {
  await migrateToLatest(db);
  const row = await db.selectFrom('tenants').select(['id', 'slug']).where('slug', '=', 'default').executeTakeFirstOrThrow();
  expect(row.id).toBe(DEFAULT_TENANT_ID);
});
