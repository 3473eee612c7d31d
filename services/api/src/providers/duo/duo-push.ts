import type { VerificationMethod } from '@vouchsafe/contracts';
import type { MethodInfo, ProviderOutcome } from '../provider.types';

/**
 * Pure readings of Duo Auth API answers (preauth, auth_status). Anything not recognised is not a pass (S7).
 */

const REASONS = {
  bypass: 'Duo lets this caller in without a second factor (bypass), so a Duo approval would prove nothing.',
  enroll: 'This caller has not enrolled a device with Duo.',
  deny: 'Duo refuses this caller (locked out or denied by policy).',
  unknown: 'Duo answered with a result Vouchsafe does not accept.',
  noPush: 'This caller has no Duo Mobile device that can take a push.',
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasPushDevice(devices: unknown): boolean {
  return Array.isArray(devices) && devices.some((d) => isObject(d) && Array.isArray(d.capabilities) && d.capabilities.includes('push'));
}

/**
 * preauth → what this caller can do. Only `auth` (enrolled, MFA required) lets a method through; `allow` is a
 * bypass user and must never count as verified, `enroll` / `deny` cannot verify.
 */
export function methodsFromPreauth(preauth: unknown, methods: readonly VerificationMethod[]): MethodInfo[] {
  const result = isObject(preauth) ? preauth.result : undefined;
  const blocked =
    result === 'auth'
      ? undefined
      : result === 'allow'
        ? REASONS.bypass
        : result === 'enroll'
          ? REASONS.enroll
          : result === 'deny'
            ? REASONS.deny
            : REASONS.unknown;
  return methods.map((method): MethodInfo => {
    if (blocked) return { method, unavailableReason: blocked };
    if (method === 'duo_push' && !hasPushDevice(isObject(preauth) ? preauth.devices : undefined))
      return { method, unavailableReason: REASONS.noPush };
    return { method };
  });
}

/** The code Duo asks the caller to type into Duo Mobile (Verified Duo Push), from auth_status's status_msg. */
export function verifiedPushCode(status: unknown): string | null {
  if (!isObject(status) || typeof status.status_msg !== 'string') return null;
  const match = /verification code\D{0,3}(\d{3,10})\b/i.exec(status.status_msg);
  return match?.[1] ?? null;
}

/** auth_status → outcome. allow only with status allow (a bypass "allow" is not an approval). */
export function outcomeFromStatus(status: unknown): ProviderOutcome {
  if (!isObject(status)) return { state: 'failed', reason: REASONS.unknown };
  const { result, status: detail } = status;
  if (result === 'waiting') return { state: 'waiting' };
  if (result === 'allow') {
    return detail === 'allow'
      ? { state: 'verified' }
      : { state: 'failed', reason: 'Duo let the attempt through without the caller approving it (bypass).' };
  }
  if (result === 'deny') {
    if (detail === 'fraud')
      return { state: 'denied', detail: 'reported_fraud', reason: 'The caller reported the push as fraud in Duo Mobile: possible fraud.' };
    if (detail === 'timeout') return { state: 'timed_out' };
    if (detail === 'deny') return { state: 'denied', detail: 'customer_denied', reason: 'The push was denied on the caller’s phone.' };
    if (detail === 'locked_out') return { state: 'failed', reason: 'Duo has locked this caller out.' };
    return { state: 'failed', reason: 'Duo refused the attempt.' };
  }
  return { state: 'failed', reason: 'Duo answered with a state Vouchsafe does not accept.' };
}
