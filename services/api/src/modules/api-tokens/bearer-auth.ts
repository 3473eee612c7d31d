import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../errors';
import type { Metrics } from '../../metrics';
import type { Limit, RateLimits } from '../rate-limits/rate-limits';
import { findApiToken, type ApiToken, type ApiTokenScope } from './api-tokens';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      /** The API token that authenticated this request (set by bearerAuth). */
      apiToken?: ApiToken;
    }
  }
}

/**
 * Failed API-token authentication per client network (IPv4 address, IPv6 /64), across all processes:
 * after this many unknown tokens in the window, the network gets 429 before any token is compared.
 */
export const AUTH_FAILURES: Limit = { bucket: 'auth-failures', limit: 10, windowSeconds: 15 * 60 };

export type AuthFailureReason = 'missing' | 'unknown' | 'scope' | 'throttled';

export interface BearerAuthDeps {
  /** The bootstrap tokens of `VOUCHSAFE_API_TOKENS`. */
  tokens: readonly ApiToken[];
  /** Tokens created at run time (api-tokens.service): the live, unexpired one a presented value belongs to. */
  findStored?: (presented: string) => Promise<ApiToken | undefined>;
  limits: Pick<RateLimits, 'blockedFor' | 'count'>;
  metrics: Pick<Metrics, 'apiAuthFailures'>;
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * `bearerAuth(scope)`: the request must carry a configured API token that has `scope` (S13).
 * - no `Authorization: Bearer …` → 401 (`missing`);
 * - the client network has too many failures → 429 + Retry-After, before any comparison (`throttled`);
 * - a token that matches no entry → 401, counted against the network (`unknown`);
 * - a valid token without the scope → 403 naming the scope, never the token (`scope`).
 * On success the request's logger and `req.apiToken` carry the token's name.
 */
export function createBearerAuth(deps: BearerAuthDeps) {
  const refuse = (reason: AuthFailureReason, error: AppError) => {
    deps.metrics.apiAuthFailures.inc({ reason });
    return error;
  };

  return (scope: ApiTokenScope) =>
    async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
      const presented = BEARER.exec(req.get('authorization') ?? '')?.[1];
      if (presented === undefined) {
        throw refuse('missing', new AppError('unauthorized', 'A valid API token is required (Authorization: Bearer <token>).'));
      }
      const waitSeconds = await deps.limits.blockedFor(AUTH_FAILURES, req);
      if (waitSeconds !== undefined) {
        throw refuse(
          'throttled',
          new AppError('rate_limited', `Too many failed API-token attempts from your network. Try again in ${waitSeconds} seconds.`, {
            retryAfterSeconds: waitSeconds,
          }),
        );
      }
      const token = findApiToken(deps.tokens, presented) ?? (await deps.findStored?.(presented));
      if (!token) {
        await deps.limits.count(AUTH_FAILURES, req);
        throw refuse('unknown', new AppError('unauthorized', 'A valid API token is required (Authorization: Bearer <token>).'));
      }
      req.apiToken = token;
      req.log = req.log.child({ tokenName: token.name });
      if (!token.scopes.includes(scope)) {
        throw refuse('scope', new AppError('forbidden', `This API token does not have the "${scope}" scope this endpoint needs.`));
      }
      next();
    };
}

export type BearerAuth = ReturnType<typeof createBearerAuth>;

/** The authenticated token of a request behind bearerAuth; a route reached without one is a wiring bug. */
export function requireApiToken(req: Request): ApiToken {
  if (!req.apiToken) throw new AppError('internal', 'Something went wrong on our side.', { detail: 'route reached without bearerAuth' });
  return req.apiToken;
}
