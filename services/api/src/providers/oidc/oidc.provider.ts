import { z } from 'zod';
import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { VerificationPolicy } from '@vouchsafe/contracts';
import { maskEmail } from '../../lib/mask';
import { isOutboundRefusal } from '../../lib/outbound';
import { ProviderError, type IdpUser, type ProviderOutcome, type StartResult, type VerificationProvider } from '../provider.types';
import {
  CLOCK_SKEW_SECONDS,
  checkIdTokenClaims,
  DEFAULT_OIDC_POLICY,
  REASONS,
  safeEqual,
  type IdentityClaim,
  type OidcConfig,
} from './oidc.claims';
import { discover, keySet, type OidcMetadata, type OidcOutbound } from './oidc.discovery';
import { tokenRequest } from './oidc.token';
import { expectedIdentity, identityClaimOf, tenantOf, unsafeConnectionReason } from './oidc.identity';

export interface OidcProviderOptions {
  timeoutMs: number;
  policy?: VerificationPolicy;
  /** The outbound-connection guard (S12): discovery, token endpoint and JWKS all go through it. */
  outbound: OidcOutbound;
}

/** What start() leaves on the verification row for complete(). */
export interface OidcProviderState {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Lowercased: the requester's email on record (`email`) or their Entra object id (`oid`, from Microsoft Graph). */
  expectedSubject: string;
  /** Which claim must carry it. Rows from before this field existed matched on email. */
  subjectClaim: IdentityClaim;
  /** Epoch seconds. */
  issuedAt: number;
  redirectUri: string;
}

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** What start() stores and complete() reads back. Rows from before `subjectClaim` existed matched on email. */
export const OidcStateSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  expectedSubject: z.string(),
  subjectClaim: z.enum(['email', 'oid']).default('email'),
  issuedAt: z.number(),
  redirectUri: z.string(),
});

function parseState(raw: Record<string, unknown>): OidcProviderState {
  const parsed = OidcStateSchema.safeParse(raw);
  if (!parsed.success) throw new ProviderError('misconfigured', 'The stored sign-in state is incomplete.');
  return parsed.data;
}

/** `openid` always; Entra also needs `profile`, without which its id_token carries no `oid`. */
function scopesOf(config: OidcConfig): string {
  const required = identityClaimOf(config) === 'oid' ? ['openid', 'profile'] : ['openid'];
  return [...required.filter((s) => !config.scopes.includes(s)), ...config.scopes].join(' ');
}

/** Entra: ask for the Conditional Access auth contexts as an essential `acrs` claim in the id_token. */
function claimsParameter(config: OidcConfig, requiredAcrs: readonly string[]): string | undefined {
  if (config.flavor !== 'entra' || requiredAcrs.length === 0) return undefined;
  const acrs = requiredAcrs.length === 1 ? { essential: true, value: requiredAcrs[0] } : { essential: true, values: requiredAcrs };
  return JSON.stringify({ id_token: { acrs } });
}

async function exchangeCode(
  config: OidcConfig,
  metadata: OidcMetadata,
  state: OidcProviderState,
  code: string,
  opts: OidcProviderOptions,
): Promise<string | ProviderOutcome> {
  const { headers, body } = tokenRequest(config, metadata, { code, redirectUri: state.redirectUri, codeVerifier: state.codeVerifier });
  let response: Response;
  try {
    // The guard checks the token endpoint's URL and address again before the client secret leaves (S12).
    response = await opts.outbound.fetch(metadata.tokenEndpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    if (isOutboundRefusal(err))
      return { state: 'failed', reason: 'The identity provider’s token endpoint is at an address Vouchsafe may not connect to.' };
    return { state: 'failed', reason: 'The identity provider could not be reached to finish the sign-in.' };
  }
  const json: unknown = await response.json().catch(() => undefined);
  const answer = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if (!response.ok) {
    if (answer.error === 'invalid_grant')
      return { state: 'failed', reason: 'The sign-in code was already used, has expired or was not issued to this verification.' };
    if (answer.error === 'invalid_client' || response.status === 401) {
      return { state: 'failed', reason: 'The identity provider refused Vouchsafe’s client credentials (check the app registration).' };
    }
    return { state: 'failed', reason: 'The identity provider refused to finish the sign-in.' };
  }
  if (typeof answer.id_token !== 'string')
    return { state: 'failed', reason: 'The identity provider answered without an ID token (is the openid scope configured?).' };
  return answer.id_token;
}

/** A short, safe summary of an IdP error code for the agent (`error` is an ASCII token per RFC 6749 §4.1.2.1). */
function idpErrorReason(error: string): ProviderOutcome {
  if (error === 'access_denied') return { state: 'denied', reason: 'The caller cancelled or refused the sign-in.' };
  const code = /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? ` (${error})` : '';
  return { state: 'failed', reason: `The identity provider ended the sign-in with an error${code}.` };
}

/**
 * Microsoft Entra ID and any OpenID Provider, as a one-time sign-in link (authorization code flow with PKCE S256,
 * `prompt=login`, nonce, `login_hint`) finished by our callback. jose only: discovery, token request and id_token
 * checks are done here (see NOTES.md). Never logs; failures come back as `failed` with one sentence for the agent.
 */
export function createOidcProvider(config: OidcConfig, opts: OidcProviderOptions): VerificationProvider {
  const policy = opts.policy?.oidc ?? DEFAULT_OIDC_POLICY;
  // A connection stored before registration refused mutable subject claims: it fails closed everywhere, saying why.
  const unsafe = unsafeConnectionReason(config);

  return {
    kind: 'oidc',
    methods: ['oidc'],

    // The user is the email on record; who must sign in (verified email, or the Entra account Graph finds for it) is
    // decided by listMethods for the sidebar and again by start when the link is made.
    async resolveUser(requester) {
      const email = requester.email?.trim();
      if (!email) return undefined;
      // No phone: the sign-in provider holds no directory profile we read, and a desk number must never pass for an IdP one.
      return { ref: email.toLowerCase(), email, phone: null };
    },

    async listMethods(user) {
      if (!user.email) return [];
      if (unsafe) return [{ method: 'oidc', unavailableReason: unsafe }];
      const identity = await expectedIdentity(config, user.email, opts.timeoutMs, opts.outbound);
      return 'reason' in identity ? [{ method: 'oidc', unavailableReason: identity.reason }] : [{ method: 'oidc' }];
    },

    async start(user: IdpUser, method, ctx): Promise<StartResult> {
      if (method.method !== 'oidc') throw new ProviderError('misconfigured', 'The OIDC provider only offers the sign-in link.');
      const email = user.email?.trim();
      if (!email) throw new ProviderError('not_found', 'The requester has no email on record to send a sign-in link to.');
      if (unsafe) throw new ProviderError('misconfigured', unsafe);
      const metadata = await discover(config.issuer, opts.timeoutMs, opts.outbound);
      const identity = await expectedIdentity(config, email, opts.timeoutMs, opts.outbound);
      if ('reason' in identity) throw new ProviderError(identity.kind, identity.reason);

      // The verification id leads the state so the callback can find the row; the random rest makes it unguessable.
      const state = `${ctx.verificationId}.${random(24)}`;
      const nonce = random(24);
      const codeVerifier = random(48);
      const url = new URL(metadata.authorizationEndpoint);
      const params: Record<string, string> = {
        response_type: 'code',
        client_id: config.clientId,
        redirect_uri: ctx.callbackUrl,
        scope: scopesOf(config),
        state,
        nonce,
        code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
        prompt: 'login',
        login_hint: email,
      };
      const claims = claimsParameter(config, policy.requiredAcrs);
      if (claims) params.claims = claims;
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);

      const providerState: OidcProviderState = {
        state,
        nonce,
        codeVerifier,
        expectedSubject: identity.value,
        subjectClaim: identity.claim,
        issuedAt: Math.floor(Date.now() / 1000),
        redirectUri: ctx.callbackUrl,
      };
      return { idpRef: state, binding: { kind: 'link', sentTo: maskEmail(email) }, providerState: { ...providerState }, link: url.href };
    },

    async complete(raw, input): Promise<ProviderOutcome> {
      const stored = parseState(raw);
      // RFC 6749 §4.1.2.1: errors come back with our state too; an answer without our state is not ours.
      if (typeof input.state !== 'string' || !safeEqual(input.state, stored.state)) {
        return { state: 'failed', reason: 'The sign-in answer does not belong to this verification (state mismatch).' };
      }
      if (typeof input.error === 'string') return idpErrorReason(input.error);
      if (unsafe) return { state: 'failed', reason: unsafe };
      if (stored.subjectClaim !== identityClaimOf(config)) {
        return { state: 'failed', reason: 'The sign-in connection was changed after the link was made; start a new verification.' };
      }
      if (typeof input.code !== 'string' || input.code.length === 0 || input.code.length > 4096) {
        return { state: 'failed', reason: 'The identity provider answered without a sign-in code.' };
      }

      let metadata: OidcMetadata;
      try {
        metadata = await discover(config.issuer, opts.timeoutMs, opts.outbound);
      } catch (err) {
        // A discovery document naming an endpoint we may not use fails closed here, before any secret is sent.
        if (err instanceof ProviderError && err.kind === 'misconfigured') return { state: 'failed', reason: err.message };
        return { state: 'failed', reason: 'The identity provider could not be reached to finish the sign-in.' };
      }
      // RFC 9207: an IdP that names itself in the answer must name the issuer we started with (mix-up defence).
      if (input.iss !== undefined && input.iss !== metadata.issuer) {
        return { state: 'failed', reason: 'The sign-in answer came from another identity provider (issuer mismatch).' };
      }
      const idToken = await exchangeCode(config, metadata, stored, input.code, opts);
      if (typeof idToken !== 'string') return idToken;

      let claims: Record<string, unknown>;
      try {
        const verified = await jwtVerify(idToken, keySet(metadata.jwksUri, opts.timeoutMs, opts.outbound), {
          issuer: metadata.issuer,
          audience: config.clientId,
          algorithms: [...metadata.idTokenAlgs],
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
        });
        claims = verified.payload;
      } catch (error) {
        if (
          isOutboundRefusal(error) ||
          (error instanceof joseErrors.JOSEError && (error.code === 'ERR_JWKS_TIMEOUT' || error.code === 'ERR_JOSE_GENERIC'))
        ) {
          return { state: 'failed', reason: 'The identity provider’s signing keys could not be fetched.' };
        }
        return { state: 'failed', reason: REASONS.badToken };
      }

      return (
        checkIdTokenClaims(claims, {
          clientId: config.clientId,
          nonce: stored.nonce,
          expectedSubject: stored.expectedSubject,
          identityClaim: stored.subjectClaim,
          tenantId: tenantOf(config),
          issuedAt: stored.issuedAt,
          flavor: config.flavor,
          policy,
          now: Math.floor(Date.now() / 1000),
        }) ?? { state: 'verified' }
      );
    },

    // Nothing to cancel at the IdP: the link dies with the verification (its state no longer matches a live row).
    async cancel() {},
  };
}
