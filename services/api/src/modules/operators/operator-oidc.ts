import { createHash } from 'node:crypto';
import { jwtVerify } from 'jose';
import { isOutboundRefusal } from '../../lib/outbound';
import { CLOCK_SKEW_SECONDS, safeEqual } from '../../providers/oidc/oidc.claims';
import { discover, keySet, type OidcOutbound } from '../../providers/oidc/oidc.discovery';
import { tokenRequest } from '../../providers/oidc/oidc.token';
import { ProviderError } from '../../providers/provider.types';
import type { PendingSignIn } from './operator-session';
import type { OperatorSettings } from './operator-settings';

/**
 * Operator sign-in at the bank's OpenID Provider: authorization code flow with PKCE (S256) and a nonce. Discovery, the
 * token request and the JWKS go through the process's outbound guard (S12) with the same code the caller-verification
 * provider uses (providers/oidc: discover, keySet, tokenRequest); the id_token is checked with jose (signature with an
 * algorithm the discovery document names — asymmetric only —, iss, aud, exp, iat) and by us (azp, nonce). Never logs.
 */

/** Why a sign-in was refused: stable codes for the audit row, the metric and the page. */
export const SIGN_IN_REFUSALS = [
  'no_sign_in',
  'state_mismatch',
  'idp_denied',
  'idp_error',
  'issuer_mismatch',
  'token_refused',
  'bad_token',
  'nonce_mismatch',
  'no_role',
  'idp_unavailable',
  'misconfigured',
] as const;
export type SignInRefusal = (typeof SIGN_IN_REFUSALS)[number];

export type SignInResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: SignInRefusal };

export interface CallbackInput {
  code?: unknown;
  state?: unknown;
  error?: unknown;
  iss?: unknown;
}

const refused = (reason: SignInRefusal): SignInResult => ({ ok: false, reason });

export function createOperatorOidc(settings: OperatorSettings, opts: { outbound: OidcOutbound; timeoutMs: number }) {
  async function metadata() {
    try {
      return await discover(settings.issuer, opts.timeoutMs, opts.outbound);
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'misconfigured') return 'misconfigured' as const;
      return 'idp_unavailable' as const;
    }
  }

  return {
    /** Where to send the browser; undefined with the reason when the IdP cannot be used now. */
    async authorizationUrl(pending: PendingSignIn, redirectUri: string): Promise<{ url: string } | { reason: SignInRefusal }> {
      const found = await metadata();
      if (typeof found === 'string') return { reason: found };
      const url = new URL(found.authorizationEndpoint);
      const params: Record<string, string> = {
        response_type: 'code',
        client_id: settings.clientId,
        redirect_uri: redirectUri,
        scope: settings.scopes.join(' '),
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
      };
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      return { url: url.href };
    },

    /** The IdP's answer at our callback, checked against the sign-in this browser started. */
    async finish(pending: PendingSignIn, input: CallbackInput, redirectUri: string): Promise<SignInResult> {
      // RFC 6749 §10.12: the state binds the answer to this browser's sign-in (errors come back with it too).
      if (typeof input.state !== 'string' || !safeEqual(input.state, pending.state)) return refused('state_mismatch');
      if (typeof input.error === 'string') return refused(input.error === 'access_denied' ? 'idp_denied' : 'idp_error');
      if (typeof input.code !== 'string' || input.code.length === 0 || input.code.length > 4096) return refused('idp_error');
      const found = await metadata();
      if (typeof found === 'string') return refused(found);
      // RFC 9207: an IdP that names itself must name the issuer we started with (mix-up defence).
      if (input.iss !== undefined && input.iss !== found.issuer) return refused('issuer_mismatch');

      const { headers, body } = tokenRequest(settings, found, { code: input.code, redirectUri, codeVerifier: pending.codeVerifier });
      let answer: Record<string, unknown>;
      try {
        const response = await opts.outbound.fetch(found.tokenEndpoint, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(opts.timeoutMs),
          redirect: 'error',
        });
        const json: unknown = await response.json().catch(() => undefined);
        if (!response.ok) return refused('token_refused');
        answer = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
      } catch (error) {
        return refused(isOutboundRefusal(error) ? 'misconfigured' : 'idp_unavailable');
      }
      if (typeof answer.id_token !== 'string') return refused('token_refused');

      let claims: Record<string, unknown>;
      try {
        ({ payload: claims } = await jwtVerify(answer.id_token, keySet(found.jwksUri, opts.timeoutMs, opts.outbound), {
          issuer: found.issuer,
          audience: settings.clientId,
          algorithms: [...found.idTokenAlgs],
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
        }));
      } catch {
        return refused('bad_token');
      }
      // OIDC Core §3.1.3.7: `azp`, when present, must be us; several audiences need it.
      if (claims.azp !== undefined && claims.azp !== settings.clientId) return refused('bad_token');
      if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== settings.clientId) return refused('bad_token');
      if (typeof claims.nonce !== 'string' || !safeEqual(claims.nonce, pending.nonce)) return refused('nonce_mismatch');
      return { ok: true, claims };
    },
  };
}

export type OperatorOidc = ReturnType<typeof createOperatorOidc>;
