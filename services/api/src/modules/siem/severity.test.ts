import { describe, expect, it } from 'vitest';
import { SYSLOG_SEVERITY, severityOf } from './severity';

describe('SIEM severity', () => {
  it.each([
    // possible fraud: a denied push (the verification row flags it) and anything else that carries the flag
    ['verification.denied', { method: 'okta_push', isFraudSuspected: true }, 'high'],
    ['verification.denied', { method: 'duo_push', isFraudSuspected: true, reason: 'possible fraud' }, 'high'],
    // overrides
    ['verification.override_requested', {}, 'high'],
    ['verification.override_approved', { isFraudSuspected: false }, 'high'],
    ['verification.override_declined', { isFraudSuspected: false }, 'medium'],
    ['verification.fraud_flag_acknowledged', { flagCount: 1 }, 'high'],
    // throttling
    ['verification.rate_limited', {}, 'high'],
    ['api.throttled', {}, 'high'],
    ['secret.reveal_failed', { outcome: 'throttled' }, 'high'],
    // failed sign-ins and refused authentication
    ['operator.sign_in_refused', { reason: 'no_role' }, 'high'],
    ['operator.sign_in_failed', {}, 'high'],
    ['review.login_failed', {}, 'high'],
    ['session.session_rejected', {}, 'high'],
    ['api.auth_failed', {}, 'high'],
    // failures a reviewer should see
    ['verification.denied', { method: 'oidc_link', isFraudSuspected: false }, 'medium'],
    ['verification.failed', {}, 'medium'],
    ['verification.timed_out', {}, 'medium'],
    ['draft.sent_with_findings', { counts: { card: 1 } }, 'medium'],
    ['secret.reveal_failed', { outcome: 'wrong_passphrase' }, 'medium'],
    ['policy.changed', {}, 'medium'],
    ['idp.configured', {}, 'medium'],
    ['admin.change_requested', { weakens: true }, 'medium'],
    ['admin.change_approved', { weakens: true }, 'high'],
    ['admin.change_approved', { weakens: false }, 'medium'],
    ['admin.change_rejected', {}, 'medium'],
    ['admin.change_withdrawn', {}, 'medium'],
    ['tenant.removed', {}, 'medium'],
    // routine
    ['secret.created', {}, 'low'],
    ['secret.revealed', { outcome: 'ok' }, 'low'],
    ['verification.started', {}, 'low'],
    ['verification.succeeded', {}, 'low'],
    ['verification.cancelled', {}, 'low'],
    ['secret.expired', { outcome: 'purged' }, 'low'],
    ['review.search', {}, 'low'],
  ] as const)('%s %j → %s', (type, data, expected) => {
    expect(severityOf({ type, data })).toBe(expected);
  });

  it('a flag that is not exactly true does not raise the severity (data is not free text)', () => {
    expect(severityOf({ type: 'verification.denied', data: { isFraudSuspected: 'true' } })).toBe('medium');
    expect(severityOf({ type: 'secret.created', data: { outcome: 'THROTTLED' } })).toBe('low');
  });

  it('maps to RFC 5424 severities: high is Critical, medium Warning, low Informational', () => {
    expect(SYSLOG_SEVERITY).toEqual({ high: 2, medium: 4, low: 6 });
  });
});
