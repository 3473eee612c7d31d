import type { IdpKind, MethodOption, VerificationMethod, VerificationPolicy } from '@vouchsafe/contracts';
import { HelpdeskError } from '../../helpdesks/helpdesk.types';
import { AppError } from '../../errors';
import { requesterKeys } from '../../lib/requester-key';
import { ProviderError, type IdpUser, type MethodInfo, type RequesterOnRecord, type VerificationProvider } from '../../providers/provider.types';
import { IDP_OF_METHOD } from '../idps/idp-config';
import { evaluateMethods, type MethodFacts } from '../policy/evaluate';
import { checkPushLimit } from '../policy/push-limit';
import type { SidebarSession } from '../sessions/session.types';
import type { VerificationDeps } from './verification.deps';

/**
 * Everything a method decision needs, gathered server-side: the requester on record (from the desk,
 * never the browser), each connected IdP's user and factors, the customer's push-limit state, and
 * the policy's verdict per method.
 */
export interface MethodContext {
  requester: RequesterOnRecord;
  requesterKey: Buffer;
  policy: VerificationPolicy;
  policyVersion: number;
  providers: ReadonlyMap<IdpKind, VerificationProvider>;
  users: Map<IdpKind, IdpUser>;
  listed: Map<VerificationMethod, MethodInfo>;
  options: MethodOption[];
  pushRetryAfterSeconds: number | null;
}

const IDP_NAMES: Record<IdpKind, string> = { okta: 'Okta', duo: 'Duo', oidc: 'The sign-in provider', twilio: 'Twilio Verify' };

export const deskUnavailable = (cause: unknown) =>
  new AppError('helpdesk_unavailable', 'The help desk could not be reached to look up the requester; try again in a moment.', { cause });

/** The ticket's requester as the desk has them on record. */
export async function requesterOnRecord(deps: Pick<VerificationDeps, 'connectorFor'>, session: SidebarSession): Promise<RequesterOnRecord> {
  const connector = await deps.connectorFor(session.tenantId);
  if (!connector) throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
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
  return { email: person.email, phone: person.phone, name: person.name };
}

async function factsOf(
  kind: IdpKind,
  provider: VerificationProvider,
  requester: RequesterOnRecord,
): Promise<{ user?: IdpUser; listed: MethodInfo[]; facts: Partial<Record<VerificationMethod, MethodFacts>> }> {
  const facts: Partial<Record<VerificationMethod, MethodFacts>> = {};
  try {
    const user = await provider.resolveUser(requester);
    if (!user) {
      for (const m of provider.methods) facts[m] = { isListed: false, reason: `${IDP_NAMES[kind]} has no user for the requester on record.` };
      return { listed: [], facts };
    }
    const listed = await provider.listMethods(user);
    for (const m of provider.methods) {
      const info = listed.find((l) => l.method === m);
      facts[m] = info
        ? { isListed: !info.unavailableReason, ...(info.unavailableReason ? { reason: info.unavailableReason } : {}), createdAt: info.createdAt ?? null, updatedAt: info.updatedAt ?? null }
        : { isListed: false };
    }
    return { user, listed, facts };
  } catch (err) {
    const reason =
      err instanceof ProviderError && err.kind === 'misconfigured'
        ? `${IDP_NAMES[kind]} is not set up correctly for this help desk.`
        : `${IDP_NAMES[kind]} could not be reached; try again in a moment.`;
    for (const m of provider.methods) facts[m] = { isListed: false, reason };
    return { listed: [], facts };
  }
}

export async function methodContext(deps: VerificationDeps, session: SidebarSession, now = new Date()): Promise<MethodContext> {
  const requester = await requesterOnRecord(deps, session);
  const keys = requesterKeys(deps.keyring, session.tenantId, { email: requester.email, phone: requester.phone });
  if (!keys) throw new AppError('conflict', 'The requester’s email or phone number on record is not usable for verification.');
  const [{ version, policy }, providers] = await Promise.all([deps.loadPolicy(session.tenantId), deps.providersFor(session.tenantId)]);
  const wanted = new Set<IdpKind>([...policy.methods, ...(policy.fallbackMethod ? [policy.fallbackMethod] : [])].map((m) => IDP_OF_METHOD[m]));
  const looked = await Promise.all(
    [...providers].filter(([kind]) => wanted.has(kind)).map(async ([kind, p]) => ({ kind, ...(await factsOf(kind, p, requester)) })),
  );
  const users = new Map<IdpKind, IdpUser>();
  const listed = new Map<VerificationMethod, MethodInfo>();
  const facts: Partial<Record<VerificationMethod, MethodFacts>> = {};
  for (const l of looked) {
    if (l.user) users.set(l.kind, l.user);
    for (const info of l.listed) listed.set(info.method, info);
    Object.assign(facts, l.facts);
  }
  const push = await checkPushLimit(deps.db, session.tenantId, keys.primary, policy, now);
  const hasEmail = Boolean(requester.email) || [...users.values()].some((u) => u.email);
  const hasPhone = Boolean(requester.phone) || [...users.values()].some((u) => u.phone);
  const options = evaluateMethods(policy, {
    configuredMethods: [...providers.values()].flatMap((p) => p.methods),
    facts,
    hasEmail,
    hasPhone,
    pushLimit: push,
    now,
  });
  return {
    requester,
    requesterKey: keys.primary,
    policy,
    policyVersion: version,
    providers,
    users,
    listed,
    options,
    pushRetryAfterSeconds: push.retryAfterSeconds,
  };
}
