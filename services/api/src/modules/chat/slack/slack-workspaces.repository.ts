import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../../db/database';
import { isRefusedBy, jsonb, SQLSTATE } from '../../../db/sql';
import type { Keyring, PayloadBinding, SealedPayload } from '../../keys/keyring';

/**
 * A Slack workspace is a tenant (a `tenants` row without a desk) plus its `chat_workspaces` row. The bot token is an
 * envelope like desk credentials: AAD binds the tenant id and the fixed name below, so a blob copied to another row
 * does not open. Rows of removed tenants are never read (every query joins the live tenant).
 */
export const BOT_TOKEN_BINDING_NAME = 'chat-bot-token';
export const botTokenBinding = (tenantId: string): PayloadBinding => ({ tenantId, secretId: BOT_TOKEN_BINDING_NAME });

export interface SlackWorkspace {
  tenantId: string;
  slug: string;
  teamId: string;
  botUserId: string | null;
  auditChannel: string | null;
  /** The bot token, opened. Never log it. */
  botToken: string;
}

export const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** The live workspace tenant of a Slack team; undefined when not installed (or its tenant was removed). */
export async function findWorkspace(db: Db, keyring: Keyring, teamId: string): Promise<SlackWorkspace | undefined> {
  const { rows } = await sql<{
    tenant_id: string;
    slug: string;
    workspace_id: string;
    bot_user_id: string | null;
    audit_channel: string | null;
    token_format: number;
    token_kid: string;
    token_wrapped_key: Buffer;
    token_ciphertext: Buffer;
  }>`
    SELECT w.tenant_id, t.slug, w.workspace_id, w.bot_user_id, w.audit_channel,
           w.token_format, w.token_kid, w.token_wrapped_key, w.token_ciphertext
    FROM chat_workspaces w JOIN tenants t ON t.id = w.tenant_id AND t.deleted_at IS NULL
    WHERE w.platform = 'slack' AND w.workspace_id = ${teamId}`.execute(db);
  const r = rows[0];
  if (!r) return undefined;
  const sealed: SealedPayload = {
    format: r.token_format,
    kid: r.token_kid,
    wrappedKey: r.token_wrapped_key,
    ciphertext: r.token_ciphertext,
  };
  const plain = keyring.open(sealed, botTokenBinding(r.tenant_id));
  try {
    return {
      tenantId: r.tenant_id,
      slug: r.slug,
      teamId: r.workspace_id,
      botUserId: r.bot_user_id,
      auditChannel: r.audit_channel,
      botToken: plain.toString('utf8'),
    };
  } finally {
    plain.fill(0);
  }
}

/** The workspace of a tenant id (connectors, the note outbox). */
export async function findWorkspaceByTenant(db: Db, keyring: Keyring, tenantId: string): Promise<SlackWorkspace | undefined> {
  const { rows } = await sql<{ workspace_id: string }>`
    SELECT w.workspace_id FROM chat_workspaces w JOIN tenants t ON t.id = w.tenant_id AND t.deleted_at IS NULL
    WHERE w.tenant_id = ${tenantId} AND w.platform = 'slack'`.execute(db);
  return rows[0] ? findWorkspace(db, keyring, rows[0].workspace_id) : undefined;
}

export interface InstallState {
  slug: string;
  name: string;
  auditChannel: string | null;
  actor: string;
}

export async function insertInstallState(db: Db, state: string, s: InstallState, ttlSeconds: number): Promise<void> {
  await sql`
    INSERT INTO chat_install_states (state_sha256, platform, slug, name, audit_channel, actor, expires_at)
    VALUES (${sha256(state)}, 'slack', ${s.slug}, ${s.name}, ${s.auditChannel}, ${s.actor}, now() + make_interval(secs => ${ttlSeconds}))`.execute(
    db,
  );
}

/** Consumes the state (one statement: a replayed or expired state finds nothing). */
export async function takeInstallState(db: Db, state: string): Promise<InstallState | undefined> {
  const { rows } = await sql<{ slug: string; name: string; audit_channel: string | null; actor: string; is_live: boolean }>`
    DELETE FROM chat_install_states WHERE state_sha256 = ${sha256(state)} AND platform = 'slack'
    RETURNING slug, name, audit_channel, actor, expires_at > now() AS is_live`.execute(db);
  const r = rows[0];
  return r?.is_live ? { slug: r.slug, name: r.name, auditChannel: r.audit_channel, actor: r.actor } : undefined;
}

export class WorkspaceConflictError extends Error {
  override name = 'WorkspaceConflictError';
}

export interface NewWorkspace {
  tenantId: string;
  slug: string;
  name: string;
  teamId: string;
  botUserId: string | null;
  auditChannel: string | null;
  sealedToken: (tenantId: string) => SealedPayload;
  actor: string;
}

/**
 * Installs a workspace: a new tenant + workspace row + `tenant.added` audit event in one statement, or — the workspace
 * is installed already (a reinstall for new scopes) — the live tenant's token is replaced, audited as
 * `chat.reinstalled`. Returns the tenant id and whether it was new.
 */
export async function installWorkspace(db: Db, w: NewWorkspace): Promise<{ tenantId: string; isNew: boolean }> {
  const existing = await sql<{ tenant_id: string }>`
    SELECT w.tenant_id FROM chat_workspaces w JOIN tenants t ON t.id = w.tenant_id AND t.deleted_at IS NULL
    WHERE w.platform = 'slack' AND w.workspace_id = ${w.teamId}`.execute(db);
  const known = existing.rows[0]?.tenant_id;
  if (known) {
    const s = w.sealedToken(known);
    await sql`
      WITH ws AS (
        UPDATE chat_workspaces SET token_format = ${s.format}, token_kid = ${s.kid}, token_wrapped_key = ${s.wrappedKey},
               token_ciphertext = ${s.ciphertext}, bot_user_id = ${w.botUserId},
               audit_channel = COALESCE(${w.auditChannel}, audit_channel)
        WHERE tenant_id = ${known} RETURNING tenant_id
      )
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, 'chat.reinstalled', ${jsonb({ platform: 'slack', workspace: w.teamId, actor: w.actor })} FROM ws`.execute(db);
    return { tenantId: known, isNew: false };
  }
  const s = w.sealedToken(w.tenantId);
  try {
    await sql`
      WITH tenant AS (
        INSERT INTO tenants (id, slug, name) VALUES (${w.tenantId}, ${w.slug}, ${w.name}) RETURNING id
      ), ws AS (
        INSERT INTO chat_workspaces (tenant_id, platform, workspace_id, bot_user_id, audit_channel,
                                     token_format, token_kid, token_wrapped_key, token_ciphertext)
        SELECT id, 'slack', ${w.teamId}, ${w.botUserId}, ${w.auditChannel}, ${s.format}, ${s.kid}, ${s.wrappedKey}, ${s.ciphertext}
        FROM tenant RETURNING tenant_id
      )
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, 'tenant.added', ${jsonb({ slug: w.slug, chat: 'slack', workspace: w.teamId, outcome: 'ok', actor: w.actor })}
      FROM ws`.execute(db);
  } catch (err) {
    if (isRefusedBy(err, SQLSTATE.uniqueViolation)) throw new WorkspaceConflictError('slug or workspace taken');
    throw err;
  }
  return { tenantId: w.tenantId, isNew: true };
}

/** The message showing a verification (one per verification). */
export async function rememberMessage(db: Db, tenantId: string, verificationId: string, channel: string, ts: string): Promise<void> {
  await sql`
    INSERT INTO chat_verification_messages (tenant_id, verification_id, channel, message_ts)
    VALUES (${tenantId}, ${verificationId}, ${channel}, ${ts}) ON CONFLICT DO NOTHING`.execute(db);
}

export async function findMessage(db: Db, tenantId: string, verificationId: string): Promise<{ channel: string; ts: string } | undefined> {
  const { rows } = await sql<{ channel: string; message_ts: string }>`
    SELECT channel, message_ts FROM chat_verification_messages WHERE tenant_id = ${tenantId} AND verification_id = ${verificationId}`.execute(
    db,
  );
  return rows[0] && { channel: rows[0].channel, ts: rows[0].message_ts };
}
