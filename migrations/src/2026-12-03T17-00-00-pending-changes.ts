import { type Kysely, sql } from 'kysely';

/**
 * Maker-checker (issue 10): policy and IdP changes wait in `pending_changes` until a second person decides them.
 * - `payload` is sealed with the keyring like IdP connections (an IdP config carries client secrets and API tokens):
 *   format / kid / wrapped key / ciphertext, AAD binding the tenant and `change:<id>`. `fields` is the masked diff
 *   shown to the approver (secrets as "(set)" / "(changed)", never their values).
 * - `base`: the policy version or IdP connection fingerprint the change was made against; approval refuses a change
 *   whose base is no longer current (state `superseded`).
 * - The database refuses self-approval: `decided_by` can never equal `requested_by` (person ids: `operator:<sub>`,
 *   the owner of an owned token, else `api-token:<name>`), whatever the service does.
 * - `api_tokens.owner`: the operator who created the token (or owns the token that did); it acts as that person.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('owner', 'text').addColumn('owner_label', 'text').execute();
  await sql`ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_owner_ck CHECK ((owner IS NULL) = (owner_label IS NULL))`.execute(db);

  await db.schema
    .createTable('pending_changes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('policy.set', 'idp.set', 'idp.remove')`))
    .addColumn('target', 'text')
    .addColumn('payload_format', 'integer', (c) => c.notNull())
    .addColumn('payload_kid', 'text', (c) => c.notNull())
    .addColumn('payload_wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('payload_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('weakens', 'boolean', (c) => c.notNull())
    .addColumn('base', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`state IN ('pending', 'approved', 'rejected', 'withdrawn', 'superseded', 'expired')`),
    )
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_label', 'text', (c) => c.notNull())
    .addColumn('request_reason', 'text')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_by_label', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decision_reason', 'text')
    .addCheckConstraint('pending_changes_no_self_approval_ck', sql`decided_by IS NULL OR decided_by <> requested_by`)
    .addCheckConstraint(
      'pending_changes_decision_ck',
      sql`(state = 'pending' AND decided_by IS NULL AND decided_at IS NULL AND decision_reason IS NULL)
          OR (state IN ('approved', 'rejected') AND decided_by IS NOT NULL AND decided_by_label IS NOT NULL AND decided_at IS NOT NULL)
          OR (state IN ('withdrawn', 'superseded', 'expired') AND decided_by IS NULL AND decided_at IS NOT NULL)`,
    )
    .addCheckConstraint('pending_changes_reject_reason_ck', sql`state <> 'rejected' OR decision_reason IS NOT NULL`)
    .addCheckConstraint('pending_changes_target_ck', sql`(kind = 'policy.set') = (target IS NULL)`)
    .addCheckConstraint('pending_changes_expiry_ck', sql`expires_at > requested_at`)
    .execute();
  await sql`CREATE INDEX pending_changes_tenant_idx ON pending_changes (tenant_id, requested_at DESC)`.execute(db);
  await sql`CREATE INDEX pending_changes_pending_idx ON pending_changes (requested_at DESC) WHERE state = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('pending_changes').ifExists().execute();
  await sql`ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_owner_ck`.execute(db);
  await db.schema.alterTable('api_tokens').dropColumn('owner').dropColumn('owner_label').execute();
}
