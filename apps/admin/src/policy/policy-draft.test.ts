import { describe, expect, it } from 'vitest';
import { VerificationPolicySchema } from '@vouchsafe/contracts';
import { draftOf, listOf, moveMethod, policyOf, toggleMethod } from './policy-draft';

const stored = VerificationPolicySchema.parse({
  methods: ['okta_push', 'oidc', 'callback_sms'],
  supervisors: ['agent-1'],
  oidc: { requiredAmr: ['mfa'] },
  commentRedaction: 'redact',
});

describe('policy draft', () => {
  it('round-trips a stored policy unchanged', () => {
    const check = policyOf(draftOf(stored));
    expect(check.ok && VerificationPolicySchema.parse(check.policy)).toEqual(stored);
  });

  it('fills what an answer leaves out with the schema’s defaults', () => {
    const partial = { methods: ['okta_push'], deskPhoneFallback: { isAllowed: false } } as unknown as typeof stored;
    const draft = draftOf(partial);
    expect(draft.numbers['deskPhoneFallback.minUnchangedDays']).toBe('30');
    expect(draft.lists['oidc.requiredAmr']).toBe('mfa');
    expect(policyOf(draft).ok).toBe(true);
  });

  it('moves methods up and down, and not past either end', () => {
    expect(moveMethod(['okta_push', 'oidc', 'callback_sms'], 2, -1)).toEqual(['okta_push', 'callback_sms', 'oidc']);
    expect(moveMethod(['okta_push', 'oidc'], 0, -1)).toEqual(['okta_push', 'oidc']);
    expect(moveMethod(['okta_push', 'oidc'], 1, 1)).toEqual(['okta_push', 'oidc']);
    expect(toggleMethod(['okta_push'], 'oidc')).toEqual(['okta_push', 'oidc']);
    expect(toggleMethod(['okta_push', 'oidc'], 'okta_push')).toEqual(['oidc']);
  });

  it('reads lists one per line or comma-separated, without blanks or repeats', () => {
    expect(listOf(' a\n\nb, c ,a\n')).toEqual(['a', 'b', 'c']);
  });

  it('names the field the schema refuses, beside the field', () => {
    const draft = draftOf(stored);
    draft.numbers['pushLimit.count'] = '99';
    draft.numbers.lifetimeSeconds = 'ten';
    draft.methods = [];
    const check = policyOf(draft);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.errors).sort()).toEqual(['lifetimeSeconds', 'methods', 'pushLimit.count']);
  });

  it('allows the desk phone number only when asked', () => {
    const draft = { ...draftOf(stored), deskPhoneAllowed: true };
    const check = policyOf(draft);
    expect(check.ok && check.policy.deskPhoneFallback).toEqual({ isAllowed: true, minUnchangedDays: 30 });
  });
});
