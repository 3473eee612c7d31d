import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { OPERATOR_CSRF_HEADER, type OperatorRole } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import type { BearerAuth } from '../api-tokens/bearer-auth';
import { safeEqual } from '../../providers/oidc/oidc.claims';
import type { OperatorCookies } from './operator-cookies';
import { operatorActor } from './operator-identity';
import type { OperatorMetrics } from './operator-metrics';
import type { OperatorSession, OperatorTokens } from './operator-session';
import type { OperatorSettings } from './operator-settings';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      /** The signed-in operator of this request (set by operatorAuth). */
      operator?: {
        actor: string;
        label: string;
        roles: readonly OperatorRole[];
        /** Tenant slugs this operator may review (VOUCHSAFE_OPERATOR_TENANTS); null = every tenant. */
        tenants: readonly string[] | null;
        session: OperatorSession;
      };
    }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OperatorAuthDeps {
  settings: OperatorSettings | undefined;
  tokens: OperatorTokens;
  cookies: OperatorCookies;
  metrics: OperatorMetrics;
}

/**
 * `operatorAuth(role?)`: the request must carry a live operator session cookie (401 otherwise), non-GET requests the
 * session's CSRF token in `X-Vouchsafe-CSRF` (403), and the session `role` when one is named (403). A session used a
 * minute or more after its token was made gets a fresh cookie (idle expiry slides; the absolute end never moves).
 * Sets `req.operator` and the request logger's `operator` (the actor).
 */
export function createOperatorAuth(deps: OperatorAuthDeps) {
  const refuse = (reason: 'no_session' | 'csrf' | 'role', error: AppError) => {
    deps.metrics.requestsRefused.inc({ reason });
    return error;
  };
  return (role?: OperatorRole): RequestHandler =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      if (!deps.settings) throw new AppError('not_found', 'Operator sign-in is not configured on this server.');
      const token = deps.cookies.read(req, deps.cookies.session);
      let session = token === undefined ? undefined : await deps.tokens.openSession(token);
      if (!session) throw refuse('no_session', new AppError('unauthorized', 'Your sign-in has ended. Sign in again to continue.'));
      if (!SAFE_METHODS.has(req.method)) {
        const presented = req.get(OPERATOR_CSRF_HEADER);
        if (presented === undefined || !safeEqual(presented, session.csrfToken)) {
          throw refuse(
            'csrf',
            new AppError('forbidden', 'This request did not carry the page’s CSRF token. Reload the page and try again.'),
          );
        }
      }
      if (role !== undefined && !session.roles.includes(role)) {
        throw refuse('role', new AppError('forbidden', `Your sign-in does not carry the "${role}" role this page needs.`));
      }
      if (deps.tokens.shouldRefresh(session)) {
        const fresh = await deps.tokens.mintSession(session);
        session = fresh.session;
        deps.cookies.set(res, deps.cookies.session, fresh.token, session.idleExpiresAt - session.issuedAt);
      }
      const actor = operatorActor(session.subject);
      req.operator = { actor, label: session.label, roles: session.roles, tenants: deps.settings.tenants, session };
      req.log = req.log.child({ operator: actor });
      next();
    };
}

export type OperatorAuth = ReturnType<typeof createOperatorAuth>;

/**
 * The reviewer API's guard (`/api/v1/audit`): EITHER an API token with the `auditor` scope (`Authorization: Bearer`)
 * OR an operator session with the `auditor` role. A request that presents a bearer token is judged as a token only
 * (no fallback to the cookie), so a script's bad token is never rescued by a browser session. An operator restricted
 * to some tenants (VOUCHSAFE_OPERATOR_TENANTS) gets 404 for any other tenant's `/t/{slug}/…`, like a tenant that
 * does not exist (S5).
 */
export function createAuditorAccess(deps: { settings: OperatorSettings | undefined; bearerAuth: BearerAuth; operatorAuth: OperatorAuth }) {
  const byToken = deps.bearerAuth('auditor');
  const bySession = deps.operatorAuth('auditor');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const isToken = req.get('authorization') !== undefined || !deps.settings;
    const guard = isToken ? byToken : bySession;
    await guard(req, res, (error?: unknown): void => {
      if (error !== undefined) {
        next(error);
        return;
      }
      const allowed = req.operator?.tenants ?? null;
      if (allowed !== null) {
        const slug = /^\/t\/([^/]+)/.exec(req.path)?.[1];
        if (slug !== undefined && !allowed.includes(decodeSlug(slug))) {
          next(new AppError('not_found', 'There is no such tenant.'));
          return;
        }
      }
      next();
    });
  };
}

function decodeSlug(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The admin API's guard (`/api/v1/admin`, issue 10): EITHER an API token with the `admin` scope OR an operator session
 * holding one of `roles` (default: `admin`; the change queue also admits `policy_approver`), with the CSRF header on
 * non-GET requests (operatorAuth). As for auditorAccess, a request presenting `Authorization` is judged as a token
 * only. An operator restricted by VOUCHSAFE_OPERATOR_TENANTS gets 404 for any other tenant's `/tenants/{slug}…` (S5);
 * lists are filtered with `adminTenants(req)`.
 */
export function createAdminAccess(deps: { settings: OperatorSettings | undefined; bearerAuth: BearerAuth; operatorAuth: OperatorAuth }) {
  const byToken = deps.bearerAuth('admin');
  const bySession = deps.operatorAuth();
  return (roles: readonly OperatorRole[] = ['admin']) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const isToken = req.get('authorization') !== undefined || !deps.settings;
      const guard = isToken ? byToken : bySession;
      await guard(req, res, (error?: unknown): void => {
        if (error !== undefined) {
          next(error);
          return;
        }
        if (req.operator) {
          if (!req.operator.roles.some((r) => roles.includes(r))) {
            next(new AppError('forbidden', `Your sign-in does not carry the ${roles.map((r) => `"${r}"`).join(' or ')} role this needs.`));
            return;
          }
          const allowed = req.operator.tenants;
          const slug = /^\/tenants\/([^/]+)/.exec(req.path)?.[1];
          if (allowed !== null && slug !== undefined && !allowed.includes(decodeSlug(slug))) {
            next(new AppError('not_found', `There is no help-desk tenant "${decodeSlug(slug).slice(0, 40)}".`));
            return;
          }
        }
        next();
      });
    };
}

export type AdminAccess = ReturnType<typeof createAdminAccess>;

/**
 * Who an admin request is, for audit rows and maker-checker (issue 10). `actor`: what made the request
 * (`operator:<sub>` or `api-token:<name>`). `person`: who is behind it — the operator, the operator who owns the
 * token (a token created by an operator acts as that person, so minting a second token never makes a second
 * person), else the ownerless token itself (bootstrap tokens: they may ask for changes, never decide them).
 * `label`: masked, for people. Behind adminAccess only.
 */
export interface AdminActor {
  actor: string;
  person: string;
  label: string;
  /** True for an operator session or a token with an owner: someone who may approve another person's change. */
  isPerson: boolean;
  roles: readonly OperatorRole[];
}

export function adminActor(req: Request): AdminActor {
  if (req.operator) {
    const { actor, label, roles } = req.operator;
    return { actor, person: actor, label, isPerson: true, roles };
  }
  if (req.apiToken) {
    const actor = `api-token:${req.apiToken.name}`;
    const owner = req.apiToken.owner;
    return owner
      ? { actor, person: owner.actor, label: `${owner.label} (token ${req.apiToken.name})`, isPerson: true, roles: ['admin'] }
      : { actor, person: actor, label: actor, isPerson: false, roles: ['admin'] };
  }
  throw new AppError('internal', 'Something went wrong on our side.', { detail: 'admin route reached without adminAccess' });
}

/** Tenant slugs an admin request may see (filter tenant and change lists with it); null = every tenant. */
export function adminTenants(req: Request): readonly string[] | null {
  return req.operator?.tenants ?? null;
}

/** Who a reviewer request is, for audit rows: `operator:<sub>` or `api-token:<name>`. Behind auditorAccess only. */
export function reviewActor(req: Request): string {
  if (req.operator) return req.operator.actor;
  if (req.apiToken) return `api-token:${req.apiToken.name}`;
  throw new AppError('internal', 'Something went wrong on our side.', { detail: 'reviewer route reached without auditorAccess' });
}

/** Tenant slugs a reviewer request may see (filter `GET /api/v1/audit/tenants` with it); null = every tenant. */
export function reviewerTenants(req: Request): readonly string[] | null {
  return req.operator?.tenants ?? null;
}
