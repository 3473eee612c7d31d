import type { RecipientVerifyMethod, VerifyRecipientResponse } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError, secretGone } from '../../errors';
import type { RequesterOnRecord } from '../../providers/provider.types';
import type { VerifiedRecipient } from '../verification/recipient-hook';
import { REVEAL_GRANT_TTL_SECONDS, newRevealGrant } from './reveal-grant';
import { findRecipientTarget, insertRevealGrant } from './reveal-grants.repository';

/**
 * Verified-requester-only secrets, the recipient's side: start a link-based verification (OIDC or
 * Duo Universal Prompt) for the ticket's requester, and — when the verification module reports the
 * IdP verified that very person — issue a one-time reveal grant. See NOTES.md.
 */

export interface RecipientStart {
  tenantId: string;
  secretId: string;
  ticketId: string;
  agentId: string;
  agentLabel: string;
  method: RecipientVerifyMethod;
  /** Looked up through the desk now, never taken from the browser. */
  requester: RequesterOnRecord;
  /** The requester key stored with the secret, which `requester` matched. */
  requesterKey: Buffer;
  /** The request's own origin, for the IdP callback when VOUCHSAFE_PUBLIC_URL is not set. */
  origin?: string;
}

export interface RecipientVerificationDeps {
  db: Db;
  /** The ticket's requester on record, through the tenant's desk connector; undefined when the desk has none. */
  requesterOf(tenantId: string, ticketId: string): Promise<RequesterOnRecord | undefined>;
  /** HMAC keys of a person's identity on record, current key first, then legacy ones (lib/requester-key.ts). */
  keysOf(tenantId: string, requester: RequesterOnRecord): Promise<Buffer[]>;
  /** The tenant's configured link-based methods, in policy order. */
  linkMethods(tenantId: string): Promise<RecipientVerifyMethod[]>;
  /** Starts a 'recipient' verification through the verification module; answers the IdP URL. */
  startRecipient(start: RecipientStart): Promise<{ url: string }>;
}

export function createRecipientVerification(deps: RecipientVerificationDeps) {
  const { db } = deps;

  /** Any key of this person equals the key stored when the secret was sent. */
  const isSamePerson = (stored: Buffer | null, keys: readonly Buffer[]): stored is Buffer =>
    stored !== null && keys.some((k) => k.equals(stored));

  async function start(
    tenantId: string,
    secretId: string,
    method: RecipientVerifyMethod,
    origin?: string,
  ): Promise<VerifyRecipientResponse> {
    const target = await findRecipientTarget(db, tenantId, secretId);
    // Unknown, gone, other-tenant and ordinary secrets all answer like a gone secret (no oracle).
    if (!target) throw secretGone();
    const methods = await deps.linkMethods(tenantId);
    if (!methods.includes(method)) {
      throw new AppError(
        'validation_failed',
        'This way of verifying is not offered for this secret. Pick one of the ways the page shows.',
        {
          issues: [{ path: 'method', message: `is not one of ${methods.join(', ') || 'the configured methods (none)'}` }],
        },
      );
    }
    const requester = await deps.requesterOf(tenantId, target.ticketId);
    // The ticket's requester must still be the person the secret was sent for.
    if (!requester || !isSamePerson(target.requesterKey, await deps.keysOf(tenantId, requester))) {
      throw new AppError(
        'forbidden',
        "Vouchsafe cannot verify the recipient of this secret: the ticket's requester on record has changed. Ask the sender for a new link.",
      );
    }
    return deps.startRecipient({
      tenantId,
      secretId,
      ticketId: target.ticketId,
      agentId: target.agentId,
      agentLabel: target.agentLabel,
      method,
      requester,
      requesterKey: target.requesterKey,
      ...(origin ? { origin } : {}),
    });
  }

  /**
   * The hook the verification callback calls after a 'recipient' verification succeeded. Issues a
   * grant only when the verified person is the ticket's requester the secret was sent for; answers
   * the portal path to redirect to, or undefined (no grant: the caller shows a failure page).
   */
  async function onVerified(v: VerifiedRecipient): Promise<{ location: string; expiresAt: Date } | undefined> {
    const { grant, hash } = newRevealGrant();
    const issued = await insertRevealGrant(db, {
      tenantId: v.tenantId,
      secretId: v.secretId,
      verificationId: v.verificationId,
      verifiedKeys: [v.requesterKey],
      grantHash: hash,
      ttlSeconds: REVEAL_GRANT_TTL_SECONDS,
    });
    if (!issued) return undefined;
    const prefix = v.isDefaultTenant ? '' : `/t/${encodeURIComponent(v.tenantSlug)}`;
    return { location: `${prefix}/s/${encodeURIComponent(v.secretId)}?grant=${grant}`, expiresAt: issued.expiresAt };
  }

  return { start, onVerified, methodsFor: deps.linkMethods };
}

export type RecipientVerification = ReturnType<typeof createRecipientVerification>;
