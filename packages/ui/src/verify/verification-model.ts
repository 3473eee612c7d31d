import {
  FINAL_STATES,
  type MethodOption,
  type Verification,
  type VerificationMethod,
  type VerificationOverview,
} from '@vouchsafe/contracts';
import { messages } from '../messages';

/**
 * What the Verify caller section shows, as `data-verification` on the section (e2e keys on it):
 * the verification's own state, or one of the section's own.
 */
export type VerifyView =
  | 'loading'
  | 'load-failed'
  | 'none' // nothing started yet
  | Verification['state']
  | 'override-requested' // failed/denied/timed out, waiting for a supervisor
  | 'expired'; // was verified or overridden, validUntil has passed

const RANK: Record<Verification['state'], number> = {
  started: 0,
  waiting: 1,
  verified: 2,
  denied: 2,
  timed_out: 2,
  failed: 2,
  cancelled: 2,
  overridden: 2,
};

export const isFinal = (v: Verification): boolean => FINAL_STATES.includes(v.state);
export const isInProgress = (v: Verification | null): v is Verification => v !== null && !isFinal(v);

/** Failed, denied and timed-out verifications may go to a supervisor (once); nothing else may. */
export const canRequestOverride = (v: Verification | null): v is Verification =>
  v !== null && (v.state === 'failed' || v.state === 'denied' || v.state === 'timed_out') && v.override === null;

/**
 * Whether an update may replace what is shown for the same verification. Events can arrive out
 * of order with a catch-up read, so a state never goes back (waiting → started, failed → waiting);
 * within the same rank the newer answer wins (attempts left, override requested → approved).
 */
export function isNewer(next: Verification, shown: Verification): boolean {
  return RANK[next.state] >= RANK[shown.state];
}

export function viewOf(current: Verification | null, nowMs: number): VerifyView {
  if (current === null) return 'none';
  if (
    (current.state === 'verified' || current.state === 'overridden') &&
    current.validUntil !== null &&
    Date.parse(current.validUntil) <= nowMs
  ) {
    return 'expired';
  }
  if (current.override?.state === 'requested' && current.state !== 'overridden') return 'override-requested';
  return current.state;
}

/** The name to put in sentences: the overview's label for the method, else a built-in one. */
export function methodName(method: VerificationMethod, options: readonly MethodOption[]): string {
  return options.find((o) => o.method === method)?.label ?? messages.verify.methodNames[method];
}

/** Applies one verification change to the overview the sidebar holds. */
export function applyChange(overview: VerificationOverview, change: Verification): { overview: VerificationOverview; isKnown: boolean } {
  const { current } = overview;
  let next = overview;
  let isKnown = false;
  if (current && current.id === change.id) {
    isKnown = true;
    if (isNewer(change, current)) next = { ...next, current: change };
  }
  const pendingIndex = overview.pendingOverrides.findIndex((p) => p.id === change.id);
  if (pendingIndex !== -1) {
    isKnown = true;
    const isStillPending = change.override?.state === 'requested' && change.state !== 'overridden';
    next = {
      ...next,
      pendingOverrides: isStillPending
        ? overview.pendingOverrides.map((p, i) => (i === pendingIndex ? change : p))
        : overview.pendingOverrides.filter((p) => p.id !== change.id),
    };
  }
  return { overview: next, isKnown };
}
