import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Rate limits shared by every API process (public endpoints, verification callbacks, failed API-token
// authentication): one row per (bucket, client network), a fixed window, one upsert per hit.
// UNLOGGED: counters are not worth a WAL write per request; after a crash Postgres empties the table,
// which only gives every client a fresh window. Expired rows are deleted by the purge job.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .modifyFront(sql`unlogged`)
    // 'public', 'verify-callback', 'auth-failures', …
    .addColumn('bucket', 'text', (c) => c.notNull())
    // SHA-256 of the client network (IPv4 address, IPv6 /64): the address is not stored in clear.
    .addColumn('key', 'bytea', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limits_pk', ['bucket', 'key'])
    .execute();
  await db.schema.createIndex('rate_limits_reset_at_idx').on('rate_limits').column('reset_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').ifExists().execute();
}
