import express, { type Request, type Response, type Router } from 'express';
import type { InteractionDetails, OidcProviderInstance } from './oidc-provider.module';

export type OidcFlavor = 'entra' | 'generic';

/** What the next sign-in proves, chosen by a test (one-shot; consumed by the next login form post). */
export interface NextLogin {
  /** Who signs in (must be an account of the peer); default: what the form says, else the login_hint. */
  email?: string;
  /** `amr` in the id_token. Default: generic ['pwd','mfa'] (or ['pwd'] when the form says no MFA); entra: none. */
  amr?: string[];
  /** `acr` in the id_token. Default: none. */
  acr?: string;
  /** Entra `acrs`. Default: the auth contexts the client asked for in `claims` when MFA was done, else none. */
  acrs?: string[];
  /**
   * `email_verified` in the id_token, as given (a string too, to test strictness); `null` leaves the claim out.
   * Default: generic `true` (the peer's accounts are verified); entra none (Entra never sends it).
   */
  emailVerified?: boolean | string | null;
  /** Entra `oid`: another directory object than the account's own (someone else with the same email). */
  oid?: string;
  /** Entra `tid`: another directory than the peer's. */
  tid?: string;
  /** auth_time = now + this (negative = a sign-in that happened earlier). Default 0. */
  authTimeOffsetSeconds?: number;
  /** The user refuses: the client gets `error=access_denied`. */
  deny?: boolean;
  /**
   * Extra id_token claims for this sign-in, over the account's own (operator roles: `{ roles: ['vouchsafe-auditor'] }`,
   * Keycloak-style `{ realm_access: { roles: [...] } }`, `groups`). Only the names in ROLE_CLAIM_NAMES reach the token.
   */
  claims?: Record<string, unknown>;
}

/** Extra claims the peer can put into id_tokens (with the openid scope): where IdPs carry roles and groups. */
export const ROLE_CLAIM_NAMES = ['roles', 'groups', 'realm_access', 'resource_access'] as const;

export interface PeerAccount {
  accountId: string;
  /** Entra object id (a GUID, random per peer and account; Microsoft Graph's user `id`). */
  oid: string;
  email: string;
  name: string;
  /** Extra id_token claims of this account on every sign-in (roles, groups; see NextLogin.claims). */
  claims?: Record<string, unknown>;
}

/** Per-login claim choices carried from the login form to the id_token (see NextLogin). */
export interface LoginExtras {
  acrs?: string[];
  emailVerified?: boolean | string | null;
  oid?: string;
  tid?: string;
  claims?: Record<string, unknown>;
}

export interface InteractionContext {
  flavor: OidcFlavor;
  provider: () => OidcProviderInstance;
  findAccountByEmail(email: string): PeerAccount | undefined;
  takeNextLogin(): NextLogin | undefined;
  peekNextLogin(): NextLogin | undefined;
  /** Extra claims (acrs, email_verified, oid, tid) for the account's next id_token. */
  setLoginExtras(accountId: string, extras: LoginExtras): void;
}

const escape = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The auth contexts a client asked for with `claims={"id_token":{"acrs":{"value"|"values":…}}}`. */
export function requestedAcrs(claimsParam: unknown): string[] {
  if (typeof claimsParam !== 'string') return [];
  try {
    const parsed = JSON.parse(claimsParam) as { id_token?: { acrs?: { value?: unknown; values?: unknown } } };
    const acrs = parsed.id_token?.acrs;
    if (!acrs) return [];
    const values = [acrs.value, ...(Array.isArray(acrs.values) ? acrs.values : [])];
    return values.filter((v): v is string => typeof v === 'string');
  } catch {
    return [];
  }
}

function loginPage(details: InteractionDetails, flavor: OidcFlavor, email: string, error?: string): string {
  const uid = escape(details.uid);
  const title = flavor === 'entra' ? 'Sign in to your account (Microsoft Entra stand-in)' : 'Sign in (OpenID Provider stand-in)';
  const mfaLabel = flavor === 'entra' ? 'Approve with Microsoft Authenticator' : 'Confirm with my second factor (MFA)';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.75rem 0}
input[type=email]{width:100%;padding:.4rem}button{margin-right:.5rem;padding:.4rem 1rem}.error{color:#b00}</style></head>
<body><h1>${title}</h1>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login" data-testid="oidc-login-form">
<label>Email <input type="email" name="email" value="${escape(email)}" data-testid="oidc-email" required autocomplete="off"></label>
<label><input type="checkbox" name="mfa" value="yes" checked data-testid="oidc-mfa"> ${mfaLabel}</label>
<button type="submit" data-testid="oidc-sign-in">Sign in</button>
<button type="submit" formaction="/interaction/${uid}/abort" formnovalidate data-testid="oidc-cancel">Cancel</button>
</form></body></html>`;
}

async function autoConsent(ctx: InteractionContext, req: Request, res: Response, details: InteractionDetails): Promise<void> {
  const provider = ctx.provider();
  const clientId = String(details.params.client_id);
  const grant =
    (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
    new provider.Grant({ accountId: details.session?.accountId, clientId });
  const missing = details.prompt.details;
  if (Array.isArray(missing.missingOIDCScope)) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (Array.isArray(missing.missingOIDCClaims)) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
  if (missing.missingResourceScopes && typeof missing.missingResourceScopes === 'object') {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes as Record<string, string[]>))
      grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** The login page (a form a Playwright test or a person can complete) and automatic consent. */
export function createInteractionRouter(ctx: InteractionContext): Router {
  const router = express.Router();
  // Only the form posts: oidc-provider reads its own request bodies (token endpoint) and warns about parsed ones.
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await ctx.provider().interactionDetails(req, res);
      if (details.prompt.name === 'consent') {
        await autoConsent(ctx, req, res, details);
        return;
      }
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      res
        .set('cache-control', 'no-store')
        .type('html')
        .send(loginPage(details, ctx.flavor, ctx.peekNextLogin()?.email ?? hint));
    } catch (error) {
      next(error);
    }
  });

  router.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      const provider = ctx.provider();
      const details = await provider.interactionDetails(req, res);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const chosen = ctx.takeNextLogin();
      if (chosen?.deny) {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'End-User aborted interaction' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const email = chosen?.email ?? (typeof body.email === 'string' ? body.email : '');
      const account = ctx.findAccountByEmail(email);
      if (!account) {
        res
          .status(200)
          .type('html')
          .send(loginPage(details, ctx.flavor, email, 'We could not find an account with that email.'));
        return;
      }
      const didMfa = body.mfa === 'yes';
      const amr = chosen?.amr ?? (ctx.flavor === 'generic' ? (didMfa ? ['pwd', 'mfa'] : ['pwd']) : undefined);
      const acrs = chosen?.acrs ?? (didMfa ? requestedAcrs(details.params.claims) : []);
      ctx.setLoginExtras(account.accountId, {
        acrs: acrs.length > 0 ? acrs : undefined,
        ...(chosen && 'emailVerified' in chosen ? { emailVerified: chosen.emailVerified } : {}),
        ...(chosen?.oid ? { oid: chosen.oid } : {}),
        ...(chosen?.tid ? { tid: chosen.tid } : {}),
        ...(chosen?.claims ? { claims: chosen.claims } : {}),
      });
      const login: Record<string, unknown> = {
        accountId: account.accountId,
        ts: Math.floor(Date.now() / 1000) + (chosen?.authTimeOffsetSeconds ?? 0),
        remember: false,
      };
      if (amr) login.amr = amr;
      if (chosen?.acr) login.acr = chosen.acr;
      await provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    } catch (error) {
      next(error);
    }
  });

  router.post('/interaction/:uid/abort', form, async (req, res, next) => {
    try {
      ctx.takeNextLogin();
      await ctx
        .provider()
        .interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'End-User aborted interaction' },
          { mergeWithLastSubmission: false },
        );
    } catch (error) {
      next(error);
    }
  });

  return router;
}
