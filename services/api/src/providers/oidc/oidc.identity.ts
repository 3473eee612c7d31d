import { entraTenantOf, oidcIdentityIssues } from '@vouchsafe/contracts';
import type { IdentityClaim, OidcConfig } from './oidc.claims';
import { lookUpEntraUser } from './entra.graph';
import type { OidcOutbound } from './oidc.discovery';

/**
 * Who must sign in for a verification to pass (DESIGN S11), decided when the link is made: the email on record for a
 * generic provider (its id_token must carry it with `email_verified: true`), or the requester's Entra object id found
 * in Microsoft Graph. A connection whose subject claim the user or an admin can change never verifies anyone.
 */

/** What start() stores for complete(): the claim and its expected value (lowercased). */
export interface ExpectedIdentity {
  claim: IdentityClaim;
  value: string;
}

/** Why this identity could not be fixed: `not_found` (no such account), `rejected` (ambiguous or guest). */
export interface IdentityRefusal {
  kind: 'not_found' | 'rejected';
  reason: string;
}

export const IDENTITY_REASONS = {
  none: 'Microsoft Entra has no enabled member account whose email or user name is the requester’s email on record.',
  several:
    'Several Microsoft Entra accounts have the requester’s email on record as their email or user name, so Vouchsafe cannot tell which one is the caller (an admin must make it unique).',
  guestOnly:
    'The only Microsoft Entra account with the requester’s email on record is a guest account, whose address is whatever its inviter typed: Vouchsafe verifies member accounts only.',
} as const;

/**
 * For a connection stored before the S11 rule (registration now refuses it): one sentence for the agent and the
 * admin naming what to change. Undefined when the connection is safe.
 */
export function unsafeConnectionReason(config: OidcConfig): string | undefined {
  const [issue, ...rest] = oidcIdentityIssues(config);
  if (!issue) return undefined;
  const more = rest.length > 0 ? ` (and ${rest.map((r) => r.path).join(', ')})` : '';
  return `The sign-in connection cannot identify callers safely, so it verifies no one until an admin updates it: ${issue.path} ${issue.message}${more}.`;
}

/** The claim this (safe) connection identifies people by. */
export function identityClaimOf(config: OidcConfig): IdentityClaim {
  return config.flavor === 'entra' ? 'oid' : 'email';
}

/** The directory `tid` must name (Entra), from the configured tenant-specific issuer. */
export function tenantOf(config: OidcConfig): string | undefined {
  return config.flavor === 'entra' ? entraTenantOf(config.issuer) : undefined;
}

/** The identity the id_token must carry for the requester with this email (Graph lookup for Entra; throws ProviderError). */
export async function expectedIdentity(
  config: OidcConfig,
  email: string,
  timeoutMs: number,
  outbound: OidcOutbound,
): Promise<ExpectedIdentity | IdentityRefusal> {
  const normalised = email.trim().toLowerCase();
  if (identityClaimOf(config) === 'email') return { claim: 'email', value: normalised };
  const found = await lookUpEntraUser(config, normalised, timeoutMs, outbound);
  switch (found.kind) {
    case 'one':
      return { claim: 'oid', value: found.oid };
    case 'none':
      return { kind: 'not_found', reason: IDENTITY_REASONS.none };
    case 'several':
      return { kind: 'rejected', reason: IDENTITY_REASONS.several };
    case 'guest_only':
      return { kind: 'rejected', reason: IDENTITY_REASONS.guestOnly };
  }
}
