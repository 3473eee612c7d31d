import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code. Later changes get a new migration.

export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000001';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`INSERT INTO tenants (id, slug, name) VALUES (${DEFAULT_TENANT_ID}, 'default', 'Default tenant')`.execute(db);

  // Metadata only. The content lives in secret_payloads so that the last view can delete it
  // in the same statement that decrements views_left (see services/api/src/modules/secrets/NOTES.md).
  await db.schema
    .createTable('secrets')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('text', 'file')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('views_total', 'smallint', (c) => c.notNull())
    .addColumn('views_left', 'smallint', (c) => c.notNull().check(sql`views_left >= 0`))
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('label_masked', 'text')
    .addColumn('key_check_hash', 'bytea', (c) => c.notNull())
    .addColumn('passphrase_salt', 'bytea')
    .addColumn('passphrase_check_hash', 'bytea')
    .addColumn('revoke_token_hash', 'bytea', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_viewed_at', 'timestamptz')
    .addPrimaryKeyConstraint('secrets_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('secrets_expires_at_idx').on('secrets').column('expires_at').execute();

  await db.schema
    .createTable('secret_payloads')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('format', 'smallint', (c) => c.notNull())
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('secret_payloads_pk', ['tenant_id', 'secret_id'])
    .addForeignKeyConstraint('secret_payloads_secret_fk', ['tenant_id', 'secret_id'], 'secrets', ['tenant_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();
  // No index on kid: only key rotation filters on it, rarely, and every index costs each create.

  // Failed reveal attempts per (secret, client). The client key is a hash, never an address.
  await db.schema
    .createTable('reveal_attempts')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('secret_id', 'text', (c) => c.notNull())
    .addColumn('client_key', 'bytea', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('next_allowed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('reveal_attempts_pk', ['tenant_id', 'secret_id', 'client_key'])
    .addForeignKeyConstraint('reveal_attempts_secret_fk', ['tenant_id', 'secret_id'], 'secrets', ['tenant_id', 'id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();

  // Append-only audit log. Writers only INSERT (concurrently, no shared lock); a background sealer
  // assigns chain_index/prev_hash/hash in batches per tenant, as transparency logs do.
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('id', 'uuid', (c) =>
      c
        .notNull()
        .unique()
        .defaultTo(sql`gen_random_uuid()`),
    )
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('secret_id', 'text')
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`date_trunc('milliseconds', clock_timestamp())`))
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('chain_index', 'bigint')
    .addColumn('prev_hash', 'bytea')
    .addColumn('hash', 'bytea')
    .addUniqueConstraint('audit_events_chain_uq', ['tenant_id', 'chain_index'])
    .execute();
  // The sealer finds unsealed rows through audit_events_chain_uq (btree indexes NULLs: tenant_id = ? AND chain_index IS NULL).

  await db.schema
    .createTable('audit_heads')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('chain_index', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'bytea', (c) => c.notNull())
    .addColumn('sealed_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // The database itself refuses edits and deletes of audit events; only the one-time seal of
  // an unsealed row is allowed. (A superuser can still bypass triggers: the hash chain is what
  // detects that.)
  await sql`
    CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_events is append-only';
      END IF;
      IF OLD.chain_index IS NOT NULL
         OR NEW.id <> OLD.id OR NEW.tenant_id <> OLD.tenant_id OR NEW.type <> OLD.type
         OR NEW.secret_id IS DISTINCT FROM OLD.secret_id OR NEW.occurred_at <> OLD.occurred_at
         OR NEW.data <> OLD.data OR NEW.seq <> OLD.seq THEN
        RAISE EXCEPTION 'audit_events is append-only';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_guard()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit_events_guard()`.execute(db);
  await db.schema.dropTable('audit_heads').ifExists().execute();
  await db.schema.dropTable('audit_events').ifExists().execute();
  await db.schema.dropTable('reveal_attempts').ifExists().execute();
  await db.schema.dropTable('secret_payloads').ifExists().execute();
  await db.schema.dropTable('secrets').ifExists().execute();
  await db.schema.dropTable('tenants').ifExists().execute();
}
