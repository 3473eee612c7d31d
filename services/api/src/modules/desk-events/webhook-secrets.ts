import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { jsonb } from '../../db/sql';
import type { Keyring, PayloadBinding, SealedPayload } from '../keys/keyring';
import { adminTenantBySlug } from '../idps/idps.service';

/**
 * Each tenant's desk webhook signing secret: an envelope like the desk credentials (a fresh data key, wrapped by the
 * active KEK, AAD binding the tenant id and the fixed name below, so a blob copied to another tenant does not open);
 * `keys rotate` re-wraps it (modules/keys/rotate-keys.ts). Setting and removing it is audited with the actor, never
 * the secret. Removing the tenant deletes it (tenants.repository softDelete).
 */
export const WEBHOOK_SECRET_BINDING_NAME = 'desk-webhook-secret';
export const webhookSecretBinding = (tenantId: string): PayloadBinding => ({ tenantId, secretId: WEBHOOK_SECRET_BINDING_NAME });

/** The tenant a receiver path names, with its webhook secret opened; undefined when unknown, removed or without a secret. */
export interface WebhookTenant {
  id: string;
  slug: string;
  desk: 'zendesk' | 'servicenow' | 'jira';
  secret: Buffer;
}

export function createWebhookSecrets(deps: { db: Db; keyring: Keyring }) {
  const { db, keyring } = deps;

  /** Stores (or replaces) the secret with its `desk_events.webhook_secret_set` event in one statement. */
  async function set(slug: string, secret: string, actor: string): Promise<void> {
    const tenant = await adminTenantBySlug(db, slug);
    const sealed = keyring.seal(Buffer.from(secret, 'utf8'), webhookSecretBinding(tenant.id));
    await sql`
      WITH saved AS (
        INSERT INTO desk_webhook_secrets (tenant_id, format, kid, wrapped_key, ciphertext, updated_by)
        VALUES (${tenant.id}, ${sealed.format}, ${sealed.kid}, ${sealed.wrappedKey}, ${sealed.ciphertext}, ${actor})
        ON CONFLICT (tenant_id) DO UPDATE
          SET format = EXCLUDED.format, kid = EXCLUDED.kid, wrapped_key = EXCLUDED.wrapped_key,
              ciphertext = EXCLUDED.ciphertext, updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING tenant_id
      )
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, 'desk_events.webhook_secret_set', ${jsonb({ actor })} FROM saved`.execute(db);
  }

  /** Removes the secret (every delivery is then refused); false when there was none. */
  async function remove(slug: string, actor: string): Promise<boolean> {
    const tenant = await adminTenantBySlug(db, slug);
    const { rows } = await sql<{ tenant_id: string }>`
      WITH gone AS (DELETE FROM desk_webhook_secrets WHERE tenant_id = ${tenant.id} RETURNING tenant_id),
      event AS (
        INSERT INTO audit_events (tenant_id, type, data)
        SELECT tenant_id, 'desk_events.webhook_secret_removed', ${jsonb({ actor })} FROM gone
      )
      SELECT tenant_id FROM gone`.execute(db);
    return rows.length > 0;
  }

  /** Whether the tenant has a secret (admin view; never the secret). */
  async function isSet(slug: string): Promise<{ isSet: boolean; updatedAt: string | null; updatedBy: string | null }> {
    const tenant = await adminTenantBySlug(db, slug);
    const row = await db
      .selectFrom('desk_webhook_secrets')
      .select(['updated_at', 'updated_by'])
      .where('tenant_id', '=', tenant.id)
      .executeTakeFirst();
    return { isSet: row !== undefined, updatedAt: row?.updated_at.toISOString() ?? null, updatedBy: row?.updated_by ?? null };
  }

  /** The active desk tenant with this slug and desk, its secret opened; undefined otherwise (the receiver answers 404). */
  async function forReceiver(desk: WebhookTenant['desk'], slug: string): Promise<WebhookTenant | undefined> {
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(slug)) return undefined;
    const row = await db
      .selectFrom('tenants')
      .innerJoin('desk_webhook_secrets', 'desk_webhook_secrets.tenant_id', 'tenants.id')
      .select(['tenants.id', 'tenants.slug', 'format', 'kid', 'wrapped_key', 'ciphertext'])
      .where('tenants.slug', '=', slug)
      .where('tenants.desk', '=', desk)
      .where('tenants.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const sealed: SealedPayload = { format: row.format, kid: row.kid, wrappedKey: row.wrapped_key, ciphertext: row.ciphertext };
    return { id: row.id, slug: row.slug, desk, secret: keyring.open(sealed, webhookSecretBinding(row.id)) };
  }

  return { set, remove, isSet, forReceiver };
}

export type WebhookSecrets = ReturnType<typeof createWebhookSecrets>;

/** Constant-time equality of two strings (lengths differing answers false at once: the length is not secret). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
