import { Router, type Request } from 'express';
import { CreateTicketSecretRequestSchema, SecretIdSchema, type CreateTicketSecretResponse } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError, secretGone } from '../../errors';
import { createSecretBody } from '../secrets/create-body';
import { clientIpOf, noStore, routinePoll } from '../../http/middleware';
import { clientNetwork } from '../../lib/client-ip';
import { shortId } from '../../lib/ids';
import type { TicketSecretsService } from '../secrets/ticket-secrets.service';
import type { SidebarSession } from '../sessions/session.types';
import type { BrandingService } from '../branding/branding.service';
import { findActiveById } from '../tenants/tenants.repository';

export interface SidebarRoutesDeps {
  db: Db;
  ticketSecrets: TicketSecretsService;
  /** Public base URL of the portal; the request's own origin when unset (as the vault routes do). */
  publicUrl: string | undefined;
  maxFileBytes: number;
  /** Issue 14: links on the tenant's custom link domain, and the phrase the agent reads out. */
  branding: Pick<BrandingService, 'linkBase' | 'phraseFor'>;
}

/** Mounted behind requireSession(): without a session these routes never run. */
function sessionOf(req: Request): SidebarSession {
  if (!req.session)
    throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
  return req.session;
}

const ctxOf = (req: Request) => ({ clientNetwork: clientNetwork(req.ip), clientIp: clientIpOf(req) });

/**
 * `/api/v1/sidebar/*`: the ticket's secrets for a verified session. Every query is scoped by the
 * session's tenant AND ticket; an id from anywhere else answers exactly like an unknown one (404).
 */
export function sidebarRoutes(deps: SidebarRoutesDeps): Router {
  const router = Router();
  router.use(noStore);

  router.post('/secrets', createSecretBody(deps.maxFileBytes), async (req, res) => {
    const session = sessionOf(req);
    const body = CreateTicketSecretRequestSchema.parse(req.body);
    const tenant = await findActiveById(deps.db, session.tenantId);
    if (!tenant)
      throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
    const created = await deps.ticketSecrets.create(session, ctxOf(req), body);
    const publicUrl = deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const answer: CreateTicketSecretResponse = {
      ...created,
      linkBase: await deps.branding.linkBase(tenant.id, tenant.slug, publicUrl),
      phrase: await deps.branding.phraseFor(tenant.id, created.id),
    };
    req.log.info(
      { secret: shortId(created.id), kind: body.kind, views: body.views, requiresVerification: body.requiresVerification },
      'ticket secret created',
    );
    res.status(201).json(answer);
  });

  router.get('/secrets', routinePoll, async (req, res) => {
    res.json(await deps.ticketSecrets.list(sessionOf(req)));
  });

  router.delete('/secrets/:id', async (req, res) => {
    const session = sessionOf(req);
    const id = SecretIdSchema.safeParse(req.params.id);
    if (!id.success) throw secretGone();
    await deps.ticketSecrets.revoke(session, ctxOf(req), id.data);
    req.log.info({ secret: shortId(id.data) }, 'ticket secret revoked');
    res.status(204).end();
  });

  return router;
}
