import { Router } from 'express';
import { noStore } from '../../http/middleware';
import { reviewActor } from './actor';
import type { ReviewService } from './review.service';

/**
 * The reviewer API under `/api/v1/audit` (contracts REVIEW_PATHS). No authentication in here: app.ts mounts it
 * behind `bearerAuth('auditor')` (and, later, an operator session with the auditor role); the actor comes from
 * `reviewActor`. Unknown tenants, and receipts or tickets of another tenant, answer 404.
 */
export function reviewRoutes(service: ReviewService): Router {
  const router = Router();
  router.use(noStore);

  router.get('/tenants', async (_req, res) => {
    res.json(await service.tenants());
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
