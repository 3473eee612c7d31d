import { Router, type Request } from 'express';
import { z } from 'zod';
import { ApproveChangeRequestSchema, RejectChangeRequestSchema } from '@vouchsafe/contracts';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { adminActor, adminTenants } from '../operators/operator-auth';
import type { ChangesService } from './changes.service';

const ListQuerySchema = z.object({
  state: z.enum(['pending', 'all']).default('pending'),
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be a tenant slug')
    .optional(),
});

const idOf = (req: Request) => String(req.params.id);

/**
 * `/api/v1/admin/changes` (contracts ADMIN_CHANGE_PATHS): the maker-checker queue. app.ts mounts it behind
 * adminAccess(['admin', 'policy_approver']): an approver may read and decide, not make changes.
 */
export function changeRoutes(service: ChangesService): Router {
  const router = Router();
  router.use(noStore);

  router.get('/', async (req, res) => {
    const q = ListQuerySchema.parse(req.query);
    res.json(
      await service.list(
        adminActor(req),
        q.tenant === undefined ? { state: q.state } : { state: q.state, tenant: q.tenant },
        adminTenants(req),
      ),
    );
  });

  router.get('/:id', async (req, res) => {
    res.json(await service.show(idOf(req), adminActor(req), adminTenants(req)));
  });

  router.post('/:id/approve', jsonBody('4kb'), async (req, res) => {
    const body = ApproveChangeRequestSchema.parse(req.body ?? {});
    const change = await service.approve(idOf(req), adminActor(req), adminTenants(req), body.reason);
    req.log.info({ change: change.id, tenant: change.tenant, kind: change.kind }, 'change approved and applied');
    res.json(change);
  });

  router.post('/:id/reject', jsonBody('4kb'), async (req, res) => {
    const body = RejectChangeRequestSchema.parse(req.body);
    const change = await service.reject(idOf(req), adminActor(req), adminTenants(req), body.reason);
    req.log.info({ change: change.id, tenant: change.tenant, kind: change.kind }, 'change rejected');
    res.json(change);
  });

  router.post('/:id/withdraw', async (req, res) => {
    const change = await service.withdraw(idOf(req), adminActor(req), adminTenants(req));
    req.log.info({ change: change.id, tenant: change.tenant, kind: change.kind }, 'change withdrawn');
    res.json(change);
  });

  return router;
}
