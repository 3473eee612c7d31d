import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.
// Chat workspaces (issue 13): a Slack workspace is a tenant (a `tenants` row without a desk) plus one row here with
// the bot token, envelope-encrypted like desk credentials. Install states are one-time; live chat messages map a
// verification to the message that shows it.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chat_workspaces')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform IN ('slack')`))
    // Slack team id (T…); the signed request's team_id finds the tenant.
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('bot_user_id', 'text')
    // The private channel that receives masked audit lines; null = audit chain only.
    .addColumn('audit_channel', 'text')
    // The bot token: AAD binds tenant + 'chat-bot-token'.
    .addColumn('token_format', 'smallint', (c) => c.notNull())
    .addColumn('token_kid', 'text', (c) => c.notNull())
    .addColumn('token_wrapped_key', 'bytea', (c) => c.notNull())
    .addColumn('token_ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One tenant per workspace: installing again (new scopes, a new token) replaces the token of the same tenant.
  await sql`CREATE UNIQUE INDEX chat_workspaces_platform_workspace_uq ON chat_workspaces (platform, workspace_id)`.execute(db);

  // OAuth `state` of an install started by an admin: stored as SHA-256 only, consumed once (DELETE … RETURNING).
  await db.schema
    .createTable('chat_install_states')
    .addColumn('state_sha256', 'bytea', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull().check(sql`platform IN ('slack')`))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('audit_channel', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // The chat message that shows a verification's state (updated with chat.update on every NOTIFY).
  await db.schema
    .createTable('chat_verification_messages')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id'))
    .addColumn('verification_id', 'uuid', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message_ts', 'text', (c) => c.notNull())
    // The verification's audit event last rendered: the process that moves it renders (one per change, any process).
    .addColumn('rendered_event_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('chat_verification_messages_pk', ['tenant_id', 'verification_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('chat_verification_messages').execute();
  await db.schema.dropTable('chat_install_states').execute();
  await db.schema.dropTable('chat_workspaces').execute();
}
