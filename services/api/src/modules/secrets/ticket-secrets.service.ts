import type { CreateTicketSecretInput, TicketSecretList } from '@vouchsafe/contracts';
import { AppError, secretGone } from '../../errors';
import { sha256 } from '../../lib/ids';
import { maskIdentifiers } from '../../lib/mask';
import type { SidebarSession } from '../sessions/session.types';
import * as repo from './secrets.repository';
import type { RecipientVerificationDeps } from './recipient-verification.service';
import { prepareSecret, type RequestContext, type SecretsDeps } from './secrets.service';
import { insertTicketSecret, listForTicket } from './ticket-secrets.repository';

/**
 * Secrets sent from a ticket sidebar: bound to (tenant, ticket) of the verified session. Reveal,
 * expiry and revoke each queue an internal note for that ticket in the statement that records
 * them (see reveal.repository.ts, secrets.repository.ts and modules/notes/NOTES.md).
 */

/** First 8 hex characters of SHA-256 over a fixed label and the id: names a secret in notes without revealing its id. */
export const fingerprintOf = (secretId: string): string => sha256(`vouchsafe:fingerprint:${secretId}`).toString('hex').slice(0, 8);

export type TicketSecretsDeps = Pick<SecretsDeps, 'db' | 'keyring' | 'maxFileBytes' | 'metrics' | 'onNoteQueued'> & {
  /** Verified-requester-only secrets; without it the sidebar cannot send them (422). */
  recipients?: Pick<RecipientVerificationDeps, 'requesterOf' | 'keysOf' | 'linkMethods'>;
};

const refuseVerifiedOnly = (why: string) =>
  new AppError('validation_failed', `This secret cannot be limited to the verified requester: ${why}`, {
    issues: [{ path: 'requiresVerification', message: why }],
  });

export function createTicketSecretsService(deps: TicketSecretsDeps) {
  const { db } = deps;
  const onNoteQueued = deps.onNoteQueued ?? (() => undefined);

  /**
   * The requester's key (HMAC under the primary keyring key) for a verified-only secret: the
   * requester on record through the desk, never from the browser. The tenant must offer a
   * link-based method, or nobody could ever open the secret.
   */
  async function requesterKeyFor(session: SidebarSession): Promise<Buffer> {
    const recipients = deps.recipients;
    if (!recipients) throw refuseVerifiedOnly('this Vouchsafe server does not offer recipient verification.');
    if ((await recipients.linkMethods(session.tenantId)).length === 0) {
      throw refuseVerifiedOnly('your organisation has not set up a sign-in link method (OIDC or Duo Universal Prompt) for recipients.');
    }
    const requester = await recipients.requesterOf(session.tenantId, session.ticketId);
    const key = requester && (requester.email || requester.phone) ? (await recipients.keysOf(session.tenantId, requester))[0] : undefined;
    if (!key) throw refuseVerifiedOnly("the ticket's requester has no email address or phone number on record.");
    return key;
  }

  async function create(session: SidebarSession, ctx: Omit<RequestContext, 'tenantId'>, req: CreateTicketSecretInput) {
    const requesterKey = req.requiresVerification ? await requesterKeyFor(session) : null;
    // The revoke token is not handed out: sidebar secrets are revoked with the session.
    const { secret } = prepareSecret(deps, { ...ctx, tenantId: session.tenantId }, req);
    const fingerprint = fingerprintOf(secret.id);
    await insertTicketSecret(db, secret, {
      desk: session.desk,
      ticketId: session.ticketId,
      ticketDisplayId: session.ticketDisplayId,
      agentId: session.agentId,
      agentLabel: maskIdentifiers(session.agentLabel),
      fingerprint,
      requiresVerification: req.requiresVerification,
      requesterKey,
    });
    deps.metrics.secretsCreated.inc();
    onNoteQueued();
    return { id: secret.id, fingerprint, expiresAt: secret.expiresAt.toISOString(), views: secret.views };
  }

  async function list(session: SidebarSession): Promise<TicketSecretList> {
    return { secrets: await listForTicket(db, session.tenantId, session.ticketId) };
  }

  /** Only a secret sent from this very ticket; any other id answers exactly like an unknown one. */
  async function revoke(session: SidebarSession, ctx: Omit<RequestContext, 'tenantId'>, id: string): Promise<void> {
    const revoked = await repo.revokeForTicket(db, {
      tenantId: session.tenantId,
      ticketId: session.ticketId,
      id,
      agentId: session.agentId,
      agentLabel: maskIdentifiers(session.agentLabel),
      clientIp: ctx.clientIp,
    });
    if (!revoked) throw secretGone();
    if (revoked.isNoted) onNoteQueued();
  }

  return { create, list, revoke };
}

export type TicketSecretsService = ReturnType<typeof createTicketSecretsService>;
