import type { ContactSource, IdpKind, MethodOption, VerificationMethod, VerificationPolicy } from '@vouchsafe/contracts';
import { HelpdeskError, type HelpdeskConnector, type HelpdeskPerson } from '../../helpdesks/helpdesk.types';
import { AppError } from '../../errors';
import type { RequesterKeys } from '../../lib/requester-key';
import {
  ProviderError,
  type IdpUser,
  type MethodInfo,
  type RequesterOnRecord,
  type VerificationProvider,
} from '../../providers/provider.types';
import { IDP_DESCRIPTORS, IDP_OF_METHOD } from '../../providers/registry';
import { evaluateMethods, type EvaluationContext, type MethodFacts } from '../policy/evaluate';
import { checkContactLimit } from '../policy/contact-limit';
import type { ActingSession } from '../sessions/session.types';
import type { VerificationDeps } from './verification.deps';

/**
 * Everything a method decision needs, gathered server-side: the requester on record (from the desk,
 * never the browser), each connected IdP's user and factors, the phone a callback code may go to
 * (and where it came from), the customer's push and contact limits, and the policy's verdict per
 * method.
 */
export interface MethodContext {
  requester: RequesterOnRecord;
  requesterKeys: RequesterKeys;
  policy: VerificationPolicy;
  policyVersion: number;
  providers: ReadonlyMap<IdpKind, VerificationProvider>;
  users: Map<IdpKind, IdpUser>;
  listed: Map<VerificationMethod, MethodInfo>;
  options: MethodOption[];
  /** Where the number a callback code goes to came from; null when no number may receive one. */
  phoneSource: ContactSource | null;
  pushRetryAfterSeconds: number | null;
  contactRetryAfterSeconds: number | null;
}

const DAY_MS = 24 * 3600 * 1000;

export const deskUnavailable = (cause: unknown) =>
  new AppError('helpdesk_unavailable', 'The help desk could not be reached to look up the requester; try again in a moment.', { cause });

/** The ticket's requester as the desk has them on record, with the desk's own record of them. */
export interface RequesterLookup {
  requester: RequesterOnRecord;
  person: HelpdeskPerson;
  connector: HelpdeskConnector;
}

/** The ticket's requester as the desk has them on record. */
export async function requesterOnRecord(deps: Pick<VerificationDeps, 'connectorFor'>, session: ActingSession): Promise<RequesterLookup> {
  const connector = await deps.connectorFor(session.tenantId);
  if (!connector)
    throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
  let person;
  try {
    const ticket = await connector.getTicket(session.ticketId);
    person = ticket ? await connector.getRequester(ticket) : undefined;
  } catch (err) {
    if (err instanceof HelpdeskError) throw deskUnavailable(err);
    throw err;
  }
  if (!person || (!person.email && !person.phone)) {
    throw new AppError('conflict', 'This ticket has no requester with an email or phone number on record, so there is no one to verify.');
  }
  return { requester: { email: person.email, phone: person.phone, name: person.name }, person, connector };
}

async function factsOf(
  kind: IdpKind,
  provider: VerificationProvider,
  requester: RequesterOnRecord,
): Promise<{ kind: IdpKind; user?: IdpUser; listed: MethodInfo[]; facts: Partial<Record<VerificationMethod, MethodFacts>> }> {
  const facts: Partial<Record<VerificationMethod, MethodFacts>> = {};
  try {
    const user = await provider.resolveUser(requester);
    if (!user) {
      for (const m of provider.methods)
        facts[m] = { isListed: false, reason: `${IDP_DESCRIPTORS[kind].name} has no user for the requester on record.` };
      return { kind, listed: [], facts };
    }
    const listed = await provider.listMethods(user);
    for (const m of provider.methods) {
      const info = listed.find((l) => l.method === m);
      facts[m] = info
        ? {
            isListed: !info.unavailableReason,
            ...(info.unavailableReason ? { reason: info.unavailableReason } : {}),
            createdAt: info.createdAt ?? null,
            updatedAt: info.updatedAt ?? null,
          }
        : { isListed: false };
    }
    return { kind, user, listed, facts };
  } catch (err) {
    const reason =
      err instanceof ProviderError && err.kind === 'misconfigured'
        ? `${IDP_DESCRIPTORS[kind].name} is not set up correctly for this help desk.`
        : `${IDP_DESCRIPTORS[kind].name} could not be reached; try again in a moment.`;
    for (const m of provider.methods) facts[m] = { isListed: false, reason };
    return { kind, listed: [], facts };
  }
}

export type PhoneOnRecord = { isUsable: true; phone: string; source: ContactSource } | { isUsable: false; reason: string };

/**
 * The number a callback code may go to (DESIGN S11): the phone in an identity provider's profile
 * (a directory the bank controls), never a number given on the call. The desk's number — which
 * agents can edit — only when the policy allows it AND the desk shows it unchanged for
 * `minUnchangedDays`; a desk that cannot tell when it changed counts as "changed just now".
 */
export async function phoneOnRecord(
  lookup: Pick<RequesterLookup, 'requester' | 'person' | 'connector'>,
  idpUsers: ReadonlyMap<IdpKind, IdpUser>,
  policy: Pick<VerificationPolicy, 'deskPhoneFallback'>,
  now: Date,
): Promise<PhoneOnRecord> {
  // Twilio has no directory (its "user" is whatever number it is given), so only real IdPs count here.
  const fromIdp = [...idpUsers].find(([kind, u]) => kind !== 'twilio' && u.phone)?.[1].phone;
  if (fromIdp) return { isUsable: true, phone: fromIdp, source: 'idp' };
  const deskPhone = lookup.requester.phone;
  const { isAllowed, minUnchangedDays } = policy.deskPhoneFallback;
  if (!deskPhone) return { isUsable: false, reason: 'There is no phone number on record to call back.' };
  if (!isAllowed) {
    return {
      isUsable: false,
      reason: 'The identity provider has no phone number for this caller, and this policy does not send codes to the help desk’s number.',
    };
  }
  let changedAt: Date | null;
  try {
    changedAt = await lookup.connector.phoneChangedAt(lookup.person);
  } catch {
    changedAt = null;
  }
  if (changedAt === null) {
    return {
      isUsable: false,
      reason: 'The help desk cannot tell when its phone number for this caller last changed, so it cannot receive a code.',
    };
  }
  if (now.getTime() - changedAt.getTime() < minUnchangedDays * DAY_MS) {
    return {
      isUsable: false,
      reason: `The help desk’s phone number for this caller changed in the last ${minUnchangedDays} days, so it cannot receive a code.`,
    };
  }
  return { isUsable: true, phone: deskPhone, source: 'desk' };
}

export async function methodContext(deps: VerificationDeps, session: ActingSession, now = new Date()): Promise<MethodContext> {
  const lookup = await requesterOnRecord(deps, session);
  const { requester } = lookup;
  const keys = await deps.requesterKeys.keysFor(session.tenantId, { email: requester.email, phone: requester.phone });
  if (!keys) throw new AppError('conflict', 'The requester’s email or phone number on record is not usable for verification.');
  const [{ version, policy }, providers] = await Promise.all([deps.loadPolicy(session.tenantId), deps.providersFor(session.tenantId)]);
  const wanted = new Set<IdpKind>(
    [...policy.methods, ...(policy.fallbackMethod ? [policy.fallbackMethod] : [])].map((m) => IDP_OF_METHOD[m]),
  );
  const inUse = [...providers].filter(([kind]) => wanted.has(kind));
  // Directories first: the callback provider may only be given the number they (or a trusted desk) hold.
  const looked = await Promise.all(inUse.filter(([kind]) => kind !== 'twilio').map(([kind, p]) => factsOf(kind, p, requester)));
  const users = new Map<IdpKind, IdpUser>();
  for (const l of looked) if (l.user) users.set(l.kind, l.user);
  const phone = await phoneOnRecord(lookup, users, policy, now);
  const callback = inUse.find(([kind]) => kind === 'twilio');
  if (callback) looked.push(await factsOf('twilio', callback[1], { ...requester, phone: phone.isUsable ? phone.phone : null }));
  const listed = new Map<VerificationMethod, MethodInfo>();
  const facts: Partial<Record<VerificationMethod, MethodFacts>> = {};
  for (const l of looked) {
    if (l.user) users.set(l.kind, l.user);
    for (const info of l.listed) listed.set(info.method, info);
    Object.assign(facts, l.facts);
  }
  const [push, contact] = await Promise.all([
    checkContactLimit(deps.db, session.tenantId, keys, 'push', policy, now),
    checkContactLimit(deps.db, session.tenantId, keys, 'link', policy, now),
  ]);
  const evaluation: EvaluationContext = {
    configuredMethods: [...providers.values()].flatMap((p) => p.methods),
    facts,
    hasEmail: Boolean(requester.email) || [...users.values()].some((u) => u.email),
    phone: phone.isUsable ? { isUsable: true } : phone,
    pushLimit: push,
    contactLimit: contact,
    now,
  };
  return {
    requester,
    requesterKeys: keys,
    policy,
    policyVersion: version,
    providers,
    users,
    listed,
    options: evaluateMethods(policy, evaluation),
    phoneSource: phone.isUsable ? phone.source : null,
    pushRetryAfterSeconds: push.retryAfterSeconds,
    contactRetryAfterSeconds: contact.retryAfterSeconds,
  };
}
