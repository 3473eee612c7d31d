import { Router } from 'express';
import { z } from 'zod';
import { API_PATHS } from '@vouchsafe/contracts';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { actorOf, API_TOKEN_NAME, API_TOKEN_SCOPES } from './api-tokens';
import { requireApiToken } from './bearer-auth';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, type ApiTokensService } from './api-tokens.service';

export const CreateTokenSchema = z
  .object({
    name: z.string().regex(API_TOKEN_NAME, 'must be 1-32 letters, digits, "_", "." or "-", starting with a letter or digit'),
    scopes: z
      .array(z.enum(API_TOKEN_SCOPES))
      .min(1, 'name at least one scope')
      .refine((s) => new Set(s).size === s.length, 'lists a scope twice'),
    expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(DEFAULT_TOKEN_DAYS),
  })
  .strict();

/** `/api/v1/admin/api-tokens`: app.ts mounts it behind `bearerAuth('admin')`. The token is in the 201 answer only. */
export function apiTokenAdminRoutes(service: ApiTokensService): Router {
  const router = Router();
  router.use(noStore);

  router.post('/', jsonBody('4kb'), async (req, res) => {
    const body = CreateTokenSchema.parse(req.body);
    const created = await service.create(body, requireApiToken(req));
    req.log.info({ apiToken: created.name, scopes: created.scopes }, 'api token created');
    res.status(201).location(API_PATHS.adminApiToken(created.name)).json(created);
  });

  router.get('/', async (_req, res) => {
    res.json({ tokens: await service.list() });
  });

  router.delete('/:name', async (req, res) => {
    const name = String(req.params.name);
    await service.revoke(name, actorOf(requireApiToken(req)));
    req.log.info({ apiToken: name }, 'api token revoked');
    res.status(204).end();
  });

  return router;
}
