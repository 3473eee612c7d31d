import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Help-desk tenants, ticket-bound secrets and the internal-note outbox.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One tenant per help-desk account. The default tenant (CLI / API-token secrets) has no desk.
  await db.schema
    .alterTable('tenants')
    .addColumn('desk', 'text', (c) => c.check(sql`desk IN ('zendesk', 'servicenow', 'jira')`))
    // Zendesk subdomain, ServiceNow instance name or Atlassian cloudId.
    .addColumn('desk_account', 'text')
    // Public verification material (PEM keys, expected audience, JWKS URL): not secret.
    .addColumn('verification', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    // Where the connector calls the desk's REST API.
    .addColumn('api_base_url', 'text')
    // Desk API credentials, envelope-encrypted like secret payloads (AAD: tenant + 'tenant-credentials').
    .addColumn('credentials_format', 'smallint')
    .addColumn('credentials_kid', 'text')
    .addColumn('credentials_wrapped_key', 'bytea')
    .addColumn('credentials_ciphertext', 'bytea')
    .addColumn('deleted_at', 'timestamptz')
    .execute();
  await sql`ALTER TABLE tenants ADD CONSTRAINT tenants_desk_account_ck CHECK ((desk IS NULL) = (desk_account IS NULL))`.execute(db);
  await sql`CREATE UNIQUE INDEX tenants_desk_account_uq ON tenants (desk, desk_account) WHERE desk IS NOT NULL AND deleted_at IS NULL`.execute(
    db,
  );

  // A secret sent from a ticket sidebar. Metadata only, no content; unlike `secrets` it outlives
  // the purge so the sidebar can show "expired" / "viewed" afterwards.
  await db.schema
    .createTable('ticket_secrets')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_label', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('text', 'file')`))
    .addColumn('views_total', 'smallint', (c) => c.notNull())
    .addColumn('views_used', 'smallint', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('waiting')
        .check(sql`status IN ('waiting', 'viewed', 'expired', 'revoked')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ticket_secrets_pk', ['tenant_id', 'secret_id'])
    .execute();
  await db.schema.createIndex('ticket_secrets_ticket_idx').on('ticket_secrets').columns(['tenant_id', 'ticket_id', 'created_at']).execute();

  // Internal notes waiting for delivery. Written in the same statement/transaction as the audit
  // event they report; delivered after commit by a job that leases rows with SKIP LOCKED.
  await db.schema
    .createTable('note_outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('secret_id', 'text')
    // The receipt id printed in the note; one note per audit event.
    .addColumn('audit_event_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('action', 'text', (c) => c.notNull())
    // Structured, already-masked facts; rendered to text at delivery.
    .addColumn('note', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status IN ('pending', 'delivered', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('remote_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('delivered_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX note_outbox_due_idx ON note_outbox (next_attempt_at) WHERE status = 'pending'`.execute(db);
  await db.schema.createIndex('note_outbox_secret_idx').on('note_outbox').columns(['tenant_id', 'secret_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('note_outbox').ifExists().execute();
  await db.schema.dropTable('ticket_secrets').ifExists().execute();
  await sql`DROP INDEX IF EXISTS tenants_desk_account_uq`.execute(db);
  await sql`ALTER TABLE tenants DROP CONSTRAINT IF EXISTS tenants_desk_account_ck`.execute(db);
  await db.schema
    .alterTable('tenants')
    .dropColumn('desk')
    .dropColumn('desk_account')
    .dropColumn('verification')
    .dropColumn('api_base_url')
    .dropColumn('credentials_format')
    .dropColumn('credentials_kid')
    .dropColumn('credentials_wrapped_key')
    .dropColumn('credentials_ciphertext')
    .dropColumn('deleted_at')
    .execute();
}
