import { Router } from 'express';
import { VerificationPolicySchema } from '@vouchsafe/contracts';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { adminActor } from '../operators/operator-auth';
import type { PolicyService } from './policy.service';

/**
 * `/api/v1/admin/tenants/:slug/policy`: the tenant's verification policy (versioned, audited); app.ts mounts it
 * behind adminAccess (an admin token or operator). Each version records the token that stored it (`api-token:<name>`).
 */
export function policyAdminRoutes(service: PolicyService): Router {
  const router = Router({ mergeParams: true });
  router.use(noStore);

  router.get('/', async (req, res) => {
    res.json(await service.show(String((req.params as Record<string, string | undefined>).slug ?? '')));
  });

  router.put('/', jsonBody('64kb'), async (req, res) => {
    const input = VerificationPolicySchema.parse(req.body);
    const slug = String((req.params as Record<string, string | undefined>).slug ?? '');
    const saved = await service.set(slug, input, adminActor(req).actor);
    req.log.info({ tenant: slug, policyVersion: saved.version }, 'verification policy changed');
    res.json(saved);
  });

  return router;
}
