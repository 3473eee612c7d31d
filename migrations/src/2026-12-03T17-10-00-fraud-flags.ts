import { type Kysely, sql } from 'kysely';

/**
 * Issue 16: what the IdP reported (`verifications.outcome_detail`), why an agent ended an attempt early
 * (`verifications.end_reason`), and fraud flags that stay on a ticket until a supervisor acknowledges them.
 * A flag is inserted by the statement that records the possible-fraud outcome (one per verification), and is
 * acknowledged by one statement with its audit event and note. Tenant-scoped like every table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('verifications')
    .addColumn('outcome_detail', 'text', (c) =>
      c.check(sql`outcome_detail IN ('customer_denied', 'reported_fraud', 'rejected_unspecified', 'wrong_code')`),
    )
    .addColumn('end_reason', 'text', (c) => c.check(sql`end_reason IN ('call_dropped', 'different_person', 'not_needed', 'wrong_method')`))
    .execute();

  await db.schema
    .createTable('fraud_flags')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    // No foreign key: retention may delete an old verification, the flag stays until acknowledged (it keeps the facts).
    .addColumn('verification_id', 'uuid', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('possible_fraud', 'reported_fraud')`))
    .addColumn('detail', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_label', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by_id', 'text')
    .addColumn('acknowledged_by_label', 'text')
    .addColumn('acknowledge_reason', 'text')
    .addColumn('acknowledge_event_id', 'uuid')
    .addCheckConstraint(
      'fraud_flags_ack_complete_ck',
      sql`(acknowledged_at IS NULL) = (acknowledged_by_id IS NULL) AND (acknowledged_at IS NULL) = (acknowledge_reason IS NULL)`,
    )
    .execute();
  await sql`CREATE INDEX fraud_flags_open_idx ON fraud_flags (tenant_id, ticket_id) WHERE acknowledged_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('fraud_flags').ifExists().execute();
  await db.schema.alterTable('verifications').dropColumn('end_reason').dropColumn('outcome_detail').execute();
}
