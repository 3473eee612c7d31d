import type { BearerAuth } from '../api-tokens/bearer-auth';
import type { Db } from '../../db/database';
import type { Keyring } from '../keys/keyring';
import type { Outbound } from '../../lib/outbound';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { RateLimits } from '../rate-limits/rate-limits';
import { createAdminAccess, createAuditorAccess, createOperatorAuth } from './operator-auth';
import { operatorCookies } from './operator-cookies';
import { createOperatorMetrics } from './operator-metrics';
import { createOperatorOidc } from './operator-oidc';
import { createOperatorTokens } from './operator-session';
import type { OperatorSettings } from './operator-settings';
import { operatorRoutes } from './operators.routes';

/** Sign-in starts and callbacks per client network per minute (a person signs in rarely; refusals are audited). */
export const OPERATOR_SIGN_IN_LIMIT = { bucket: 'operator-sign-in', limit: 60, windowSeconds: 60 };

export interface OperatorsInput {
  settings: OperatorSettings | undefined;
  db: Db;
  keyring: Keyring;
  logger: Logger;
  metrics: Pick<Metrics, 'registry'>;
  outbound: Outbound;
  bearerAuth: BearerAuth;
  limits: Pick<RateLimits, 'middleware'>;
  publicUrl: string | undefined;
  timeoutMs: number;
}

/**
 * Operator sign-in (modules/operators/NOTES.md), built once by the composition root: the routes (sign-in, callback,
 * sign-out, me), `operatorAuth(role)` for any console that needs a role, `auditorAccess` for `/api/v1/audit` and `adminAccess(roles)` for `/api/v1/admin`.
 */
export function setupOperators(input: OperatorsInput) {
  const { settings } = input;
  const tokens = createOperatorTokens(input.keyring);
  const cookies = operatorCookies(settings?.isSecure ?? false);
  const metrics = createOperatorMetrics(input.metrics.registry);
  const oidc = settings && createOperatorOidc(settings, { outbound: input.outbound, timeoutMs: input.timeoutMs });
  const operatorAuth = createOperatorAuth({ settings, tokens, cookies, metrics });
  return {
    settings,
    operatorAuth,
    auditorAccess: createAuditorAccess({ settings, bearerAuth: input.bearerAuth, operatorAuth }),
    /** Issue 10: `/api/v1/admin` takes an admin token or an operator session with (by default) the admin role. */
    adminAccess: createAdminAccess({ settings, bearerAuth: input.bearerAuth, operatorAuth }),
    routes: operatorRoutes({
      db: input.db,
      logger: input.logger,
      settings,
      oidc,
      tokens,
      cookies,
      metrics,
      operatorAuth,
      publicUrl: input.publicUrl,
      limit: input.limits.middleware(OPERATOR_SIGN_IN_LIMIT, 'Too many sign-in attempts from your network.'),
    }),
  };
}

export type Operators = ReturnType<typeof setupOperators>;
