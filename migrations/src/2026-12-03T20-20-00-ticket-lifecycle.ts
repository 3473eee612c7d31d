import { type Kysely, sql } from 'kysely';

/**
 * Issue 12, ticket lifecycle: when a ticket is solved/closed, deleted or merged, its outstanding ticket-bound secrets
 * are withdrawn (revoked, payload deleted) and its open verifications cancelled.
 * - `ticket_secrets.withdrawn_reason`: why a secret was withdrawn with its ticket, so the customer's link can say so.
 * - `ticket_secrets.merged_from_ticket_id`: a merged ticket's secrets are re-pointed to the surviving ticket; this
 *   keeps the ticket they were sent from.
 * - `ticket_lifecycle_checks`: when the reconciliation sweep last asked the desk about a ticket (oldest first, so a
 *   bounded run never starves a ticket). Tenant-scoped like every table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('ticket_secrets')
    .addColumn('withdrawn_reason', 'text', (c) => c.check(sql`withdrawn_reason IN ('ticket_closed', 'ticket_deleted', 'ticket_merged')`))
    .addColumn('merged_from_ticket_id', 'text')
    .execute();
  await sql`CREATE INDEX ticket_secrets_waiting_idx ON ticket_secrets (tenant_id, ticket_id) WHERE status = 'waiting'`.execute(db);
  await db.schema
    .createTable('ticket_lifecycle_checks')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('checked_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('ticket_lifecycle_checks_pk', ['tenant_id', 'ticket_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ticket_lifecycle_checks').ifExists().execute();
  await sql`DROP INDEX IF EXISTS ticket_secrets_waiting_idx`.execute(db);
  await db.schema.alterTable('ticket_secrets').dropColumn('merged_from_ticket_id').dropColumn('withdrawn_reason').execute();
}
