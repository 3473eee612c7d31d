import { type Kysely, sql } from 'kysely';

/**
 * Issue 16 (part B).
 * - Short sign-in links: the public reply carries `<public url>/v/<short id>` instead of the IdP's long authorization
 *   URL. The short id (>= 128 random bits, unique) and the URL it redirects to live on the verification (tenant-scoped
 *   row); the redirect works only while the verification is open and unexpired.
 * - A supervisor may decline an override request with a reason: who, when, why. A request is approved or declined,
 *   never both, and never by the agent who asked (the database refuses both).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('verifications').addColumn('short_link_id', 'text').addColumn('link_url', 'text').execute();
  await sql`CREATE UNIQUE INDEX verifications_short_link_uq ON verifications (short_link_id) WHERE short_link_id IS NOT NULL`.execute(db);
  await db.schema
    .alterTable('verification_overrides')
    .addColumn('declined_by_id', 'text')
    .addColumn('declined_by_label', 'text')
    .addColumn('decline_reason', 'text')
    .addColumn('declined_at', 'timestamptz')
    .execute();
  await db.schema
    .alterTable('verification_overrides')
    .addCheckConstraint('verification_overrides_decided_once', sql`approved_by_id IS NULL OR declined_by_id IS NULL`)
    .execute();
  await db.schema
    .alterTable('verification_overrides')
    .addCheckConstraint('verification_overrides_decline_two_people', sql`declined_by_id IS NULL OR declined_by_id <> requested_by_id`)
    .execute();
  // The supervisors' queue: a tenant's requests still waiting for a decision.
  await sql`CREATE INDEX verification_overrides_pending_idx ON verification_overrides (tenant_id, requested_at DESC)
             WHERE approved_by_id IS NULL AND declined_by_id IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS verification_overrides_pending_idx`.execute(db);
  await db.schema.alterTable('verification_overrides').dropConstraint('verification_overrides_decline_two_people').execute();
  await db.schema.alterTable('verification_overrides').dropConstraint('verification_overrides_decided_once').execute();
  await db.schema
    .alterTable('verification_overrides')
    .dropColumn('declined_at')
    .dropColumn('decline_reason')
    .dropColumn('declined_by_label')
    .dropColumn('declined_by_id')
    .execute();
  await sql`DROP INDEX IF EXISTS verifications_short_link_uq`.execute(db);
  await db.schema.alterTable('verifications').dropColumn('link_url').dropColumn('short_link_id').execute();
}
