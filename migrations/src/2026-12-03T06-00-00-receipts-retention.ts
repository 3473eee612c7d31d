import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Issue 9, receipts and the reviewer query API:
// - note_receipts: what was delivered for each note (SHA-256 of the exact text the desk was sent, the desk's note
//   id when it answered one). Kept as long as the audit trail, while delivered note_outbox rows are purged by
//   retention: the receipt stays checkable after the outbox row (and its masked facts) is gone. No text is kept.
// - audit_events indexes for the reviewer search and the per-ticket timeline (millions of events per tenant).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('note_receipts')
    .addColumn('audit_event_id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('text_sha256', 'bytea', (c) => c.notNull().check(sql`octet_length(text_sha256) = 32`))
    .addColumn('remote_id', 'text')
    .addColumn('delivered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Search newest first within a tenant, keyset on (occurred_at, seq).
  await sql`CREATE INDEX audit_events_tenant_time_idx ON audit_events (tenant_id, occurred_at, seq)`.execute(db);
  // By ticket, agent and secret: partial, so events without the field cost nothing.
  await sql`CREATE INDEX audit_events_ticket_idx ON audit_events (tenant_id, (data->>'ticketId'), occurred_at)
            WHERE data ? 'ticketId'`.execute(db);
  await sql`CREATE INDEX audit_events_agent_idx ON audit_events (tenant_id, (data->>'agentId'), occurred_at)
            WHERE data ? 'agentId'`.execute(db);
  await sql`CREATE INDEX audit_events_agent_label_idx ON audit_events (tenant_id, (data->>'agent'), occurred_at)
            WHERE data ? 'agent'`.execute(db);
  await sql`CREATE INDEX audit_events_secret_idx ON audit_events (tenant_id, secret_id, occurred_at)
            WHERE secret_id IS NOT NULL`.execute(db);
  // The reviewer's flags are rare events: small partial indexes find them among millions.
  await sql`CREATE INDEX audit_events_override_idx ON audit_events (tenant_id, occurred_at)
            WHERE type LIKE 'verification.override%'`.execute(db);
  await sql`CREATE INDEX audit_events_fraud_idx ON audit_events (tenant_id, occurred_at)
            WHERE (data->>'isFraudSuspected') = 'true'`.execute(db);

  // Retention purges: finished verifications and delivered notes by age.
  await sql`CREATE INDEX verifications_finished_idx ON verifications (finished_at) WHERE finished_at IS NOT NULL`.execute(db);
  await sql`CREATE INDEX note_outbox_delivered_idx ON note_outbox (delivered_at) WHERE status = 'delivered'`.execute(db);
  await sql`CREATE INDEX push_attempts_sent_idx ON push_attempts (sent_at)`.execute(db);
  await sql`CREATE INDEX ticket_secrets_finished_idx ON ticket_secrets (updated_at) WHERE status <> 'waiting'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'ticket_secrets_finished_idx',
    'push_attempts_sent_idx',
    'note_outbox_delivered_idx',
    'verifications_finished_idx',
    'audit_events_fraud_idx',
    'audit_events_override_idx',
    'audit_events_secret_idx',
    'audit_events_agent_label_idx',
    'audit_events_agent_idx',
    'audit_events_ticket_idx',
    'audit_events_tenant_time_idx',
  ]) {
    await sql`DROP INDEX IF EXISTS ${sql.id(index)}`.execute(db);
  }
  await db.schema.dropTable('note_receipts').ifExists().execute();
}
