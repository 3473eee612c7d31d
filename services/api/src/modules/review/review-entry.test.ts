import { describe, expect, it } from 'vitest';
import { flagsOf, kindOf } from './review-entry';

describe('review entries', () => {
  it('kinds follow the event type', () => {
    expect(kindOf('verification.override_approved')).toBe('override');
    expect(kindOf('verification.denied')).toBe('verification');
    expect(kindOf('secret.revealed')).toBe('secret');
    expect(kindOf('policy.changed')).toBe('admin');
    expect(kindOf('review.searched')).toBe('review');
    expect(kindOf('something.else')).toBe('other');
  });

  it('flags overrides and possible fraud (the JSON boolean only)', () => {
    expect(flagsOf({ type: 'verification.override_requested', data: {} })).toEqual(['override']);
    expect(flagsOf({ type: 'verification.denied', data: { isFraudSuspected: true } })).toEqual(['possible_fraud']);
    expect(flagsOf({ type: 'verification.denied', data: { isFraudSuspected: 'true' } })).toEqual([]);
  });
});
