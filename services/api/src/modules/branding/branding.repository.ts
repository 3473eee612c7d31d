import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { isoUtc, isRefusedBy, jsonb, SQLSTATE } from '../../db/sql';

/** SQL of modules/branding: every statement names the tenant. */

export interface BrandingRow {
  display_name: string;
  brand_color: string | null;
  has_logo: boolean;
  support_phone: string | null;
  support_url: string | null;
  link_domain: string | null;
  updated_at: string;
  updated_ms: string;
}

export interface BrandingValues {
  displayName: string;
  brandColor: string | null;
  /** undefined keeps the stored logo, null removes it. */
  logoPng: Buffer | null | undefined;
  supportPhone: string | null;
  supportUrl: string | null;
  linkDomain: string | null;
}

export class LinkDomainTakenError extends Error {
  override name = 'LinkDomainTakenError';
}

export async function findBranding(db: Db, tenantId: string): Promise<BrandingRow | undefined> {
  const { rows } = await sql<BrandingRow>`
    SELECT display_name, brand_color, logo_png IS NOT NULL AS has_logo, support_phone, support_url, link_domain,
           ${isoUtc(sql`updated_at`)} AS updated_at, (extract(epoch FROM updated_at) * 1000)::bigint::text AS updated_ms
      FROM tenant_branding WHERE tenant_id = ${tenantId}`.execute(db);
  return rows[0];
}

export async function findLogo(db: Db, tenantId: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('tenant_branding').select('logo_png').where('tenant_id', '=', tenantId).executeTakeFirst();
  return row?.logo_png ?? undefined;
}

/** The tenant whose links use `host` (a custom link domain), if any. */
export async function tenantOfLinkDomain(db: Db, host: string): Promise<{ id: string; slug: string } | undefined> {
  return db
    .selectFrom('tenant_branding as b')
    .innerJoin('tenants as t', 't.id', 'b.tenant_id')
    .select(['t.id', 't.slug'])
    .where('b.link_domain', '=', host)
    .where('t.deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Upsert and its `tenant.branding_set` audit event, in one statement. */
export async function upsertBranding(db: Db, tenantId: string, v: BrandingValues, eventData: Record<string, unknown>): Promise<void> {
  const keepLogo = v.logoPng === undefined;
  try {
    await sql`
      WITH b AS (
        INSERT INTO tenant_branding (tenant_id, display_name, logo_png, brand_color, support_phone, support_url, link_domain)
        VALUES (${tenantId}, ${v.displayName}, ${v.logoPng ?? null}, ${v.brandColor}, ${v.supportPhone}, ${v.supportUrl}, ${v.linkDomain})
        ON CONFLICT (tenant_id) DO UPDATE SET
          display_name = EXCLUDED.display_name,
          logo_png = CASE WHEN ${keepLogo} THEN tenant_branding.logo_png ELSE EXCLUDED.logo_png END,
          brand_color = EXCLUDED.brand_color,
          support_phone = EXCLUDED.support_phone,
          support_url = EXCLUDED.support_url,
          link_domain = EXCLUDED.link_domain,
          updated_at = now()
        RETURNING tenant_id
      )
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, 'tenant.branding_set', ${jsonb(eventData)} FROM b`.execute(db);
  } catch (err) {
    if (isRefusedBy(err, SQLSTATE.uniqueViolation, 'tenant_branding_link_domain_uq')) throw new LinkDomainTakenError();
    throw err;
  }
}

/** Delete and its `tenant.branding_removed` event; false when there was nothing to delete. */
export async function deleteBranding(db: Db, tenantId: string, eventData: Record<string, unknown>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    WITH d AS (DELETE FROM tenant_branding WHERE tenant_id = ${tenantId} RETURNING tenant_id), e AS (
      INSERT INTO audit_events (tenant_id, type, data) SELECT tenant_id, 'tenant.branding_removed', ${jsonb(eventData)} FROM d
    )
    SELECT count(*)::int AS n FROM d`.execute(db);
  return (rows[0]?.n ?? 0) > 0;
}

/** Who sent a ticket secret (display id, masked agent label); undefined for a secret not sent from a ticket. */
export async function findSender(
  db: Db,
  tenantId: string,
  secretId: string,
): Promise<{ ticket_display_id: string | null; ticket_id: string; agent_label: string } | undefined> {
  return db
    .selectFrom('ticket_secrets')
    .select(['ticket_display_id', 'ticket_id', 'agent_label'])
    .where('tenant_id', '=', tenantId)
    .where('secret_id', '=', secretId)
    .executeTakeFirst();
}

/**
 * The check page's one question, in one statement: was this id issued by this tenant (its `secret.created` event,
 * which retention never deletes), and can it still be opened now.
 */
export async function linkStatus(db: Db, tenantId: string, secretId: string): Promise<{ issued: boolean; active: boolean }> {
  const { rows } = await sql<{ issued: boolean; active: boolean }>`
    SELECT EXISTS (SELECT 1 FROM audit_events
                    WHERE tenant_id = ${tenantId} AND secret_id = ${secretId} AND type = 'secret.created') AS issued,
           EXISTS (SELECT 1 FROM secrets
                    WHERE tenant_id = ${tenantId} AND id = ${secretId} AND revoked_at IS NULL AND views_left > 0
                      AND expires_at > now()) AS active`.execute(db);
  return rows[0] ?? { issued: false, active: false };
}
