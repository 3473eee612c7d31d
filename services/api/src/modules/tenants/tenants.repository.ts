import { sql } from 'kysely';
import type { Desk } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { isRefusedBy, jsonb, SQLSTATE } from '../../db/sql';
import type { SealedPayload } from '../keys/keyring';

/**
 * Tenant rows. A tenant and its audit event are written by ONE statement, like secrets. Removal
 * is soft (deleted_at) so audit rows and ticket secrets keep their tenant; the credentials are
 * dropped on removal since nothing may call the desk for that tenant any more.
 */

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  desk: Desk | null;
  account: string | null;
  verification: Record<string, unknown>;
  apiBaseUrl: string | null;
  credentials: SealedPayload | null;
  createdAt: Date;
}

const COLUMNS = [
  'id',
  'slug',
  'name',
  'desk',
  'desk_account',
  'verification',
  'api_base_url',
  'credentials_format',
  'credentials_kid',
  'credentials_wrapped_key',
  'credentials_ciphertext',
  'created_at',
] as const;

interface RawRow {
  id: string;
  slug: string;
  name: string;
  desk: Desk | null;
  desk_account: string | null;
  verification: Record<string, unknown>;
  api_base_url: string | null;
  credentials_format: number | null;
  credentials_kid: string | null;
  credentials_wrapped_key: Buffer | null;
  credentials_ciphertext: Buffer | null;
  created_at: Date;
}

function toRow(r: RawRow): TenantRow {
  const hasCredentials =
    r.credentials_format !== null && r.credentials_kid !== null && r.credentials_wrapped_key !== null && r.credentials_ciphertext !== null;
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    desk: r.desk,
    account: r.desk_account,
    verification: r.verification,
    apiBaseUrl: r.api_base_url,
    credentials: hasCredentials
      ? {
          format: r.credentials_format!,
          kid: r.credentials_kid!,
          wrappedKey: r.credentials_wrapped_key!,
          ciphertext: r.credentials_ciphertext!,
        }
      : null,
    createdAt: r.created_at,
  };
}

export interface NewTenant {
  id: string;
  slug: string;
  name: string;
  desk: Desk;
  account: string;
  verification: Record<string, string>;
  apiBaseUrl: string | null;
  credentials: SealedPayload;
}

export class TenantConflictError extends Error {
  override name = 'TenantConflictError';
  constructor(readonly on: 'slug' | 'account') {
    super(`tenant ${on} already taken`);
  }
}

/** Inserts the tenant and its `tenant.added` event together. The event names no credentials. */
export async function insertTenant(db: Db, t: NewTenant, eventData: Record<string, unknown>): Promise<Date> {
  try {
    const { rows } = await sql<{ created_at: Date }>`
      WITH tenant AS (
        INSERT INTO tenants (id, slug, name, desk, desk_account, verification, api_base_url,
                             credentials_format, credentials_kid, credentials_wrapped_key, credentials_ciphertext)
        VALUES (${t.id}, ${t.slug}, ${t.name}, ${t.desk}, ${t.account}, ${jsonb(t.verification)}, ${t.apiBaseUrl},
                ${t.credentials.format}, ${t.credentials.kid}, ${t.credentials.wrappedKey}, ${t.credentials.ciphertext})
        RETURNING id, created_at
      ), event AS (
        INSERT INTO audit_events (tenant_id, type, data)
        SELECT id, 'tenant.added', ${jsonb(eventData)} FROM tenant
      )
      SELECT created_at FROM tenant`.execute(db);
    return rows[0]!.created_at;
  } catch (err) {
    if (isRefusedBy(err, SQLSTATE.uniqueViolation, 'tenants_desk_account_uq')) throw new TenantConflictError('account');
    if (isRefusedBy(err, SQLSTATE.uniqueViolation)) throw new TenantConflictError('slug');
    throw err;
  }
}

export async function listActive(db: Db): Promise<TenantRow[]> {
  const rows = await db
    .selectFrom('tenants')
    .select(COLUMNS)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('slug')
    .execute();
  return rows.map(toRow);
}

export async function findActiveById(db: Db, id: string): Promise<TenantRow | undefined> {
  const row = await db.selectFrom('tenants').select(COLUMNS).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return row && toRow(row);
}

export async function findActiveBySlug(db: Db, slug: string): Promise<TenantRow | undefined> {
  const row = await db.selectFrom('tenants').select(COLUMNS).where('slug', '=', slug).where('deleted_at', 'is', null).executeTakeFirst();
  return row && toRow(row);
}

export async function findActiveByAccount(db: Db, desk: Desk, account: string): Promise<TenantRow | undefined> {
  const row = await db
    .selectFrom('tenants')
    .select(COLUMNS)
    .where('desk', '=', desk)
    .where('desk_account', '=', account)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row && toRow(row);
}

/** Active tenants of a desk whose verification record has `key` = `value` (e.g. a Zendesk installation id). */
export async function findActiveByVerification(db: Db, desk: Desk, key: string, value: string): Promise<TenantRow[]> {
  const rows = await db
    .selectFrom('tenants')
    .select(COLUMNS)
    .where('desk', '=', desk)
    .where(sql<boolean>`verification ->> ${key} = ${value}`)
    .where('deleted_at', 'is', null)
    .limit(20)
    .execute();
  return rows.map(toRow);
}

/** NOTIFY channel (payload: the tenant id) on which every API process hears that a tenant was removed. */
export const TENANT_REMOVED_CHANNEL = 'vouchsafe_tenant_removed';

/**
 * Soft-deletes a help-desk tenant (never the default tenant), drops its credentials (and its desk webhook secret), writes
 * `tenant.removed` naming `actor` and NOTIFYs TENANT_REMOVED_CHANNEL, all in one statement (listeners hear it at
 * commit): every process then ends that tenant's live streams.
 */
export async function softDelete(db: Db, slug: string, actor: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH removed AS (
      UPDATE tenants
         SET deleted_at = now(), credentials_format = NULL, credentials_kid = NULL,
             credentials_wrapped_key = NULL, credentials_ciphertext = NULL
       WHERE slug = ${slug} AND deleted_at IS NULL
         AND (desk IS NOT NULL OR EXISTS (SELECT 1 FROM chat_workspaces w WHERE w.tenant_id = tenants.id))
      RETURNING id, slug, desk, desk_account
    ), webhook_secret AS (
      DELETE FROM desk_webhook_secrets WHERE tenant_id IN (SELECT id FROM removed)
    ), chat AS (
      -- A chat workspace's bot token goes with it (issue 13); its audit trail stays with the tenant.
      DELETE FROM chat_workspaces WHERE tenant_id IN (SELECT id FROM removed)
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT id, 'tenant.removed', jsonb_build_object('slug', slug, 'desk', desk, 'account', desk_account, 'actor', ${actor}::text) FROM removed
    )
    SELECT id, pg_notify(${TENANT_REMOVED_CHANNEL}, id::text) AS notified FROM removed`.execute(db);
  return rows.length > 0;
}
