import { describe, expect, it } from 'vitest';
import { VerificationPolicySchema, type IdpConfig } from '@vouchsafe/contracts';
import { idpFields, policyFields, policySummary } from './change-diff';

const policy = (input: Record<string, unknown>) => VerificationPolicySchema.parse({ methods: ['okta_push', 'oidc'], ...input });
const weakening = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  Object.fromEntries(policyFields(policy(before), policy(after)).map((f) => [f.path, f.weakens]));

describe('policy change fields', () => {
  it('marks loosening as weakening and tightening as not', () => {
    expect(weakening({}, { deskPhoneFallback: { isAllowed: true } })).toEqual({ 'deskPhoneFallback.isAllowed': true });
    expect(weakening({ deskPhoneFallback: { isAllowed: true } }, {})).toEqual({ 'deskPhoneFallback.isAllowed': false });
    expect(weakening({}, { methods: ['oidc', 'okta_push'] })).toEqual({ methods: true }); // reordered
    expect(weakening({}, { methods: ['okta_push', 'oidc', 'callback_sms'] })).toEqual({ methods: true }); // added
    expect(weakening({}, { methods: ['okta_push'] })).toEqual({ methods: false }); // removed only
    expect(weakening({}, { fallbackMethod: 'callback_sms' })).toEqual({ fallbackMethod: true });
    expect(weakening({}, { supervisors: ['42'] })).toEqual({ supervisors: true });
    expect(weakening({ supervisors: ['42', '43'] }, { supervisors: ['42'] })).toEqual({ supervisors: false });
    expect(weakening({}, { recentFactorHours: 0, lifetimeSeconds: 600 })).toEqual({ recentFactorHours: true, lifetimeSeconds: false });
    expect(weakening({}, { pushLimit: { count: 10 }, attemptTimeoutSeconds: 600 })).toMatchObject({
      'pushLimit.count': true,
      attemptTimeoutSeconds: true,
    });
    expect(weakening({}, { oidc: { requiredAmr: ['mfa', 'pwd'] } })).toEqual({ 'oidc.requiredAmr': true });
    expect(weakening({}, { oidc: { requiredAmr: [] } })).toEqual({ 'oidc.requiredAmr': true });
    expect(weakening({ oidc: { requiredAmr: ['mfa', 'pwd'] } }, { oidc: { requiredAmr: ['mfa'] } })).toEqual({ 'oidc.requiredAmr': false });
    // Issue 12: scanning fewer desk comments weakens; redacting more does not.
    expect(weakening({}, { commentRedaction: 'redact' })).toEqual({ commentRedaction: false });
    expect(weakening({ commentRedaction: 'redact' }, { commentRedaction: 'report' })).toEqual({ commentRedaction: true });
    expect(weakening({}, { commentRedaction: 'off' })).toEqual({ commentRedaction: true });
  });

  it('renders before and after as short strings and says what the change does', () => {
    const fields = policyFields(policy({}), policy({ deskPhoneFallback: { isAllowed: true }, lifetimeSeconds: 600 }));
    expect(fields).toContainEqual({ path: 'lifetimeSeconds', before: '900', after: '600', weakens: false });
    expect(policySummary(fields)).toBe("Policy: allow the desk's phone number for callbacks; 1 other field");
  });
});

describe('IdP change fields', () => {
  const okta = (apiToken: string): IdpConfig => ({ kind: 'okta', orgUrl: 'https://acme.okta.com', auth: { apiToken } });
  it('never renders a secret, and marks every field of a connection as weakening', () => {
    const added = idpFields(undefined, okta('00secret-token-one'));
    expect(added).toContainEqual({ path: 'auth.apiToken', before: null, after: '(set)', weakens: true });
    expect(added).toContainEqual({ path: 'orgUrl', before: null, after: 'https://acme.okta.com', weakens: true });
    const changed = idpFields(okta('00secret-token-one'), okta('00secret-token-two'));
    expect(changed).toEqual([{ path: 'auth.apiToken', before: '(set)', after: '(changed)', weakens: true }]);
    const removed = idpFields(okta('00secret-token-one'), undefined);
    expect(removed.map((f) => f.after)).toEqual([null, null, null]);
    expect(JSON.stringify([added, changed, removed])).not.toContain('secret-token');
  });
});
