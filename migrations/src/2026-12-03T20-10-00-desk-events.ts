import { type Kysely, sql } from 'kysely';

/**
 * Issue 12, "after it got in": desk webhooks and comment redaction.
 * - `desk_webhook_secrets`: each tenant's webhook signing secret, an envelope like the desk credentials (AAD: tenant +
 *   `desk-webhook-secret`), re-wrapped by `keys rotate`.
 * - `desk_event_receipts`: replay refusal. One row per accepted delivery (its signed event id or a digest of the signed
 *   bytes), kept a little longer than the timestamp window; older rows are deleted by the insert that adds a row.
 * - `comment_scans`: one row per comment in which secrets were found (never the text: masked facts only), unique per
 *   tenant + ticket + comment so a desk's retries are noted and redacted once; it is also the redaction job's queue
 *   (leased with SKIP LOCKED, desk calls outside any transaction).
 * The redaction mode is a field of the versioned verification policy (a JSON document), so no column here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('desk_webhook_secrets')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('format', 'smallint', (c) => c.notNull())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('desk_event_receipts')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('desk_event_receipts_pk', ['tenant_id', 'event_key'])
    .execute();
  await db.schema.createIndex('desk_event_receipts_age_idx').on('desk_event_receipts').columns(['tenant_id', 'received_at']).execute();

  await db.schema
    .createTable('comment_scans')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('desk', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'text', (c) => c.notNull())
    .addColumn('is_public', 'boolean', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode IN ('report', 'redact', 'redact_and_offer_upload')`))
    // Masked facts only ({kind, tail, country} per finding, from the detector's findingFacts).
    .addColumn('facts', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('reported', 'pending', 'redacted', 'already_clean', 'not_redactable', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('comment_scans_comment_uq', ['tenant_id', 'ticket_id', 'comment_id'])
    .execute();
  await sql`CREATE INDEX comment_scans_due_idx ON comment_scans (next_attempt_at) WHERE status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('comment_scans').ifExists().execute();
  await db.schema.dropTable('desk_event_receipts').ifExists().execute();
  await db.schema.dropTable('desk_webhook_secrets').ifExists().execute();
}
