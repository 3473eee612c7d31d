import { Router, type Request } from 'express';
import { z } from 'zod';
import { API_PATHS } from '@vouchsafe/contracts';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { adminActor } from '../operators/operator-auth';
import { API_TOKEN_NAME, API_TOKEN_SCOPES, type ApiTokenScope } from './api-tokens';
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, type ApiTokensService, type TokenCreator } from './api-tokens.service';

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

/**
 * What an operator may put on a token: what their roles allow (an admin: `admin`, `secrets`, `metrics`; an auditor:
 * `auditor`). A token creator: the scopes of its own token.
 */
const SCOPES_OF_ROLE = { admin: ['admin', 'secrets', 'metrics'], auditor: ['auditor'], policy_approver: [] } as const;

function creatorOf(req: Request): TokenCreator {
  const who = adminActor(req);
  if (req.operator) {
    const grantable = [...new Set(req.operator.roles.flatMap((r): readonly ApiTokenScope[] => SCOPES_OF_ROLE[r]))];
    return { actor: who.actor, grantable, owner: { actor: who.person, label: who.label } };
  }
  return { actor: who.actor, grantable: req.apiToken?.scopes ?? [], owner: req.apiToken?.owner };
}

/**
 * `/api/v1/admin/api-tokens`: app.ts mounts it behind adminAccess. The token is in the 201 answer only. A token made by
 * an operator (or by a token an operator owns) records that operator as its owner and acts as them (maker-checker).
 */
export function apiTokenAdminRoutes(service: ApiTokensService): Router {
  const router = Router();
  router.use(noStore);

  router.post('/', jsonBody('4kb'), async (req, res) => {
    const body = CreateTokenSchema.parse(req.body);
    const created = await service.create(body, creatorOf(req));
    req.log.info({ apiToken: created.name, scopes: created.scopes }, 'api token created');
    res.status(201).location(API_PATHS.adminApiToken(created.name)).json(created);
  });

  router.get('/', async (_req, res) => {
    res.json({ tokens: await service.list() });
  });

  router.delete('/:name', async (req, res) => {
    const name = String(req.params.name);
    await service.revoke(name, adminActor(req).actor);
    req.log.info({ apiToken: name }, 'api token revoked');
    res.status(204).end();
  });

  return router;
}
