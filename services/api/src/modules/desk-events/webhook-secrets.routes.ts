import { Router, type Request } from 'express';
import { WebhookSecretRequestSchema } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { adminActor, adminTenants } from '../operators/operator-auth';
import type { WebhookSecrets } from './webhook-secrets';

/**
 * `/api/v1/admin/tenants/:slug/webhook-secret`: the tenant's desk webhook signing secret (issue 12); app.ts mounts it
 * behind adminAccess. PUT {secret} sets or replaces it (204), GET says whether one is set (never the secret), DELETE
 * removes it. Like the desk credentials of tenant registration it is not a four-eyes change: it only lets the desk's
 * own events in, and weakens nothing (a wrong secret refuses every delivery). Each change is audited with the actor.
 */
export function webhookSecretAdminRoutes(secrets: Pick<WebhookSecrets, 'set' | 'remove' | 'isSet'>): Router {
  const router = Router({ mergeParams: true });
  router.use(noStore);
  const slugOf = (req: Request): string => {
    const slug = String((req.params as Record<string, string | undefined>).slug ?? '');
    const allowed = adminTenants(req);
    if (allowed !== null && !allowed.includes(slug))
      throw new AppError('not_found', `There is no help-desk tenant "${slug.slice(0, 40)}".`);
    return slug;
  };

  router.get('/', async (req, res) => {
    res.json(await secrets.isSet(slugOf(req)));
  });
  router.put('/', jsonBody('8kb'), async (req, res) => {
    const { secret } = WebhookSecretRequestSchema.parse(req.body);
    const slug = slugOf(req);
    await secrets.set(slug, secret, adminActor(req).actor);
    req.log.info({ tenant: slug }, 'desk webhook secret set');
    res.status(204).end();
  });
  router.delete('/', async (req, res) => {
    const slug = slugOf(req);
    if (!(await secrets.remove(slug, adminActor(req).actor))) throw new AppError('not_found', `Tenant "${slug}" has no webhook secret.`);
    req.log.info({ tenant: slug }, 'desk webhook secret removed');
    res.status(204).end();
  });
  return router;
}
