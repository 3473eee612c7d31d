import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  DESKS,
  type Desk,
  type SessionResponse,
  JiraSessionRequestSchema,
  SESSION_HEADER,
  ServiceNowSessionRequestSchema,
  ZendeskSessionRequestSchema,
} from '@vouchsafe/contracts';
import { decodeJwt } from 'jose';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { SessionRejection, toAppError, type RejectionSink } from './session-rejection';
import type { SessionsService } from './sessions.service';

export interface SessionRoutesDeps {
  sessions: SessionsService;
  metrics?: RejectionSink;
}

/** Counts and logs a rejection (reason only, never the token) and answers one fixed 401. */
function rejectionHandler(deps: SessionRoutesDeps, desk: string) {
  return (err: unknown, req: Request, _res: Response, next: NextFunction) => {
    if (!(err instanceof SessionRejection)) {
      next(err);
      return;
    }
    deps.metrics?.sessionRejections.inc({ desk, reason: err.reason });
    req.log.warn({ desk, reason: err.reason, detail: err.detail }, 'session rejected');
    next(toAppError(err));
  };
}

const bearer = (req: Request): string | undefined => /^Bearer\s+(\S{16,8192})$/i.exec(req.get('authorization') ?? '')?.[1];

/** `/api/v1/sessions/*`: exchange a host-signed token for a Vouchsafe sidebar session. */
export function sessionRoutes(deps: SessionRoutesDeps): Router {
  const router = Router();
  const smallJson = jsonBody('16kb');
  router.use(noStore);

  const exchange =
    (desk: Desk, run: (req: Request) => Promise<SessionResponse>) => async (req: Request, res: Response, next: NextFunction) => {
      try {
        res.json(await run(req));
      } catch (err) {
        rejectionHandler(deps, desk)(err, req, res, next);
      }
    };

  router.post(
    '/zendesk',
    smallJson,
    exchange('zendesk', (req) => {
      const body = ZendeskSessionRequestSchema.parse(req.body);
      return deps.sessions.zendesk(body.token, body.ticketId);
    }),
  );

  router.post(
    '/servicenow',
    smallJson,
    exchange('servicenow', (req) => {
      const body = ServiceNowSessionRequestSchema.parse(req.body);
      return deps.sessions.servicenow(body.token, { table: body.table, sysId: body.sysId });
    }),
  );

  router.post(
    '/jira',
    smallJson,
    exchange('jira', async (req) => {
      const body = JiraSessionRequestSchema.parse(req.body);
      const token = bearer(req);
      if (!token) throw new SessionRejection('token_missing');
      return deps.sessions.jira(token, body.issueKey);
    }),
  );

  router.post('/renew', async (req, res, next) => {
    let desk = deskHint(req);
    try {
      const session = await deps.sessions.verify(sessionToken(req));
      desk = session.desk;
      res.json(await deps.sessions.renew(session));
    } catch (err) {
      rejectionHandler(deps, desk)(err, req, res, next);
    }
  });

  return router;
}

function sessionToken(req: Request): string {
  const token = req.get(SESSION_HEADER);
  if (!token || token.length > 8192) throw new SessionRejection('token_missing');
  return token;
}

/** The desk a (possibly forged) session claims, for the metric label only; bounded to known desks. */
function deskHint(req: Request): string {
  try {
    const dsk = decodeJwt(req.get(SESSION_HEADER) ?? '').dsk;
    return (DESKS as readonly unknown[]).includes(dsk) ? String(dsk) : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Guards the sidebar routes: a valid, unexpired session whose tenant still exists. Sets
 * `req.session` and `req.tenantId`; every sidebar query then scopes by both tenant and ticket.
 */
export function requireSession(deps: SessionRoutesDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const session = await deps.sessions.verify(sessionToken(req));
      req.session = {
        tenantId: session.tenantId,
        desk: session.desk,
        ticketId: session.ticketId,
        ticketDisplayId: session.ticketDisplayId,
        agentId: session.agentId,
        agentLabel: session.agentLabel,
        expiresAt: session.expiresAt,
      };
      req.tenantId = session.tenantId;
      req.log = req.log.child({ tenant: session.tenantId, desk: session.desk, ticket: session.ticketId });
      next();
    } catch (err) {
      rejectionHandler(deps, deskHint(req))(err, req, res, next);
    }
  };
}
