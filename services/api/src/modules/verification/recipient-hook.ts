import type { VerificationMethod } from '@vouchsafe/contracts';
import type { RequesterOnRecord } from '../../providers/provider.types';

/**
 * The seam between the link callback (this module) and verified-requester-only secrets
 * (modules/secrets, recipient-verification.service.ts). The verification module never issues
 * grants itself: after a 'recipient' verification is recorded as verified it hands the facts to
 * this hook and redirects to what it answers (or shows a failure page when it answers nothing).
 */
export interface VerifiedRecipient {
  tenantId: string;
  tenantSlug: string;
  /** true for the default (vault) tenant, whose links have no `/t/<slug>` prefix. */
  isDefaultTenant?: boolean;
  secretId: string;
  verificationId: string;
  /** Who the verification was started for (primary keyring key). */
  requesterKey: Buffer;
}

export type OnRecipientVerified = (v: VerifiedRecipient) => Promise<{ location: string } | undefined>;

/** What modules/secrets asks for when a recipient wants to open a verified-only secret. */
export interface RecipientStartInput {
  tenantId: string;
  secretId: string;
  ticketId: string;
  /** The sender: the verification is on their ticket, under their name. */
  agentId: string;
  agentLabel: string;
  method: Extract<VerificationMethod, 'oidc' | 'duo_universal'>;
  requester: RequesterOnRecord;
  /** The requester key stored with the secret, which this requester matched (current or legacy). */
  requesterKey: Buffer;
  /** This server's public origin as the request reached it; VOUCHSAFE_PUBLIC_URL wins when set. */
  origin?: string;
}
