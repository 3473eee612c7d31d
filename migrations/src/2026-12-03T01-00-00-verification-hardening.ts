import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Security hardening of verification (issue 8): rules the application used to check with a read
// before a write are now constraints the database enforces; customer-contact limits cover links
// and codes as well as pushes; requester keys get their own per-tenant HMAC key, which survives
// key-encryption-key rotation.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One open caller verification per agent and ticket. Before this index the rule was a read
  // followed by an insert, and two racing starts both got through. An upgraded database may hold
  // such a pair: the older ones are closed (no audit event can be written from a migration; the
  // reason says what happened).
  await sql`
    UPDATE verifications v
       SET state = 'failed', finished_at = now(), next_poll_at = NULL, poll_lease_until = NULL,
           reason = 'Closed on upgrade: another verification was already open for this agent and ticket.'
     WHERE v.purpose = 'caller' AND v.state IN ('started', 'waiting')
       AND EXISTS (SELECT 1 FROM verifications n
                    WHERE n.tenant_id = v.tenant_id AND n.ticket_id = v.ticket_id AND n.agent_id = v.agent_id
                      AND n.purpose = 'caller' AND n.state IN ('started', 'waiting')
                      AND (n.started_at, n.id) > (v.started_at, v.id))`.execute(db);
  await sql`
    CREATE UNIQUE INDEX verifications_one_open_uq ON verifications (tenant_id, ticket_id, agent_id)
     WHERE purpose = 'caller' AND state IN ('started', 'waiting')`.execute(db);

  // Where the number a callback code went to came from: the IdP's profile or (policy permitting) the desk's.
  await db.schema
    .alterTable('verifications')
    .addColumn('contact_source', 'text', (c) => c.check(sql`contact_source IN ('idp', 'desk')`))
    .execute();

  // A link callback finds its verification by the full, unguessable state and nothing else.
  await sql`
    CREATE UNIQUE INDEX verifications_callback_state_uq ON verifications ((provider_state->>'state'))
     WHERE provider_state ? 'state'`.execute(db);

  // At most one reveal grant per verification (concurrent callbacks used to issue several).
  await sql`
    DELETE FROM reveal_grants a USING reveal_grants b
     WHERE a.verification_id = b.verification_id AND a.ctid > b.ctid`.execute(db);
  await sql`CREATE UNIQUE INDEX reveal_grants_verification_uq ON reveal_grants (verification_id)`.execute(db);

  // push_attempts counts every contact with a customer: pushes ('push'), one-time links sent or
  // handed out ('link') and callback codes ('code'), so start/cancel loops are bounded for each.
  await db.schema
    .alterTable('push_attempts')
    .addColumn('channel', 'text', (c) =>
      c
        .notNull()
        .defaultTo('push')
        .check(sql`channel IN ('push', 'link', 'code')`),
    )
    .execute();
  await db.schema.dropIndex('push_attempts_requester_idx').execute();
  await db.schema
    .createIndex('push_attempts_requester_idx')
    .on('push_attempts')
    .columns(['tenant_id', 'requester_key', 'channel', 'sent_at'])
    .execute();
  // Recipient verifications per secret (a per-secret cap on sign-in starts).
  await sql`CREATE INDEX verifications_secret_idx ON verifications (tenant_id, secret_id, started_at) WHERE secret_id IS NOT NULL`.execute(
    db,
  );

  // Per-tenant keys that are not key-encryption keys: random, envelope-encrypted under the keyring
  // (AAD: tenant + 'tenant-key:<purpose>'), re-wrapped by rotation, so what they derive (the HMAC
  // requester keys) stays the same across rotations.
  await db.schema
    .createTable('tenant_keys')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose IN ('requester-key')`))
    .addColumn('format', 'smallint', (c) => c.notNull())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('tenant_keys_pk', ['tenant_id', 'purpose'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tenant_keys').ifExists().execute();
  await sql`DROP INDEX IF EXISTS verifications_secret_idx`.execute(db);
  await db.schema.dropIndex('push_attempts_requester_idx').execute();
  await sql`DELETE FROM push_attempts WHERE channel <> 'push'`.execute(db);
  await db.schema.alterTable('push_attempts').dropColumn('channel').execute();
  await db.schema
    .createIndex('push_attempts_requester_idx')
    .on('push_attempts')
    .columns(['tenant_id', 'requester_key', 'sent_at'])
    .execute();
  await sql`DROP INDEX IF EXISTS reveal_grants_verification_uq`.execute(db);
  await sql`DROP INDEX IF EXISTS verifications_callback_state_uq`.execute(db);
  await db.schema.alterTable('verifications').dropColumn('contact_source').execute();
  await sql`DROP INDEX IF EXISTS verifications_one_open_uq`.execute(db);
}
