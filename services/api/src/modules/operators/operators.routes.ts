import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { OPERATOR_CONSOLES, OPERATOR_CSRF_HEADER, OPERATOR_PATHS, type OperatorMe } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { sendPage } from '../../http/page';
import { noStore } from '../../http/middleware';
import { truncateIp } from '../../lib/client-ip';
import type { Logger } from '../../logger';
import { safeEqual } from '../../providers/oidc/oidc.claims';
import { recordOperatorEvent } from './operator-audit.repository';
import type { OperatorAuth } from './operator-auth';
import type { OperatorCookies } from './operator-cookies';
import { operatorActor, operatorLabel, operatorSubject } from './operator-identity';
import type { OperatorMetrics } from './operator-metrics';
import type { OperatorOidc, SignInRefusal } from './operator-oidc';
import { rolesFromClaims } from './operator-roles';
import { SIGN_IN_SECONDS, randomToken, type OperatorTokens } from './operator-session';
import type { OperatorSettings } from './operator-settings';

export interface OperatorRoutesDeps {
  db: Db;
  logger: Logger;
  settings: OperatorSettings | undefined;
  oidc: OperatorOidc | undefined;
  tokens: OperatorTokens;
  cookies: OperatorCookies;
  metrics: OperatorMetrics;
  operatorAuth: OperatorAuth;
  /** VOUCHSAFE_PUBLIC_URL; without it (development) the request's own origin. */
  publicUrl: string | undefined;
  /** Per client network, on the sign-in start and the callback. */
  limit: RequestHandler;
}

/** What the person is told on a refused sign-in (the reason code is in the audit row and the metric). */
const REFUSAL_TEXT: Record<SignInRefusal, string> = {
  no_sign_in: 'This sign-in was not started from this browser, or it took longer than 10 minutes.',
  state_mismatch: 'The identity provider’s answer does not belong to the sign-in this browser started.',
  idp_denied: 'The sign-in was cancelled at the identity provider.',
  idp_error: 'The identity provider ended the sign-in with an error.',
  issuer_mismatch: 'The answer came from another identity provider than the one configured.',
  token_refused: 'The identity provider refused to finish the sign-in (check the client registration).',
  bad_token: 'The identity provider’s answer could not be trusted (token checks failed).',
  nonce_mismatch: 'The identity provider’s answer does not belong to this sign-in (nonce mismatch).',
  no_role: 'You signed in, but your account carries no Vouchsafe role. Ask your administrator for the reviewer role.',
  idp_unavailable: 'The identity provider could not be reached. Try again in a moment.',
  misconfigured: 'Operator sign-in is not set up correctly on this server.',
};

const AGAIN = ' Open /review/ to start again.';

export function operatorRoutes(deps: OperatorRoutesDeps): Router {
  const router = express.Router();
  const { cookies, tokens, metrics } = deps;
  const redirectUri = (req: Request) =>
    `${deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`}${OPERATOR_PATHS.callback}`;
  const notConfigured = () => new AppError('not_found', 'Operator sign-in is not configured on this server.');

  async function refuse(req: Request, res: Response, reason: SignInRefusal, who: Record<string, unknown> = {}): Promise<void> {
    metrics.signIns.inc({ outcome: 'refused', reason });
    await recordOperatorEvent(deps.db, 'operator.sign_in_refused', { reason, ...who, client: truncateIp(req.ip) });
    req.log.info({ reason }, 'operator sign-in refused');
    const status = reason === 'idp_unavailable' ? 502 : reason === 'misconfigured' ? 500 : 403;
    sendPage(res, status, 'Sign-in refused', REFUSAL_TEXT[reason] + AGAIN);
  }

  router.get(OPERATOR_PATHS.signIn, noStore, deps.limit, async (req, res) => {
    if (!deps.settings || !deps.oidc) throw notConfigured();
    const asked = typeof req.query.return === 'string' ? req.query.return : '';
    const returnTo = (OPERATOR_CONSOLES as readonly string[]).includes(asked) ? asked : OPERATOR_CONSOLES[0];
    const pending = { state: randomToken(32), nonce: randomToken(32), codeVerifier: randomToken(48), returnTo };
    const started = await deps.oidc.authorizationUrl(pending, redirectUri(req));
    if ('reason' in started) {
      req.log.warn({ reason: started.reason }, 'operator sign-in could not start');
      sendPage(res, started.reason === 'idp_unavailable' ? 502 : 500, 'Sign-in unavailable', REFUSAL_TEXT[started.reason]);
      return;
    }
    cookies.set(res, cookies.signIn, await tokens.sealSignIn(pending), SIGN_IN_SECONDS);
    res.redirect(303, started.url);
  });

  router.get(OPERATOR_PATHS.callback, noStore, deps.limit, async (req, res) => {
    if (!deps.settings || !deps.oidc) throw notConfigured();
    const settings = deps.settings;
    // One use: the sign-in cookie goes whatever the answer.
    const sealed = cookies.read(req, cookies.signIn);
    cookies.clear(res, cookies.signIn);
    const pending = sealed === undefined ? undefined : await tokens.openSignIn(sealed);
    if (!pending) return refuse(req, res, 'no_sign_in');
    const result = await deps.oidc.finish(pending, req.query, redirectUri(req));
    if (!result.ok) return refuse(req, res, result.reason);

    const subject = operatorSubject(result.claims.sub);
    const who = { actor: operatorActor(subject), label: operatorLabel(result.claims, subject) };
    const roles = rolesFromClaims(result.claims, settings.rolesClaim, settings.roleValues);
    if (roles.length === 0) return refuse(req, res, 'no_role', who);

    const { token, session } = await tokens.mintSession({ subject, label: who.label, roles });
    await recordOperatorEvent(deps.db, 'operator.signed_in', { ...who, roles, client: truncateIp(req.ip) });
    metrics.signIns.inc({ outcome: 'signed_in', reason: '' });
    req.log.info({ operator: who.actor, roles }, 'operator signed in');
    cookies.set(res, cookies.session, token, session.idleExpiresAt - session.issuedAt);
    res.redirect(303, pending.returnTo);
  });

  router.post(OPERATOR_PATHS.signOut, noStore, async (req, res) => {
    if (!deps.settings) throw notConfigured();
    const sealed = cookies.read(req, cookies.session);
    const session = sealed === undefined ? undefined : await tokens.openSession(sealed);
    if (session) {
      const presented = req.get(OPERATOR_CSRF_HEADER);
      if (presented === undefined || !safeEqual(presented, session.csrfToken)) {
        metrics.requestsRefused.inc({ reason: 'csrf' });
        throw new AppError('forbidden', 'This request did not carry the page’s CSRF token. Reload the page and try again.');
      }
      const actor = operatorActor(session.subject);
      await recordOperatorEvent(deps.db, 'operator.signed_out', { actor, label: session.label, client: truncateIp(req.ip) });
      metrics.signOuts.inc();
      req.log.info({ operator: actor }, 'operator signed out');
    }
    cookies.clear(res, cookies.session);
    res.status(204).end();
  });

  router.get(OPERATOR_PATHS.me, noStore, deps.operatorAuth(), (req, res) => {
    const operator = req.operator!;
    const me: OperatorMe = {
      label: operator.label,
      actor: operator.actor,
      roles: [...operator.roles],
      tenants: operator.tenants === null ? null : [...operator.tenants],
      csrfToken: operator.session.csrfToken,
      idleExpiresAt: new Date(operator.session.idleExpiresAt * 1000).toISOString(),
      expiresAt: new Date(operator.session.expiresAt * 1000).toISOString(),
    };
    res.json(me);
  });

  return router;
}
