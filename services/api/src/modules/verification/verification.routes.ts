import { Router, type Request, type RequestHandler } from 'express';
import {
  AcknowledgeFraudFlagRequestSchema,
  DeclineOverrideRequestSchema,
  EndVerificationRequestSchema,
  OverrideRequestSchema,
  StartVerificationRequestSchema,
  SubmitCodeRequestSchema,
} from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import type { SidebarSession } from '../sessions/session.types';
import type { VerificationEvents } from './verification-events';
import type { VerificationService } from './verification.service';

export interface VerificationRoutesDeps {
  service: VerificationService;
  /** undefined when this process has no LISTEN connection (the stream answers 503). */
  events: VerificationEvents | undefined;
  publicUrl: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sessionOf(req: Request): SidebarSession {
  if (!req.session)
    throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
  return req.session;
}

function idOf(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!UUID.test(id)) throw new AppError('not_found', 'There is no such verification on this ticket.');
  return id.toLowerCase();
}

/**
 * `/api/v1/sidebar/verifications*`, behind requireSession. There is deliberately no route that
 * writes a state: start, cancel, code, override request and approval only (S7).
 */
export function verificationRoutes(deps: VerificationRoutesDeps): Router {
  const router = Router();
  const small = jsonBody('4kb');
  router.use('/verifications', noStore);

  router.get('/verifications', async (req, res) => {
    res.json(await deps.service.overview(sessionOf(req)));
  });

  router.get('/verifications/events', async (req, res) => {
    const session = sessionOf(req);
    if (!deps.events) throw new AppError('not_ready', 'Live updates are not available on this server; reload to see the latest state.');
    await deps.events.handle(req, res, session);
  });

  router.post('/verifications', small, async (req, res) => {
    const session = sessionOf(req);
    const { method } = StartVerificationRequestSchema.parse(req.body);
    const publicUrl = deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const v = await deps.service.start(session, { method, callbackBase: `${publicUrl}/verify/callback`, publicUrl });
    req.log.info({ verification: v.id.slice(0, 8), method, state: v.state }, 'verification started');
    res.status(201).json(v);
  });

  // Ends the attempt early; `{reason}` says why (issue 16). No body or `{}` (older sidebars): no reason.
  const optionalBody: RequestHandler = (req, res, next) =>
    req.headers['content-type'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0 ? small(req, res, next) : next();
  router.post('/verifications/:id/cancel', optionalBody, async (req, res) => {
    const body: unknown = req.body;
    const reason = body === undefined ? undefined : EndVerificationRequestSchema.parse(body).reason;
    res.json(await deps.service.cancel(sessionOf(req), idOf(req), reason));
  });

  // Issue 16: a supervisor acknowledges the ticket's fraud flags (policy.supervisors; not on their own attempt).
  router.post('/verifications/fraud-flag/acknowledge', small, async (req, res) => {
    const { reason } = AcknowledgeFraudFlagRequestSchema.parse(req.body);
    res.json(await deps.service.acknowledgeFraudFlag(sessionOf(req), reason));
  });

  router.post('/verifications/:id/code', small, async (req, res) => {
    const { code } = SubmitCodeRequestSchema.parse(req.body);
    res.json(await deps.service.submitCode(sessionOf(req), idOf(req), code));
  });

  router.post('/verifications/:id/override', small, async (req, res) => {
    const { reason } = OverrideRequestSchema.parse(req.body);
    res.json(await deps.service.requestOverride(sessionOf(req), idOf(req), reason));
  });

  router.post('/verifications/:id/override/approve', async (req, res) => {
    res.json(await deps.service.approveOverride(sessionOf(req), idOf(req)));
  });

  router.post('/verifications/:id/override/decline', small, async (req, res) => {
    const { reason } = DeclineOverrideRequestSchema.parse(req.body);
    res.json(await deps.service.declineOverride(sessionOf(req), idOf(req), reason));
  });

  // Issue 16: the supervisor's queue across the tenant's tickets (API_PATHS.pendingOverrides).
  router.get('/overrides', noStore, async (req, res) => {
    res.json(await deps.service.pendingOverrides(sessionOf(req)));
  });

  return router;
}
