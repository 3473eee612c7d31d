import {
  BRANDING_PATHS,
  DEFAULT_TENANT_ID,
  LOGO_MAX_BYTES,
  PNG_SIGNATURE,
  SecretIdSchema,
  type BrandingAdminView,
  type BrandingUpdateSchema,
  type LinkCheckResult,
  type LinkTrust,
  type PublicBranding,
} from '@vouchsafe/contracts';
import type { z } from 'zod';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import type { TenantKeys } from '../keys/tenant-keys';
import type { SecretsService, RequestContext } from '../secrets/secrets.service';
import { findActiveById, findActiveBySlug } from '../tenants/tenants.repository';
import { linkBaseFor } from '../tenants/link-base';
import * as repo from './branding.repository';
import { agentFirstName, linkPhrase } from './link-phrase';

export interface BrandingDeps {
  db: Db;
  tenantKeys: TenantKeys;
  secrets: Pick<SecretsService, 'checkLinkKey'>;
}

type BrandingUpdateParsed = z.output<typeof BrandingUpdateSchema>;

/** A tenant the public routes act for: from the path (`/t/{slug}`), else the default tenant. */
export interface PublicTenant {
  id: string;
  /** undefined for the default tenant (its paths have no `/t/{slug}`). */
  slug: string | undefined;
}

const notFound = () => new AppError('not_found', 'There is no help-desk tenant with that slug.');

/** Checks the PNG signature and the IHDR size (at most 1024 × 1024) of a base64 logo; refuses anything else. */
export function decodeLogo(base64: string): Buffer {
  const refuse = (why: string) =>
    new AppError('validation_failed', `The logo ${why}.`, { issues: [{ path: 'logoPngBase64', message: why }] });
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw refuse('must be base64');
  const png = Buffer.from(base64, 'base64');
  if (png.length > LOGO_MAX_BYTES) throw refuse(`must be at most ${LOGO_MAX_BYTES / 1024} KiB`);
  const isPng = png.length > 24 && PNG_SIGNATURE.every((b, i) => png[i] === b) && png.toString('latin1', 12, 16) === 'IHDR';
  if (!isPng) throw refuse('must be a PNG image');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  if (width < 1 || height < 1 || width > 1024 || height > 1024) throw refuse('must be between 1 and 1024 pixels wide and high');
  return png;
}

export function createBrandingService(deps: BrandingDeps) {
  const { db } = deps;

  async function tenantBySlug(slug: string) {
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(slug)) throw notFound();
    const tenant = await findActiveBySlug(db, slug);
    if (!tenant) throw notFound();
    return tenant;
  }

  async function getAdmin(slug: string): Promise<BrandingAdminView> {
    const tenant = await tenantBySlug(slug);
    const row = await repo.findBranding(db, tenant.id);
    if (!row) throw new AppError('not_found', 'This tenant has no branding yet; customer pages show its name.');
    return toAdminView(row);
  }

  async function put(slug: string, update: BrandingUpdateParsed, actor: string): Promise<BrandingAdminView> {
    const tenant = await tenantBySlug(slug);
    const logoPng =
      update.logoPngBase64 === undefined ? undefined : update.logoPngBase64 === null ? null : decodeLogo(update.logoPngBase64);
    const fields = Object.keys(update).filter((k) => k !== 'logoPngBase64');
    try {
      await repo.upsertBranding(
        db,
        tenant.id,
        { ...update, logoPng },
        // Public facts only: the link domain is where links point (security relevant), the rest is named, not copied.
        {
          slug: tenant.slug,
          actor,
          fields,
          logo: logoPng === undefined ? 'kept' : logoPng === null ? 'removed' : 'set',
          linkDomain: update.linkDomain,
        },
      );
    } catch (err) {
      if (err instanceof repo.LinkDomainTakenError) {
        throw new AppError('conflict', 'Another tenant already uses this link domain.', {
          issues: [{ path: 'linkDomain', message: 'is used by another tenant' }],
        });
      }
      throw err;
    }
    return toAdminView((await repo.findBranding(db, tenant.id))!);
  }

  async function remove(slug: string, actor: string): Promise<void> {
    const tenant = await tenantBySlug(slug);
    if (!(await repo.deleteBranding(db, tenant.id, { slug: tenant.slug, actor }))) {
      throw new AppError('not_found', 'This tenant has no branding.');
    }
  }

  /** What every customer page shows about the bank; the tenant's own name when it stored no branding. */
  async function publicBranding(t: PublicTenant): Promise<PublicBranding> {
    const row = await repo.findBranding(db, t.id);
    const checkUrl = BRANDING_PATHS.checkPage(t.slug);
    if (!row) {
      const tenant = await findActiveById(db, t.id);
      return { displayName: tenant?.name ?? 'Vouchsafe', brandColor: null, logoUrl: null, supportPhone: null, supportUrl: null, checkUrl };
    }
    return {
      displayName: row.display_name,
      brandColor: row.brand_color,
      // The version in the query lets the page cache it and still see a new logo at once.
      logoUrl: row.has_logo ? `${BRANDING_PATHS.logo(t.slug)}?v=${row.updated_ms}` : null,
      supportPhone: row.support_phone,
      supportUrl: row.support_url,
      checkUrl,
    };
  }

  const logo = (tenantId: string) => repo.findLogo(db, tenantId);

  async function phraseFor(tenantId: string, secretId: string): Promise<string> {
    return linkPhrase(await deps.tenantKeys.get(tenantId, 'link-phrase'), tenantId, secretId);
  }

  /** Who sent the link and its phrase, for a holder of its key (the key check is the one the reveal uses). */
  async function linkTrust(ctx: RequestContext, t: PublicTenant, secretId: string, keyCheck: string): Promise<LinkTrust> {
    await deps.secrets.checkLinkKey(ctx, secretId, keyCheck);
    const [bank, sender, phrase] = await Promise.all([publicBranding(t), repo.findSender(db, t.id, secretId), phraseFor(t.id, secretId)]);
    return {
      bank,
      ticket: sender ? (sender.ticket_display_id ?? sender.ticket_id) : null,
      agentFirstName: sender ? agentFirstName(sender.agent_label) : null,
      phrase,
    };
  }

  /** Where a tenant's links point: its custom link domain when it has one, else the public URL. */
  async function linkBase(tenantId: string, slug: string, publicUrl: string): Promise<string> {
    const row = await repo.findBranding(db, tenantId);
    const base = row?.link_domain ? `https://${row.link_domain}` : publicUrl;
    return linkBaseFor(base, slug, tenantId === DEFAULT_TENANT_ID);
  }

  /** The tenant of a request to `/api/v1/...` without a slug: the custom link domain it came to, else the default. */
  async function tenantOfHost(host: string | undefined): Promise<PublicTenant> {
    const name = host?.toLowerCase().replace(/:\d+$/, '');
    const found = name ? await repo.tenantOfLinkDomain(db, name) : undefined;
    return found ? { id: found.id, slug: found.slug } : { id: DEFAULT_TENANT_ID, slug: undefined };
  }

  /**
   * The check page: did THIS bank issue the link (or bare id) and is it active. A link must point at one of this
   * tenant's origins (the public URL or its link domain) and carry its path; anything else is `not_issued`. The
   * fragment (the key) is never needed: the page strips it before sending, and it is ignored here.
   */
  async function check(t: PublicTenant, input: string, publicOrigins: readonly string[]): Promise<LinkCheckResult> {
    const id = await idOfLink(t, input.trim(), publicOrigins);
    if (id === undefined) return { result: 'not_issued' };
    const status = await repo.linkStatus(db, t.id, id);
    return { result: status.active ? 'active' : status.issued ? 'inactive' : 'not_issued' };
  }

  async function idOfLink(t: PublicTenant, input: string, publicOrigins: readonly string[]): Promise<string | undefined> {
    const bare = SecretIdSchema.safeParse(input);
    if (bare.success) return bare.data;
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      return undefined;
    }
    const row = await repo.findBranding(db, t.id);
    const origins = [...publicOrigins, ...(row?.link_domain ? [`https://${row.link_domain}`] : [])];
    if (!origins.includes(url.origin) || url.username !== '' || url.password !== '' || url.search !== '') return undefined;
    const prefix = t.slug === undefined ? '' : `/t/${t.slug}`;
    const match = new RegExp(`^${prefix}/s/([A-Za-z0-9_-]{22})$`).exec(url.pathname);
    return match?.[1];
  }

  return { getAdmin, put, remove, publicBranding, logo, phraseFor, linkTrust, linkBase, tenantOfHost, check };
}

export type BrandingService = ReturnType<typeof createBrandingService>;

function toAdminView(row: repo.BrandingRow): BrandingAdminView {
  return {
    displayName: row.display_name,
    brandColor: row.brand_color,
    hasLogo: row.has_logo,
    supportPhone: row.support_phone,
    supportUrl: row.support_url,
    linkDomain: row.link_domain,
    updatedAt: row.updated_at,
  };
}
