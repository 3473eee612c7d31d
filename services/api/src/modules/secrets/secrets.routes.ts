import { Router, type RequestHandler } from 'express';
import {
  CreateSecretRequestSchema,
  REVOKE_TOKEN_HEADER,
  RevealRequestSchema,
  SecretIdSchema,
  VerifyRecipientRequestSchema,
} from '@vouchsafe/contracts';
import { secretGone } from '../../errors';
import { secretApiPathFor } from '../tenants/link-base';
import { shortId } from '../../lib/ids';
import { jsonBody } from '../../http/input';
import { createSecretBody } from './create-body';
import { clientIpOf, noStore } from '../../http/middleware';
import { clientNetwork } from '../../lib/client-ip';
import type { Request } from 'express';
import type { RecipientVerification } from './recipient-verification.service';
import type { RequestContext, SecretsService } from './secrets.service';

export interface SecretsRoutesOptions {
  maxFileBytes: number;
  /** `bearerAuth('secrets')`: who may create secrets. */
  canCreate: RequestHandler;
  /** The per-network limit of the public endpoints, shared by every process (modules/rate-limits). */
  publicLimit: RequestHandler;
}

const ctxOf = (req: Request): RequestContext => ({
  tenantId: req.tenantId,
  tenantSlug: req.tenantSlug,
  // Guesses are throttled per client network (IPv6 /64), not per address: see NOTES.md.
  clientNetwork: clientNetwork(req.ip),
  clientIp: clientIpOf(req),
});

/** A malformed id cannot exist: answer exactly like an unknown one. */
function parseId(raw: unknown): string {
  const parsed = SecretIdSchema.safeParse(raw);
  if (!parsed.success) throw secretGone();
  return parsed.data;
}

export function secretsRoutes(
  service: SecretsService,
  opts: SecretsRoutesOptions,
  recipients?: Pick<RecipientVerification, 'start'>,
): Router {
  const router = Router();
  const smallJson = jsonBody('8kb');
  const { publicLimit } = opts;

  router.use(noStore);

  router.post('/secrets', opts.canCreate, createSecretBody(opts.maxFileBytes), async (req, res) => {
    const body = CreateSecretRequestSchema.parse(req.body);
    const created = await service.create(ctxOf(req), body);
    req.log.info({ secret: shortId(created.id), kind: body.kind, views: body.views }, 'secret created');
    res.status(201).location(secretApiPathFor(req.tenantSlug, created.id)).json(created);
  });

  router.get('/secrets/:id', publicLimit, async (req, res) => {
    res.json(await service.getMetadata(ctxOf(req), parseId(req.params.id)));
  });

  router.post('/secrets/:id/reveal', publicLimit, smallJson, async (req, res) => {
    const id = parseId(req.params.id);
    const body = RevealRequestSchema.parse(req.body);
    res.json(await service.reveal(ctxOf(req), id, body));
  });

  // Verified-requester-only secrets: where to sign in (the IdP), coming back with a reveal grant.
  // Nothing is consumed here, but only a holder of the link (key check) may start it, and starts are
  // capped per secret and per customer; unknown, gone and ordinary secrets answer like a gone one.
  router.post('/secrets/:id/verify', publicLimit, smallJson, async (req, res) => {
    const id = parseId(req.params.id);
    const body = VerifyRecipientRequestSchema.parse(req.body);
    if (!recipients) throw secretGone();
    await service.checkLinkKey(ctxOf(req), id, body.keyCheck);
    const answer = await recipients.start(req.tenantId, id, body.method, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
    req.log.info({ secret: shortId(id), method: body.method }, 'recipient verification started');
    res.json(answer);
  });

  router.delete('/secrets/:id', publicLimit, async (req, res) => {
    const id = parseId(req.params.id);
    const token = req.get(REVOKE_TOKEN_HEADER);
    if (!token || token.length > 200) throw secretGone();
    await service.revoke(ctxOf(req), id, token);
    res.status(204).end();
  });

  return router;
}
