import { type Kysely, sql } from 'kysely';

/**
 * API tokens created at run time (issue 10): named, scoped, expiring, revocable; only the SHA-256 of the token is
 * stored. `VOUCHSAFE_API_TOKENS` stays as the bootstrap path (the first admin token).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('digest', 'bytea', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoked_by', 'text')
    .addColumn('last_used_at', 'timestamptz')
    .addCheckConstraint(
      'api_tokens_scopes_ck',
      sql`cardinality(scopes) > 0 AND scopes <@ ARRAY['secrets','admin','metrics','auditor']::text[]`,
    )
    .addCheckConstraint('api_tokens_expiry_ck', sql`expires_at > created_at`)
    .addCheckConstraint('api_tokens_digest_ck', sql`octet_length(digest) = 32`)
    .execute();
  // Names are unique among tokens that still work, ignoring case (a revoked name may be reused).
  await sql`CREATE UNIQUE INDEX api_tokens_live_name_uq ON api_tokens (lower(name)) WHERE revoked_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_tokens').ifExists().execute();
}
