import { timingSafeEqual } from 'node:crypto';
import type { IdpConfig, VerificationPolicy } from '@vouchsafe/contracts';
import type { ProviderOutcome } from '../provider.types';

export type OidcConfig = Extract<IdpConfig, { kind: 'oidc' }>;
export type OidcEvidencePolicy = VerificationPolicy['oidc'];

/** The contracts' defaults, for a provider built without a policy. */
export const DEFAULT_OIDC_POLICY: OidcEvidencePolicy = { maxAuthAgeSeconds: 300, requiredAcrs: [], requiredAmr: ['mfa'], requiredAcr: [] };

/** Clock skew we tolerate between the IdP and us, in seconds (also given to jose for exp/iat/nbf). */
export const CLOCK_SKEW_SECONDS = 30;

/** The claims that may identify the requester (contracts oidc-identity.ts): verified email, or Entra object id. */
export type IdentityClaim = 'email' | 'oid';

export interface ClaimExpectations {
  clientId: string;
  nonce: string;
  /** `email`: the requester's email on record; `oid`: their Entra object id (from Graph). Lowercased. */
  expectedSubject: string;
  identityClaim: IdentityClaim;
  /** `oid` only: the directory of the configured issuer (lowercased GUID); `tid` must equal it. */
  tenantId?: string;
  /** When the link was made (epoch seconds): a sign-in from before it did not answer our `prompt=login`. */
  issuedAt: number;
  flavor: OidcConfig['flavor'];
  policy: OidcEvidencePolicy;
  /** Epoch seconds. */
  now: number;
}

export const REASONS = {
  badToken: 'The identity provider’s answer could not be trusted (token checks failed).',
  nonce: 'The sign-in answer does not belong to this verification (nonce mismatch).',
  stale: 'The sign-in was not fresh: the caller must sign in again, just now.',
  wrongPerson: 'Someone other than the ticket’s requester signed in.',
  unverifiedEmail:
    'The identity provider has not verified that the account that signed in owns the requester’s email address (email_verified is not true).',
  otherTenant: 'The sign-in came from another Microsoft Entra directory than the one configured (tid mismatch).',
  noMfa: 'The sign-in shows no evidence of multi-factor authentication.',
  noMfaPolicy: 'The policy names no MFA evidence to require, so no sign-in can pass.',
} as const;

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function fail(reason: string): ProviderOutcome {
  return { state: 'failed', reason };
}

/**
 * MFA evidence. Entra: the Conditional Access auth context we asked for comes back in `acrs` (v2 id tokens carry no
 * `amr`); with no auth contexts configured, Entra falls back to the generic rule. Generic: `amr` ∩ requiredAmr or
 * `acr` ∈ requiredAcr. Nothing configured → nothing can pass (fail closed).
 */
export function hasMfaEvidence(claims: Record<string, unknown>, flavor: OidcConfig['flavor'], policy: OidcEvidencePolicy): boolean {
  if (flavor === 'entra' && policy.requiredAcrs.length > 0) {
    const acrs = strings(claims.acrs);
    return policy.requiredAcrs.some((required) => acrs.includes(required));
  }
  const amr = strings(claims.amr);
  const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
  return policy.requiredAmr.some((required) => amr.includes(required)) || (acr !== undefined && policy.requiredAcr.includes(acr));
}

export function hasMfaRule(flavor: OidcConfig['flavor'], policy: OidcEvidencePolicy): boolean {
  return (flavor === 'entra' && policy.requiredAcrs.length > 0) || policy.requiredAmr.length > 0 || policy.requiredAcr.length > 0;
}

/**
 * Who signed in (S11: only a verified or immutable claim counts). Entra: `tid` is the configured directory and `oid`
 * the account Graph found for the email on record. Generic: `email` equals the email on record and `email_verified`
 * is the boolean `true` (OIDC Core §5.1; a string "true", null or absence is not a verification).
 */
function checkIdentity(claims: Record<string, unknown>, expect: ClaimExpectations): ProviderOutcome | undefined {
  if (expect.identityClaim === 'oid') {
    if (expect.tenantId === undefined || typeof claims.tid !== 'string' || claims.tid.toLowerCase() !== expect.tenantId)
      return fail(REASONS.otherTenant);
    if (typeof claims.oid !== 'string' || claims.oid.toLowerCase() !== expect.expectedSubject) return fail(REASONS.wrongPerson);
    return undefined;
  }
  if (typeof claims.email !== 'string' || claims.email.trim().toLowerCase() !== expect.expectedSubject) return fail(REASONS.wrongPerson);
  if (claims.email_verified !== true) return fail(REASONS.unverifiedEmail);
  return undefined;
}

/**
 * The checks jose does not do for us, on an id_token whose signature, `iss`, `aud` and `exp` jose has verified.
 * Returns undefined when every check passes, else the first failure with its own reason.
 */
export function checkIdTokenClaims(claims: Record<string, unknown>, expect: ClaimExpectations): ProviderOutcome | undefined {
  // OIDC Core §3.1.3.7: several audiences need `azp`; `azp`, when present, must be us.
  const aud = claims.aud;
  if (claims.azp !== undefined && claims.azp !== expect.clientId) return fail(REASONS.badToken);
  if (Array.isArray(aud) && aud.length > 1 && claims.azp !== expect.clientId) return fail(REASONS.badToken);

  if (typeof claims.nonce !== 'string' || !safeEqual(claims.nonce, expect.nonce)) return fail(REASONS.nonce);

  // jose checks iat/exp only; freshness of the actual sign-in is ours to check (DESIGN "Integration facts").
  const authTime = claims.auth_time;
  if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return fail(REASONS.stale);
  if (authTime > expect.now + CLOCK_SKEW_SECONDS) return fail(REASONS.badToken);
  if (expect.now - authTime > expect.policy.maxAuthAgeSeconds + CLOCK_SKEW_SECONDS) return fail(REASONS.stale);
  if (authTime < expect.issuedAt - CLOCK_SKEW_SECONDS) return fail(REASONS.stale);

  const identity = checkIdentity(claims, expect);
  if (identity) return identity;

  if (!hasMfaRule(expect.flavor, expect.policy)) return fail(REASONS.noMfaPolicy);
  if (!hasMfaEvidence(claims, expect.flavor, expect.policy)) return fail(REASONS.noMfa);
  return undefined;
}
