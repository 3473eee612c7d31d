import { Router } from 'express';
import { CHANGE_REASON_HEADER, VerificationPolicySchema } from '@vouchsafe/contracts';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { adminActor } from '../operators/operator-auth';
import type { ChangesService } from '../changes/changes.service';
import type { PolicyService } from './policy.service';

/**
 * `/api/v1/admin/tenants/:slug/policy`: the tenant's verification policy (versioned, audited); app.ts mounts it
 * behind adminAccess (an admin token or operator). Each version records who stored it (adminActor). With four eyes
 * (the default) a PUT validates as always, then waits for a second person: 202 ChangeAccepted (modules/changes).
 */
export function policyAdminRoutes(service: Pick<PolicyService, 'show'>, changes: Pick<ChangesService, 'submitPolicy'>): Router {
  const router = Router({ mergeParams: true });
  router.use(noStore);

  router.get('/', async (req, res) => {
    res.json(await service.show(String((req.params as Record<string, string | undefined>).slug ?? '')));
  });

  router.put('/', jsonBody('64kb'), async (req, res) => {
    const input = VerificationPolicySchema.parse(req.body);
    const slug = String((req.params as Record<string, string | undefined>).slug ?? '');
    const submitted = await changes.submitPolicy(slug, input, adminActor(req), req.get(CHANGE_REASON_HEADER));
    if (!submitted.isApplied) {
      req.log.info({ tenant: slug, change: submitted.accepted.change.id }, 'verification policy change waits for approval');
      res.status(202).json(submitted.accepted);
      return;
    }
    req.log.info({ tenant: slug, policyVersion: submitted.result.version }, 'verification policy changed');
    res.json(submitted.result);
  });

  return router;
}
