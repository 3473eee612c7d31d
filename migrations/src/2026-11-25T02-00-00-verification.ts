import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Verify caller: IdP connections, versioned policy, verifications, overrides, push limits, and
// secrets that only the ticket's verified requester may open.

export async function up(db: Kysely<unknown>): Promise<void> {
  // One connection per IdP kind per tenant. `settings` is public (URLs, client ids); secrets are
  // envelope-encrypted like tenant credentials (AAD: tenant + 'idp:<kind>').
  await db.schema
    .createTable('tenant_idps')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('okta', 'duo', 'oidc', 'twilio')`))
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('credentials_format', 'smallint', (c) => c.notNull())
    .addColumn('credentials_kid', 'text', (c) => c.notNull())
    .addColumn('credentials_wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('credentials_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('tenant_idps_pk', ['tenant_id', 'kind'])
    .execute();

  // Policy as data: every change is a new version (never an update), written with its audit event.
  await db.schema
    .createTable('verification_policies')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('policy', 'jsonb', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('verification_policies_pk', ['tenant_id', 'version'])
    .execute();

  await db.schema
    .createTable('verifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    // 'caller': an agent verifying the caller on a ticket; 'recipient': a portal recipient proving
    // they are the ticket's requester before a verified-only secret opens.
    .addColumn('purpose', 'text', (c) =>
      c
        .notNull()
        .defaultTo('caller')
        .check(sql`purpose IN ('caller', 'recipient')`),
    )
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('secret_id', 'text')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_label', 'text', (c) => c.notNull())
    // HMAC of the requester's identity on record: push limits count per customer across tickets
    // and agents without storing the identifier.
    .addColumn('requester_key', 'bytea', (c) => c.notNull())
    .addColumn('requester_label', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .defaultTo('started')
        .check(sql`state IN ('started', 'waiting', 'verified', 'denied', 'timed_out', 'failed', 'cancelled', 'overridden')`),
    )
    .addColumn('binding', 'jsonb')
    .addColumn('reason', 'text')
    .addColumn('is_fraud_suspected', 'boolean', (c) => c.notNull().defaultTo(false))
    // The IdP's transaction reference and what the poller / callback needs (never shown in full).
    .addColumn('idp_ref', 'text')
    .addColumn('provider_state', 'jsonb')
    .addColumn('code_hash', 'bytea')
    .addColumn('code_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('policy_version', 'integer')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('valid_until', 'timestamptz')
    .addColumn('next_poll_at', 'timestamptz')
    .addColumn('poll_lease_until', 'timestamptz')
    .addColumn('last_event_id', 'uuid')
    .execute();
  await db.schema.createIndex('verifications_ticket_idx').on('verifications').columns(['tenant_id', 'ticket_id', 'started_at']).execute();
  await sql`CREATE INDEX verifications_open_idx ON verifications (next_poll_at) WHERE state IN ('started', 'waiting')`.execute(db);

  await db.schema
    .createTable('verification_overrides')
    .addColumn('verification_id', 'uuid', (c) => c.primaryKey().references('verifications.id'))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('requested_by_id', 'text', (c) => c.notNull())
    .addColumn('requested_by_label', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('approved_by_id', 'text')
    .addColumn('approved_by_label', 'text')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('approved_at', 'timestamptz')
    // The database itself refuses self-approval.
    .addCheckConstraint('verification_overrides_two_people', sql`approved_by_id IS NULL OR approved_by_id <> requested_by_id`)
    .execute();

  // Pushes sent per customer (requester_key), across agents and tickets, for the push limit.
  await db.schema
    .createTable('push_attempts')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('requester_key', 'bytea', (c) => c.notNull())
    .addColumn('verification_id', 'uuid', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('push_attempts_requester_idx')
    .on('push_attempts')
    .columns(['tenant_id', 'requester_key', 'sent_at'])
    .execute();

  // Verified-requester-only secrets.
  await db.schema
    .alterTable('secrets')
    .addColumn('requires_verification', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema.alterTable('ticket_secrets').addColumn('requester_key', 'bytea').execute();
  await db.schema
    .createTable('reveal_grants')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('grant_hash', 'bytea', (c) => c.notNull())
    .addColumn('verification_id', 'uuid', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('reveal_grants_pk', ['tenant_id', 'secret_id', 'grant_hash'])
    .addForeignKeyConstraint('reveal_grants_secret_fk', ['tenant_id', 'secret_id'], 'secrets', ['tenant_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reveal_grants').ifExists().execute();
  await db.schema.alterTable('ticket_secrets').dropColumn('requester_key').execute();
  await db.schema.alterTable('secrets').dropColumn('requires_verification').execute();
  await db.schema.dropTable('push_attempts').ifExists().execute();
  await db.schema.dropTable('verification_overrides').ifExists().execute();
  await db.schema.dropTable('verifications').ifExists().execute();
  await db.schema.dropTable('verification_policies').ifExists().execute();
  await db.schema.dropTable('tenant_idps').ifExists().execute();
}
