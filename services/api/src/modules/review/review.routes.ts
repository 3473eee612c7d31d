import { Router } from 'express';
import { noStore } from '../../http/middleware';
import { reviewActor, reviewerTenants } from './actor';
import type { ReviewService } from './review.service';

/**
 * The reviewer API under `/api/v1/audit` (contracts REVIEW_PATHS). No authentication in here: app.ts mounts it
 * behind `auditorAccess` (an `auditor` API token or an operator with the auditor role, whose tenant restriction that
 * guard enforces on `/t/{tenant}/…`); the actor comes from `reviewActor`. Unknown tenants, and receipts or tickets of
 * another tenant, answer 404.
 */
export function reviewRoutes(service: ReviewService): Router {
  const router = Router();
  router.use(noStore);

  router.get('/tenants', async (req, res) => {
    // An operator restricted to some tenants (VOUCHSAFE_OPERATOR_TENANTS) sees only those.
    const allowed = reviewerTenants(req);
    const all = await service.tenants();
    res.json(allowed === null ? all : all.filter((t) => allowed.includes(t.slug)));
  });

  router.get('/t/:tenant/events', async (req, res) => {
    res.json(await service.search(req.params.tenant, req.query, reviewActor(req)));
  });

  router.get('/t/:tenant/tickets/:ticketId/timeline', async (req, res) => {
    res.json(await service.timeline(req.params.tenant, req.params.ticketId, reviewActor(req)));
  });

  router.get('/t/:tenant/receipts/:receipt', async (req, res) => {
    res.json(await service.receipt(req.params.tenant, req.params.receipt, reviewActor(req)));
  });

  return router;
}
