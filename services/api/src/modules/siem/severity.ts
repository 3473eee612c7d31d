import type { SiemSeverity } from '@vouchsafe/contracts';

/**
 * How loud an audit event is in a SIEM (issue 9). One table, read top to bottom, first match wins; documented in the
 * README's SIEM section and NOTES.md. Audit event types are strings `area.action`, so the rules match on the action
 * and on facts the event data carries (never on free text).
 *
 * high   — possible fraud (a denied push, or any event flagged `isFraudSuspected`), supervisor overrides (requested
 *          or approved) and fraud-flag acknowledgements, throttling (rate limits hit), failed sign-ins and refused
 *          authentication, and the approval of a maker-checker change that weakens verification
 *          (`admin.change_approved` with `weakens`).
 * medium — other failures a reviewer should see: denied / failed / timed-out verifications, declined overrides, failed reveals,
 *          replies sent with sensitive data after a warning (issue 12),
 *          changes that alter who verifies callers or how (policy, IdP, tenant added or removed), and every step of
 *          the change queue (requested, approved, rejected, withdrawn, superseded).
 * low    — everything else (routine: created, revealed, started, succeeded, expired, revoked, checkpoints, review reads).
 */

/** Actions (the part after the last dot) that mean authentication was refused or throttling hit. */
const HIGH_ACTIONS = new Set([
  'override_requested',
  'override_approved',
  // Issue 16: a supervisor clears a fraud warning on a ticket.
  'fraud_flag_acknowledged',
  'rate_limited',
  'throttled',
  'sign_in_failed',
  'sign_in_refused',
  'signin_failed',
  'login_failed',
  'auth_failed',
  'authentication_failed',
  'session_rejected',
  'token_rejected',
]);

const MEDIUM_ACTIONS = new Set([
  'override_declined',
  // Issue 12: an agent sent a reply with sensitive data after the sidebar's warning (draft.sent_with_findings).
  'sent_with_findings',
  'denied',
  'failed',
  'timed_out',
  'reveal_failed',
  'changed',
  'configured',
  'removed',
  'added',
  'change_requested',
  'change_approved',
  'change_rejected',
  'change_withdrawn',
  'change_superseded',
]);

/** Data outcomes that mean a client was throttled or refused credentials. */
const HIGH_OUTCOMES = new Set(['throttled', 'rate_limited', 'locked_out']);

export interface SeverityInput {
  type: string;
  data: Record<string, unknown>;
}

export function severityOf(event: SeverityInput): SiemSeverity {
  const action = event.type.slice(event.type.lastIndexOf('.') + 1);
  if (event.data.isFraudSuspected === true) return 'high';
  if (HIGH_ACTIONS.has(action)) return 'high';
  if (action === 'change_approved' && event.data.weakens === true) return 'high';
  if (typeof event.data.outcome === 'string' && HIGH_OUTCOMES.has(event.data.outcome)) return 'high';
  if (MEDIUM_ACTIONS.has(action)) return 'medium';
  return 'low';
}

/**
 * RFC 5424 severity numbers: high → 2 (Critical), medium → 4 (Warning), low → 6 (Informational).
 * (Possible fraud and overrides are meant to page someone; Principle 5: exceptions are loud.)
 */
export const SYSLOG_SEVERITY: Readonly<Record<SiemSeverity, number>> = { high: 2, medium: 4, low: 6 };
