import { randomUUID } from 'node:crypto';
import { LINK_METHODS, type Binding, type VerificationMethod } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { HelpdeskError } from '../../helpdesks/helpdesk.types';
import { maskEmail, maskIdentifiers } from '../../lib/mask';
import { ProviderError, type IdpUser, type StartResult } from '../../providers/provider.types';
import { IDP_OF_METHOD } from '../idps/idp-config';
import { reservePushAttempt } from '../policy/push-limit';
import type { SidebarSession } from '../sessions/session.types';
import { requesterKeys } from '../../lib/requester-key';
import { methodContext, type MethodContext } from './method-options';
import type { RecipientStartInput } from './recipient-hook';
import type { VerificationDeps } from './verification.deps';
import * as repo from './verification.repository';
import { isPushMethod, type VerificationRow } from './verification.types';

/**
 * Start: look everything up server-side, apply policy (method allowed and available, recent-factor
 * guard, push limit reserved race-free), ask the IdP OUTSIDE any transaction, then record
 * `verification.started` in one statement. Link methods then send the link to the requester on
 * record through the desk's own public reply (see NOTES.md) and move to `waiting`.
 */

export interface StartInput {
  method: VerificationMethod;
  /** `${publicUrl}/verify/callback/<idp kind>` base, without the kind. */
  callbackBase: string;
}

/** The label a note and the sidebar use for the requester: their name, else the masked email / phone. */
export function requesterLabelOf(r: { name: string | null; email: string | null; phone: string | null }): string {
  const label = r.name?.trim() || r.email || r.phone || 'unknown';
  return maskIdentifiers(label).slice(0, 80);
}

/** A provider failure as one sentence for the agent (never IdP internals or identifiers). */
export function providerFailureReason(err: unknown): string {
  if (err instanceof ProviderError) {
    if (err.kind === 'unavailable') return 'The identity provider could not be reached.';
    if (err.kind === 'misconfigured') return 'The identity provider connection is not set up correctly.';
    if (err.kind === 'not_found') return 'The identity provider does not know this requester or factor.';
    return 'The identity provider refused the request.';
  }
  return 'The verification could not be started.';
}

const linkText = (link: string, minutes: number) =>
  [
    'To confirm it is really you we are speaking with, please open this one-time link and sign in as usual:',
    '',
    link,
    '',
    `It works once and expires in ${minutes} minutes. If you are not on a call with our support team right now, do not open it and reply to this message.`,
  ].join('\n');

function chooseMethod(ctx: MethodContext, method: VerificationMethod): { user: IdpUser } {
  const option = ctx.options.find((o) => o.method === method);
  if (!option) throw new AppError('conflict', 'This verification method is not allowed by your help desk’s policy.');
  if (!option.isAvailable) {
    if (isPushMethod(method) && ctx.pushRetryAfterSeconds !== null) {
      throw new AppError('rate_limited', option.reason ?? 'This customer has had too many pushes; try again later or use another method.', {
        retryAfterSeconds: ctx.pushRetryAfterSeconds,
      });
    }
    throw new AppError('conflict', option.reason ?? 'This verification method cannot be used for this caller right now.');
  }
  const user = ctx.users.get(IDP_OF_METHOD[method]);
  if (!user) throw new AppError('conflict', 'The identity provider has no user for the requester on record.');
  return { user };
}

export async function startVerification(deps: VerificationDeps, session: SidebarSession, input: StartInput): Promise<VerificationRow> {
  const { method } = input;
  const ctx = await methodContext(deps, session);
  const { user } = chooseMethod(ctx, method);
  const provider = ctx.providers.get(IDP_OF_METHOD[method])!;
  if (await repo.findOpen(deps.db, session.tenantId, session.ticketId, session.agentId)) {
    throw new AppError('conflict', 'A verification is already running on this ticket; wait for it or cancel it first.');
  }
  const id = randomUUID();
  if (isPushMethod(method)) {
    const reservation = await reservePushAttempt(deps.db, { tenantId: session.tenantId, requesterKey: ctx.requesterKey, verificationId: id, policy: ctx.policy, now: new Date() });
    if (!reservation.isReserved) {
      const retry = reservation.retryAfterSeconds ?? ctx.policy.pushLimit.cooldownSeconds;
      const option = ctx.options.find((o) => o.method === method);
      throw new AppError('rate_limited', option?.reason && !option.isAvailable ? option.reason : `This customer has had too many pushes; try again in ${Math.ceil(retry / 60)} minutes or use another method.`, {
        retryAfterSeconds: retry,
      });
    }
  }
  const base = {
    id,
    tenantId: session.tenantId,
    purpose: 'caller' as const,
    ticketId: session.ticketId,
    secretId: null,
    agentId: session.agentId,
    agentLabel: maskIdentifiers(session.agentLabel),
    requesterKey: ctx.requesterKey,
    requesterLabel: requesterLabelOf(ctx.requester),
    method,
    policyVersion: ctx.policyVersion,
    timeoutSeconds: ctx.policy.attemptTimeoutSeconds,
    isPolled: isPushMethod(method),
  };
  let started: StartResult;
  try {
    const info = ctx.listed.get(method) ?? { method };
    started = await provider.start(user, info, {
      verificationId: id,
      callbackUrl: `${input.callbackBase}/${IDP_OF_METHOD[method]}`,
      displayContext: `Support ticket ${session.ticketDisplayId}`.slice(0, 60),
    });
  } catch (err) {
    deps.logger.warn({ verification: id.slice(0, 8), method, kind: err instanceof ProviderError ? err.kind : 'internal' }, 'verification could not start');
    await repo.insertVerification(deps.db, { ...base, state: 'failed', binding: null, reason: providerFailureReason(err), idpRef: null, providerState: {} });
    deps.metrics.verificationsFinished.inc({ method, state: 'failed' });
    deps.onNoteQueued();
    return (await repo.findById(deps.db, session.tenantId, id))!;
  }
  const isLink = LINK_METHODS.includes(method);
  const binding: Binding | null = isLink && ctx.requester.email ? { kind: 'link', sentTo: maskEmail(ctx.requester.email) } : started.binding;
  await repo.insertVerification(deps.db, {
    ...base,
    state: isLink ? 'started' : 'waiting',
    binding,
    reason: null,
    idpRef: started.idpRef,
    providerState: started.providerState,
  });
  deps.metrics.verificationsStarted.inc({ method });
  deps.onNoteQueued();
  if (isPushMethod(method)) deps.onPushStarted();
  if (isLink) await sendLink(deps, session, { id, method }, started, ctx.policy.attemptTimeoutSeconds);
  return (await repo.findById(deps.db, session.tenantId, id))!;
}

/**
 * The link goes to the requester's email on record as the desk's own public reply: the desk mails
 * it to the requester; the agent never types or forwards it. Without a sent link the verification
 * fails at once (nothing for the caller to do).
 */
async function sendLink(
  deps: VerificationDeps,
  session: SidebarSession,
  { id, method }: { id: string; method: VerificationMethod },
  started: StartResult,
  timeoutSeconds: number,
): Promise<void> {
  const connector = await deps.connectorFor(session.tenantId);
  let reason = 'The identity provider did not return a link to send.';
  if (started.link && connector) {
    try {
      await connector.addPublicReply(session.ticketId, linkText(started.link, Math.ceil(timeoutSeconds / 60)));
      await repo.markWaiting(deps.db, session.tenantId, id, null);
      return;
    } catch (err) {
      reason = 'The help desk could not send the link to the requester on record.';
      deps.logger.warn({ verification: id.slice(0, 8), kind: err instanceof HelpdeskError ? err.kind : 'internal' }, 'verification link not sent');
    }
  }
  if (await repo.recordOutcome(deps.db, session.tenantId, id, { state: 'failed', reason })) {
    deps.metrics.verificationsFinished.inc({ method, state: 'failed' });
    deps.onNoteQueued();
  }
}

/**
 * A 'recipient' verification (portal, verified-only secret): the link goes straight back to the
 * recipient's browser (they asked for it on the portal page), and the IdP proves it is the
 * requester on record. Recorded like a caller verification, on the secret's ticket.
 */
export async function startRecipientVerification(
  deps: VerificationDeps,
  input: RecipientStartInput & { callbackBase: string },
): Promise<{ url: string }> {
  const [{ version, policy }, providers] = await Promise.all([deps.loadPolicy(input.tenantId), deps.providersFor(input.tenantId)]);
  const provider = providers.get(IDP_OF_METHOD[input.method]);
  if (!provider) throw new AppError('conflict', 'This way of verifying is not connected for this help desk.');
  const keys = requesterKeys(deps.keyring, input.tenantId, { email: input.requester.email, phone: input.requester.phone });
  if (!keys) throw new AppError('forbidden', 'Vouchsafe cannot verify the recipient of this secret: there is no usable contact on record.');
  let user: IdpUser | undefined;
  try {
    user = await provider.resolveUser(input.requester);
  } catch (err) {
    throw new AppError('helpdesk_unavailable', 'The sign-in provider could not be reached; try again in a moment.', { cause: err });
  }
  if (!user) throw new AppError('forbidden', 'The sign-in provider does not know the recipient on record. Ask the sender for help.');
  const id = randomUUID();
  let started: StartResult;
  try {
    started = await provider.start(user, { method: input.method }, {
      verificationId: id,
      callbackUrl: `${input.callbackBase}/${IDP_OF_METHOD[input.method]}`,
      displayContext: 'Open a secret',
    });
  } catch (err) {
    throw new AppError('helpdesk_unavailable', providerFailureReason(err), { cause: err });
  }
  if (!started.link) throw new AppError('internal', 'The sign-in provider did not return a link.');
  await repo.insertVerification(deps.db, {
    id,
    tenantId: input.tenantId,
    purpose: 'recipient',
    ticketId: input.ticketId,
    secretId: input.secretId,
    agentId: input.agentId,
    agentLabel: maskIdentifiers(input.agentLabel),
    requesterKey: keys.primary,
    requesterLabel: requesterLabelOf(input.requester),
    method: input.method,
    state: 'waiting',
    binding: input.requester.email ? { kind: 'link', sentTo: maskEmail(input.requester.email) } : started.binding,
    reason: null,
    idpRef: started.idpRef,
    providerState: started.providerState,
    policyVersion: version,
    timeoutSeconds: policy.attemptTimeoutSeconds,
    isPolled: false,
  });
  deps.metrics.verificationsStarted.inc({ method: input.method });
  deps.onNoteQueued();
  return { url: started.link };
}
