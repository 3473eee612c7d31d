import { type Kysely, sql } from 'kysely';

/**
 * The SIEM stream's outbox (issue 9): one cursor per (sink, stream, tenant) instead of one row per event, so audit
 * writers keep doing nothing but INSERT into audit_events (no trigger, no extra row on the hot path).
 * - `events`: `position` is the last forwarded chain_index of the tenant's sealed chain (sealing assigns indexes
 *   densely and in commit order under the head lock, so "everything after position" is exact).
 * - `checkpoints`: `position` is the last forwarded audit_checkpoints.seq of the tenant (read under a short SHARE
 *   lock so a checkpoint that commits late is never skipped).
 * Leases (`lease_no` fences a worker whose lease ran out), doubling backoff (`failures`, `next_attempt_at`) and the
 * last error (short, masked) live on the same row. See services/api/src/modules/siem/NOTES.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('siem_cursors')
    .addColumn('sink', 'text', (c) => c.notNull().check(sql`sink IN ('syslog', 'hec', 'webhook')`))
    .addColumn('stream', 'text', (c) => c.notNull().check(sql`stream IN ('events', 'checkpoints')`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('position', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_no', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('forwarded_at', 'timestamptz')
    .addPrimaryKeyConstraint('siem_cursors_pk', ['sink', 'stream', 'tenant_id'])
    .execute();
  // The forwarder asks "any checkpoint of this tenant after seq N?".
  await db.schema.createIndex('audit_checkpoints_tenant_seq_idx').on('audit_checkpoints').columns(['tenant_id', 'seq']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_checkpoints_tenant_seq_idx').ifExists().execute();
  await db.schema.dropTable('siem_cursors').ifExists().execute();
}
