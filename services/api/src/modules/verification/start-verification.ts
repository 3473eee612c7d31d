import { randomUUID } from 'node:crypto';
import { API_PATHS, LINK_METHODS, type VerificationMethod, type VerificationPolicy } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { HelpdeskError } from '../../helpdesks/helpdesk.types';
import { maskEmail, maskIdentifiers } from '../../lib/mask';
import { ProviderError, type IdpUser, type StartResult, type VerificationProvider } from '../../providers/provider.types';
import { IDP_OF_METHOD } from '../../providers/registry';
import { contactLimitSentence, pushLimitSentence } from '../policy/evaluate';
import { channelOf, reserveContact, type CustomerKeys } from '../policy/contact-limit';
import type { ActingSession } from '../sessions/session.types';
import { methodContext, type MethodContext } from './method-options';
import type { RecipientStartInput } from './recipient-hook';
import type { VerificationDeps } from './verification.deps';
import * as repo from './verification.repository';
import { closeExpiredOpen, recordOutcome } from './verification-outcomes.repository';
import {
  insertVerification,
  isOpenVerificationConflict,
  markAccepted,
  markWaiting,
  recipientStartsBlocked,
  recordThrottledStart,
  setShortLink,
  type IdpAccepted,
  type NewVerification,
} from './verification-start.repository';
import { newShortLinkId } from './short-link.routes';
import { isPushMethod, type VerificationRow } from './verification.types';

/**
 * Start: look everything up server-side and apply policy (method allowed and available, recent-factor
 * guard, phone on record); then RESERVE in one short transaction — close this agent's expired
 * attempt, take a slot in the customer's push/contact limit, insert the verification as `started`
 * with its audit event and note (the database refuses a second open one) — and only then ask the
 * IdP, outside any transaction. Its answer lands on the reserved row. Link methods then send the
 * link to the requester on record through the desk's own public reply (see NOTES.md) and move to
 * `waiting`.
 */

export interface StartInput {
  method: VerificationMethod;
  /** `${publicUrl}/verify/callback/<idp kind>` base, without the kind. */
  callbackBase: string;
  /** `${publicUrl}`: where the short sign-in link (`/v/<id>`) posted to the requester lives. */
  publicUrl: string;
}

/** At most this many sign-ins may be started for one verified-only secret per hour (each writes notes). */
export const RECIPIENT_STARTS_PER_SECRET = 5;
const RECIPIENT_WINDOW_SECONDS = 3600;

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
    'To confirm it is really you we are speaking with, please open this one-time link. It takes you to your usual sign-in page:',
    '',
    link,
    '',
    `It works once and expires in ${minutes} minutes. If you are not on a call with our support team right now, do not open it and reply to this message.`,
  ].join('\n');

function chooseMethod(ctx: MethodContext, method: VerificationMethod): { user: IdpUser } {
  const option = ctx.options.find((o) => o.method === method);
  if (!option) throw new AppError('conflict', 'This verification method is not allowed by your help desk’s policy.');
  if (!option.isAvailable) {
    // A method unavailable only because the customer's push or contact limit is reached: 429 with when to retry.
    const retryAfterSeconds = isPushMethod(method) ? ctx.pushRetryAfterSeconds : ctx.contactRetryAfterSeconds;
    if (retryAfterSeconds !== null && option.reason === limitSentence(ctx.policy, method, retryAfterSeconds)) {
      throw new AppError('rate_limited', option.reason, { retryAfterSeconds });
    }
    throw new AppError('conflict', option.reason ?? 'This verification method cannot be used for this caller right now.');
  }
  const user = ctx.users.get(IDP_OF_METHOD[method]);
  if (!user) throw new AppError('conflict', 'The identity provider has no user for the requester on record.');
  return { user };
}

/** The sentence evaluate.ts gives a method blocked by the customer's push or contact limit. */
function limitSentence(policy: VerificationPolicy, method: VerificationMethod, retryAfterSeconds: number): string {
  return isPushMethod(method) ? pushLimitSentence(policy, retryAfterSeconds) : contactLimitSentence(policy, retryAfterSeconds);
}

interface Reservation {
  verification: NewVerification;
  keys: CustomerKeys;
  policy: VerificationPolicy;
  /** Caller verifications: close this agent's expired attempt on the ticket first. */
  closeExpired?: { ticketId: string; agentId: string };
  /** Recipient verifications: the per-secret cap. */
  secretId?: string;
  /** The agent's sentence when the limit is reached (the option's own reason, when it has one). */
  limitReason?: string | null;
}

/**
 * One short transaction, no network call: close an expired attempt, enforce the per-secret cap and
 * the customer's push/contact limit (each under its advisory lock), insert the `started` row with its
 * audit event and note. Nothing is written when any step refuses.
 */
async function reserve(deps: VerificationDeps, r: Reservation): Promise<void> {
  const n = r.verification;
  const channel = channelOf(n.method);
  try {
    await deps.db.transaction().execute(async (trx) => {
      if (r.closeExpired) await closeExpiredOpen(trx, n.tenantId, r.closeExpired.ticketId, r.closeExpired.agentId);
      if (r.secretId !== undefined) {
        const retry = await recipientStartsBlocked(trx, n.tenantId, r.secretId, RECIPIENT_STARTS_PER_SECRET, RECIPIENT_WINDOW_SECONDS);
        if (retry !== null) {
          throw new AppError(
            'rate_limited',
            `Sign-in for this secret was started too often; try again in ${Math.ceil(retry / 60)} minutes.`,
            {
              retryAfterSeconds: retry,
            },
          );
        }
      }
      const slot = await reserveContact(trx, {
        tenantId: n.tenantId,
        keys: r.keys,
        verificationId: n.id,
        channel,
        policy: r.policy,
        now: new Date(),
      });
      if (!slot.isReserved) {
        const retry = slot.retryAfterSeconds ?? (channel === 'push' ? r.policy.pushLimit : r.policy.contactLimit).cooldownSeconds;
        const sentence = channel === 'push' ? pushLimitSentence(r.policy, retry) : contactLimitSentence(r.policy, retry);
        throw new AppError('rate_limited', r.limitReason ?? sentence, { retryAfterSeconds: retry });
      }
      await insertVerification(trx, n);
    });
  } catch (err) {
    if (isOpenVerificationConflict(err)) {
      throw new AppError('conflict', 'A verification is already running on this ticket; wait for it or cancel it first.');
    }
    throw err;
  }
  deps.onNoteQueued();
}

/** The IdP refused or failed to start: the reserved row records why (audit, note). */
async function recordStartFailure(
  deps: VerificationDeps,
  tenantId: string,
  id: string,
  method: VerificationMethod,
  err: unknown,
): Promise<void> {
  deps.logger.warn(
    { verification: id.slice(0, 8), method, kind: err instanceof ProviderError ? err.kind : 'internal' },
    'verification could not start',
  );
  if (await recordOutcome(deps.db, tenantId, id, { state: 'failed', reason: providerFailureReason(err) })) {
    deps.metrics.verificationsFinished.inc({ method, state: 'failed' });
    deps.onNoteQueued();
  }
}

/** Lands the IdP's answer on the reserved row; when the agent cancelled meanwhile, cancels at the IdP too. */
async function accept(
  deps: VerificationDeps,
  provider: VerificationProvider,
  row: { tenantId: string; id: string; method: VerificationMethod },
  started: StartResult,
  accepted: Omit<IdpAccepted, 'idpRef' | 'providerState'>,
): Promise<boolean> {
  const isAccepted = await markAccepted(deps.db, row.tenantId, row.id, {
    ...accepted,
    idpRef: started.idpRef,
    providerState: started.providerState,
  });
  if (!isAccepted) {
    await provider.cancel(started.providerState).catch(() => undefined);
    return false;
  }
  deps.metrics.verificationsStarted.inc({ method: row.method });
  return true;
}

export async function startVerification(deps: VerificationDeps, session: ActingSession, input: StartInput): Promise<VerificationRow> {
  const { method } = input;
  const ctx = await methodContext(deps, session);
  const id = randomUUID();
  const option = ctx.options.find((o) => o.method === method);
  let user: IdpUser;
  try {
    ({ user } = chooseMethod(ctx, method));
    await reserve(deps, {
      verification: {
        id,
        tenantId: session.tenantId,
        purpose: 'caller',
        ticketId: session.ticketId,
        secretId: null,
        agentId: session.agentId,
        agentLabel: maskIdentifiers(session.agentLabel),
        requesterKey: ctx.requesterKeys.primary,
        requesterLabel: requesterLabelOf(ctx.requester),
        method,
        contactSource: channelOf(method) === 'code' ? ctx.phoneSource : null,
        policyVersion: ctx.policyVersion,
        timeoutSeconds: ctx.policy.attemptTimeoutSeconds,
      },
      keys: ctx.requesterKeys,
      policy: ctx.policy,
      closeExpired: { ticketId: session.ticketId, agentId: session.agentId },
      limitReason: option && !option.isAvailable ? option.reason : null,
    });
  } catch (err) {
    // The customer's push or contact limit refused this start (possible push bombing): audited after the rollback,
    // so reviewers and the SIEM (high severity) see it; nothing else was written.
    if (err instanceof AppError && err.code === 'rate_limited') {
      await recordThrottledStart(deps.db, {
        tenantId: session.tenantId,
        ticketId: session.ticketId,
        agentId: session.agentId,
        agentLabel: maskIdentifiers(session.agentLabel),
        method,
        retryAfterSeconds: err.extra.retryAfterSeconds ?? null,
      });
    }
    throw err;
  }
  const provider = ctx.providers.get(IDP_OF_METHOD[method])!;
  const found = async () => (await repo.findById(deps.db, session.tenantId, id))!;
  let started: StartResult;
  try {
    const info = ctx.listed.get(method) ?? { method };
    started = await provider.start(user, info, {
      verificationId: id,
      callbackUrl: `${input.callbackBase}/${IDP_OF_METHOD[method]}`,
      displayContext: `Support ticket ${session.ticketDisplayId}`.slice(0, 60),
    });
  } catch (err) {
    await recordStartFailure(deps, session.tenantId, id, method, err);
    return found();
  }
  const isLink = LINK_METHODS.includes(method);
  const binding = isLink && ctx.requester.email ? { kind: 'link' as const, sentTo: maskEmail(ctx.requester.email) } : started.binding;
  const row = { tenantId: session.tenantId, id, method };
  if (!(await accept(deps, provider, row, started, { state: isLink ? 'started' : 'waiting', binding, isPolled: isPushMethod(method) })))
    return found();
  if (isPushMethod(method)) deps.onPushStarted();
  if (isLink) await sendLink(deps, session, { id, method, publicUrl: input.publicUrl }, started, ctx.policy.attemptTimeoutSeconds);
  return found();
}

/**
 * The link goes to the requester's email on record as the desk's own public reply: the desk mails
 * it to the requester; the agent never types or forwards it. Without a sent link the verification
 * fails at once (nothing for the caller to do).
 */
async function sendLink(
  deps: VerificationDeps,
  session: ActingSession,
  { id, method, publicUrl }: { id: string; method: VerificationMethod; publicUrl: string },
  started: StartResult,
  timeoutSeconds: number,
): Promise<void> {
  const connector = await deps.connectorFor(session.tenantId);
  let reason = 'The identity provider did not return a link to send.';
  if (started.link && connector) {
    // Issue 16 item 6: the reply carries a short link on our own origin that redirects to the IdP while the attempt
    // is open (short-link.routes.ts), never the IdP's long URL. A cancel that won the race leaves nothing to post.
    const shortId = newShortLinkId();
    if (!(await setShortLink(deps.db, session.tenantId, id, shortId, started.link))) return;
    const shortUrl = `${publicUrl.replace(/\/+$/, '')}${API_PATHS.shortLink(shortId)}`;
    try {
      await connector.addPublicReply(session.ticketId, linkText(shortUrl, Math.ceil(timeoutSeconds / 60)));
      await markWaiting(deps.db, session.tenantId, id, null);
      return;
    } catch (err) {
      reason = 'The help desk could not send the link to the requester on record.';
      deps.logger.warn(
        { verification: id.slice(0, 8), kind: err instanceof HelpdeskError ? err.kind : 'internal' },
        'verification link not sent',
      );
    }
  }
  if (await recordOutcome(deps.db, session.tenantId, id, { state: 'failed', reason })) {
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
  const keys = await deps.requesterKeys.keysFor(input.tenantId, { email: input.requester.email, phone: input.requester.phone });
  if (!keys) throw new AppError('forbidden', 'Vouchsafe cannot verify the recipient of this secret: there is no usable contact on record.');
  let user: IdpUser | undefined;
  try {
    user = await provider.resolveUser(input.requester);
  } catch (err) {
    throw new AppError('idp_unavailable', 'The sign-in provider could not be reached; try again in a moment.', { cause: err });
  }
  if (!user) throw new AppError('forbidden', 'The sign-in provider does not know the recipient on record. Ask the sender for help.');
  const id = randomUUID();
  await reserve(deps, {
    verification: {
      id,
      tenantId: input.tenantId,
      purpose: 'recipient',
      ticketId: input.ticketId,
      secretId: input.secretId,
      agentId: input.agentId,
      agentLabel: maskIdentifiers(input.agentLabel),
      // The key stored with the secret (which this requester matched): the grant compares exactly these.
      requesterKey: input.requesterKey,
      requesterLabel: requesterLabelOf(input.requester),
      method: input.method,
      contactSource: null,
      policyVersion: version,
      timeoutSeconds: policy.attemptTimeoutSeconds,
    },
    keys,
    policy,
    secretId: input.secretId,
  });
  let started: StartResult;
  try {
    started = await provider.start(
      user,
      { method: input.method },
      {
        verificationId: id,
        callbackUrl: `${input.callbackBase}/${IDP_OF_METHOD[input.method]}`,
        displayContext: 'Open a secret',
      },
    );
    if (!started.link) throw new ProviderError('rejected', 'The sign-in provider did not return a link.');
  } catch (err) {
    await recordStartFailure(deps, input.tenantId, id, input.method, err);
    throw new AppError('idp_unavailable', providerFailureReason(err), { cause: err });
  }
  const binding = input.requester.email ? { kind: 'link' as const, sentTo: maskEmail(input.requester.email) } : started.binding;
  const row = { tenantId: input.tenantId, id, method: input.method };
  if (!(await accept(deps, provider, row, started, { state: 'waiting', binding, isPolled: false }))) {
    throw new AppError('conflict', 'This sign-in was closed before it could start. Try again.');
  }
  return { url: started.link };
}
