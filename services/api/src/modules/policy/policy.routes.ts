import express, { Router } from 'express';
import { VerificationPolicySchema } from '@vouchsafe/contracts';
import { noStore, requireJson } from '../../http/middleware';
import type { PolicyService } from './policy.service';

/** Who stored a version: the admin API knows only that a valid API token was presented. */
const CHANGED_BY_API_TOKEN = 'api-token';

/** `/api/v1/admin/tenants/:slug/policy`: the tenant's verification policy (versioned, audited); behind `bearerAuth('admin')`. */
export function policyAdminRoutes(service: PolicyService): Router {
  const router = Router({ mergeParams: true });
  router.use(noStore);

  router.get('/', async (req, res) => {
    res.json(await service.show(String((req.params as Record<string, string | undefined>).slug ?? '')));
  });

  router.put('/', requireJson, express.json({ limit: '64kb', strict: true }), async (req, res) => {
    const input = VerificationPolicySchema.parse(req.body);
    const slug = String((req.params as Record<string, string | undefined>).slug ?? '');
    const saved = await service.set(slug, input, CHANGED_BY_API_TOKEN);
    req.log.info({ tenant: slug, policyVersion: saved.version }, 'verification policy changed');
    res.json(saved);
  });

  return router;
}
