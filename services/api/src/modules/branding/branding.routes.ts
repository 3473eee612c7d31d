import { Router, type Request, type RequestHandler } from 'express';
import { API_PREFIX, BrandingUpdateSchema, LinkCheckRequestSchema, LinkTrustRequestSchema, SecretIdSchema } from '@vouchsafe/contracts';
import { AppError, secretGone } from '../../errors';
import { jsonBody } from '../../http/input';
import { clientIpOf, noStore } from '../../http/middleware';
import { clientNetwork } from '../../lib/client-ip';
import { adminActor, adminTenants } from '../operators/operator-auth';
import type { Limit } from '../rate-limits/rate-limits';
import type { BrandingService, PublicTenant } from './branding.service';

const slugOf = (req: Request) => String((req.params as Record<string, string | undefined>).slug ?? '');

function requireTenantAllowed(req: Request): string {
  const slug = slugOf(req);
  const allowed = adminTenants(req);
  // Like an unknown tenant: a sign-in limited to other tenants learns nothing about this one.
  if (allowed !== null && !allowed.includes(slug)) throw new AppError('not_found', 'There is no help-desk tenant with that slug.');
  return slug;
}

/**
 * `/api/v1/admin/tenants/:slug/branding`: behind adminAccess (app.ts). Applied at once and audited
 * (`tenant.branding_set`): branding changes how pages look and where links point, never who is verified (NOTES.md).
 */
export function brandingAdminRoutes(service: Pick<BrandingService, 'getAdmin' | 'put' | 'remove'>): Router {
  const router = Router({ mergeParams: true });
  router.use(noStore);

  router.get('/', async (req, res) => {
    res.json(await service.getAdmin(requireTenantAllowed(req)));
  });

  // The logo travels as base64 inside the JSON: 64 KiB decoded is about 87 KiB encoded.
  router.put('/', jsonBody('128kb'), async (req, res) => {
    const slug = requireTenantAllowed(req);
    const view = await service.put(slug, BrandingUpdateSchema.parse(req.body), adminActor(req).actor);
    req.log.info({ tenant: slug }, 'tenant branding set');
    res.json(view);
  });

  router.delete('/', async (req, res) => {
    const slug = requireTenantAllowed(req);
    await service.remove(slug, adminActor(req).actor);
    req.log.info({ tenant: slug }, 'tenant branding removed');
    res.status(204).end();
  });

  return router;
}

export interface BrandingPublicOptions {
  /** The per-network limit of the public endpoints (the secrets routes' own). */
  publicLimit: RequestHandler;
  /** The check page's own, stricter per-network limit. */
  checkLimit: RequestHandler;
  /** VOUCHSAFE_PUBLIC_URL; the request's own origin when unset (development). */
  publicUrl: string | undefined;
}

/**
 * Public routes, mounted at `/api/v1/t/:tenant` (after tenantFromPath) and at `/api/v1`. Without a slug in the path
 * the tenant is the one whose custom link domain the request came to, else the default tenant.
 */
export function brandingPublicRoutes(service: BrandingService, opts: BrandingPublicOptions): Router {
  const router = Router();

  const tenantOf = async (req: Request): Promise<PublicTenant> =>
    req.baseUrl.startsWith(`${API_PREFIX}/t/`) ? { id: req.tenantId, slug: req.tenantSlug } : service.tenantOfHost(req.get('host'));

  router.get('/branding', opts.publicLimit, noStore, async (req, res) => {
    res.json(await service.publicBranding(await tenantOf(req)));
  });

  router.get('/branding/logo.png', opts.publicLimit, async (req, res) => {
    const png = await service.logo((await tenantOf(req)).id);
    if (!png) throw new AppError('not_found', 'This bank has no logo.');
    res
      .set({
        'Content-Type': 'image/png',
        'Content-Security-Policy': "default-src 'none'",
        'X-Content-Type-Options': 'nosniff',
        // The URL carries the version (`?v=`): a new logo is a new URL.
        'Cache-Control': 'public, max-age=3600',
      })
      .send(png);
  });

  router.post('/secrets/:id/trust', opts.publicLimit, noStore, jsonBody('8kb'), async (req, res) => {
    const id = SecretIdSchema.safeParse(req.params.id);
    if (!id.success) throw secretGone();
    const body = LinkTrustRequestSchema.parse(req.body);
    const ctx = { tenantId: req.tenantId, tenantSlug: req.tenantSlug, clientNetwork: clientNetwork(req.ip), clientIp: clientIpOf(req) };
    res.json(await service.linkTrust(ctx, { id: req.tenantId, slug: req.tenantSlug }, id.data, body.keyCheck));
  });

  router.post('/link-check', opts.checkLimit, noStore, jsonBody('8kb'), async (req, res) => {
    const body = LinkCheckRequestSchema.safeParse(req.body);
    const origins = [opts.publicUrl ? new URL(opts.publicUrl).origin : `${req.protocol}://${req.get('host') ?? 'localhost'}`];
    // Constant shape: a malformed question is answered like a link this bank did not issue.
    res.json(body.success ? await service.check(await tenantOf(req), body.data.link, origins) : { result: 'not_issued' });
  });

  return router;
}

/** The check page's limit per client network: enough for a person, too few to sweep ids (NOTES.md). */
export const linkCheckLimit = (): Limit => ({ bucket: 'link-check', limit: 20, windowSeconds: 60 });
