import { type Kysely, sql } from 'kysely';

/**
 * Signed audit checkpoints (issue 9). A checkpoint is an Ed25519 JWS over a tenant's chain head
 * (index, hash, time), signed with a key that is not in the database and published outside it (an
 * append-only directory, the SIEM stream). This table is a convenience copy: receipts name their
 * covering checkpoint from it and the SIEM forwarder reads it. Verification never trusts it — a
 * checkpoint counts only when its signature verifies with the configured public key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('chain_index', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('jws', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_checkpoints_head_uq', ['tenant_id', 'chain_index'])
    .execute();
  // Like audit_events: append-only for everyone but a superuser (the signature is what detects them).
  await sql`
    CREATE FUNCTION audit_checkpoints_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_checkpoints is append-only';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_guard()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS audit_checkpoints_append_only ON audit_checkpoints`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit_checkpoints_guard()`.execute(db);
  await db.schema.dropTable('audit_checkpoints').ifExists().execute();
}
