import { VERIFICATION_METHOD_LABELS, type MethodOption, type VerificationMethod, type VerificationPolicy } from '@vouchsafe/contracts';
import { PUSH_METHODS } from './load-policy';

/**
 * Which methods the sidebar offers for this caller right now, in policy order. Pure: the caller
 * gathers the facts (IdP listings, contacts on record, push-limit state) and passes them in.
 *
 * A method is unavailable, with one sentence for the agent, when its IdP is not connected, the IdP
 * lists no such factor for the user, the factor was enrolled or changed within
 * `recentFactorHours`, the customer's push limit (or, for links and codes, contact limit) is
 * reached, or a link / callback method has no usable email / phone on record. When no listed method is available the policy's fallback is offered
 * (`isFallback`), judged without the "not listed" rule because IdP listings may be incomplete;
 * every other rule still applies to it, so a recent factor or a push limit is never bypassed.
 */

export interface MethodFacts {
  /** false: the IdP does not list this method for the user (or has no such user). */
  isListed: boolean;
  /** The agent's sentence when not listed, e.g. "Okta has no user with the requester's email." */
  reason?: string;
  createdAt?: Date | null;
  updatedAt?: Date | null;
}

export interface EvaluationContext {
  /** Methods the tenant's IdP connections make possible (configuredMethods / methodsOfIdp). */
  configuredMethods: readonly VerificationMethod[];
  /** What each IdP said for this user; a method without an entry was not looked up (unknown). */
  facts: Partial<Record<VerificationMethod, MethodFacts>>;
  /** An email on record (IdP profile or desk), never one given on the call. */
  hasEmail: boolean;
  /**
   * The phone a callback code may go to (method-options.ts decides: the IdP profile's, else the desk's only where
   * policy allows and it has not changed recently), or why there is none.
   */
  phone: { isUsable: true } | { isUsable: false; reason: string };
  /** From checkContactLimit for this customer: pushes, and links + codes. */
  pushLimit: { count: number; retryAfterSeconds: number | null };
  contactLimit: { count: number; retryAfterSeconds: number | null };
  now: Date;
}

export const METHOD_LABELS = VERIFICATION_METHOD_LABELS;

const NEEDS_EMAIL: readonly VerificationMethod[] = ['oidc', 'duo_universal'];
const NEEDS_PHONE: readonly VerificationMethod[] = ['callback_sms', 'callback_voice'];

const IDP_NAMES: Readonly<Record<VerificationMethod, string>> = {
  okta_push: 'Okta',
  duo_push: 'Duo',
  duo_universal: 'Duo (Universal Prompt)',
  oidc: 'Sign-in (OIDC)',
  callback_sms: 'Twilio Verify',
  callback_voice: 'Twilio Verify',
};

const plural = (n: number, unit: string, units = `${unit}s`) => `${n} ${n === 1 ? unit : units}`;
const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

export function pushLimitSentence(policy: Pick<VerificationPolicy, 'pushLimit'>, retryAfterSeconds: number): string {
  const { count, windowSeconds } = policy.pushLimit;
  const window = plural(minutes(windowSeconds), 'minute');
  return `This customer has had ${plural(count, 'push', 'pushes')} in ${window}; try again in ${plural(minutes(retryAfterSeconds), 'minute')} or use another method.`;
}

export function contactLimitSentence(policy: Pick<VerificationPolicy, 'contactLimit'>, retryAfterSeconds: number): string {
  const { count, windowSeconds } = policy.contactLimit;
  const window = plural(minutes(windowSeconds), 'minute');
  return `This customer has been sent ${plural(count, 'link or code', 'links or codes')} in ${window}; try again in ${plural(minutes(retryAfterSeconds), 'minute')} or use another method.`;
}

function isRecent(facts: MethodFacts | undefined, hours: number, now: Date): boolean {
  if (!facts || hours <= 0) return false;
  const since = now.getTime() - hours * 3600_000;
  return [facts.createdAt, facts.updatedAt].some((d) => d instanceof Date && d.getTime() > since);
}

/** Why `method` cannot be used now, or null. `ignoreListing` for the fallback. */
function unavailableReason(
  method: VerificationMethod,
  policy: VerificationPolicy,
  ctx: EvaluationContext,
  ignoreListing: boolean,
): string | null {
  if (!ctx.configuredMethods.includes(method)) return `${IDP_NAMES[method]} is not connected for this help desk.`;
  if (NEEDS_EMAIL.includes(method) && !ctx.hasEmail) return 'There is no email on record to send the link to.';
  if (NEEDS_PHONE.includes(method) && !ctx.phone.isUsable) return ctx.phone.reason;
  const facts = ctx.facts[method];
  if (facts && !facts.isListed && !ignoreListing) return facts.reason ?? `${IDP_NAMES[method]} lists no such factor for this caller.`;
  if (isRecent(facts, policy.recentFactorHours, ctx.now)) {
    return `A factor changed in the last ${plural(policy.recentFactorHours, 'hour')} is not enough on its own.`;
  }
  if (PUSH_METHODS.includes(method)) {
    return ctx.pushLimit.retryAfterSeconds !== null ? pushLimitSentence(policy, ctx.pushLimit.retryAfterSeconds) : null;
  }
  if (ctx.contactLimit.retryAfterSeconds !== null) return contactLimitSentence(policy, ctx.contactLimit.retryAfterSeconds);
  return null;
}

const option = (method: VerificationMethod, reason: string | null, isFallback: boolean): MethodOption => ({
  method,
  label: METHOD_LABELS[method],
  isAvailable: reason === null,
  reason,
  isFallback,
});

export function evaluateMethods(policy: VerificationPolicy, ctx: EvaluationContext): MethodOption[] {
  const options = policy.methods.map((m) => option(m, unavailableReason(m, policy, ctx, false), false));
  const fallback = policy.fallbackMethod;
  if (fallback === null || options.some((o) => o.isAvailable)) return options;
  const fallbackOption = option(fallback, unavailableReason(fallback, policy, ctx, true), true);
  const at = options.findIndex((o) => o.method === fallback);
  if (at >= 0) options[at] = fallbackOption;
  else options.push(fallbackOption);
  return options;
}
