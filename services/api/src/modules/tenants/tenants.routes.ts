import { Router, type NextFunction, type Request, type Response } from 'express';
import { API_PATHS, TenantCreateRequestSchema } from '@vouchsafe/contracts';
import { AppError, secretGone } from '../../errors';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { adminActor, adminTenants } from '../operators/operator-auth';
import type { TenantsService } from './tenants.service';

/** `/api/v1/admin/tenants`: administration of help-desk tenants; app.ts mounts it behind adminAccess (an admin token or operator). */
export function tenantAdminRoutes(service: Pick<TenantsService, 'add' | 'list' | 'remove'>): Router {
  const router = Router();
  router.use(noStore);

  router.post('/', jsonBody('64kb'), async (req, res) => {
    const body = TenantCreateRequestSchema.parse(req.body);
    const allowed = adminTenants(req);
    if (allowed !== null && !allowed.includes(body.slug)) {
      throw new AppError('forbidden', 'Your sign-in is limited to some tenants (VOUCHSAFE_OPERATOR_TENANTS); it cannot add others.');
    }
    const created = await service.add(body, adminActor(req).actor);
    req.log.info({ tenant: created.slug, desk: created.desk }, 'tenant added');
    res.status(201).location(API_PATHS.adminTenant(created.slug)).json(created);
  });

  router.get('/', async (req, res) => {
    const allowed = adminTenants(req);
    const tenants = await service.list();
    res.json({ tenants: allowed === null ? tenants : tenants.filter((t) => allowed.includes(t.slug)) });
  });

  router.delete('/:slug', async (req, res) => {
    const slug = String(req.params.slug);
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(slug)) throw new AppError('not_found', 'There is no help-desk tenant with that slug.');
    await service.remove(slug, adminActor(req).actor);
    req.log.info({ tenant: slug }, 'tenant removed');
    res.status(204).end();
  });

  return router;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      /** Set by tenantFromPath for a help-desk tenant's public routes; undefined for the default tenant. */
      tenantSlug?: string;
    }
  }
}

/**
 * Mounted at `/api/v1/t/:tenant`: the public secret routes act on that tenant. An unknown slug
 * answers exactly like a gone secret, so the path is no tenant oracle.
 */
export function tenantFromPath(service: Pick<TenantsService, 'resolveSlug'>) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const tenant = await service.resolveSlug(String(req.params.tenant ?? ''));
    if (!tenant) {
      next(secretGone());
      return;
    }
    req.tenantId = tenant.id;
    req.tenantSlug = tenant.isDefault ? undefined : tenant.slug;
    req.log = req.log.child({ tenant: tenant.slug });
    next();
  };
}
