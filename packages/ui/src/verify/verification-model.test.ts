import { VERIFICATION_METHOD_LABELS } from '@vouchsafe/contracts';
import { describe, expect, it } from 'vitest';
import type { Verification, VerificationOverview } from '@vouchsafe/contracts';
import { METHODS, OTHER_ID, verification } from '../testing/fake-sidebar';
import { applyChange, canRequestOverride, isNewer, methodName, viewOf } from './verification-model';

const NOW = Date.parse('2026-11-25T16:00:00.000Z');
const overview = (current: Verification | null, pendingOverrides: Verification[] = []): VerificationOverview => ({
  current,
  pendingOverrides,
  methods: METHODS,
  isSupervisor: true,
});

describe('viewOf', () => {
  it('is the state, except for a pending override and a lapsed verification', () => {
    expect(viewOf(null, NOW)).toBe('none');
    expect(viewOf(verification({ state: 'waiting' }), NOW)).toBe('waiting');
    const requested = { state: 'requested', requestedBy: 'A', reason: 'xxxxxxxxxx', approvedBy: null } as const;
    expect(viewOf(verification({ state: 'failed', override: requested }), NOW)).toBe('override-requested');
    expect(viewOf(verification({ state: 'verified', validUntil: '2026-11-25T16:00:01.000Z' }), NOW)).toBe('verified');
    expect(viewOf(verification({ state: 'verified', validUntil: '2026-11-25T16:00:00.000Z' }), NOW)).toBe('expired');
    expect(viewOf(verification({ state: 'overridden', validUntil: '2026-11-25T15:59:00.000Z' }), NOW)).toBe('expired');
  });
});

describe('applyChange', () => {
  it('never moves a verification back (out-of-order events)', () => {
    expect(isNewer(verification({ state: 'started' }), verification({ state: 'waiting' }))).toBe(false);
    expect(isNewer(verification({ state: 'waiting' }), verification({ state: 'failed' }))).toBe(false);
    const shown = overview(verification({ state: 'failed' }));
    expect(applyChange(shown, verification({ state: 'waiting' }))).toEqual({ overview: shown, isKnown: true });
    expect(applyChange(shown, verification({ state: 'overridden' })).overview.current?.state).toBe('overridden');
  });

  it('drops a pending override once it is no longer requested, and reports unknown ids', () => {
    const pending = verification({
      id: OTHER_ID,
      state: 'failed',
      override: { state: 'requested', requestedBy: 'A', reason: 'xxxxxxxxxx', approvedBy: null },
    });
    const shown = overview(null, [pending]);
    expect(applyChange(shown, { ...pending, state: 'overridden' }).overview.pendingOverrides).toEqual([]);
    expect(applyChange(shown, verification()).isKnown).toBe(false);
  });
});

describe('canRequestOverride and methodName', () => {
  it('allows an override only after failed, denied or timed out, once', () => {
    expect(canRequestOverride(null)).toBe(false);
    for (const state of ['started', 'waiting', 'verified', 'cancelled', 'overridden'] as const)
      expect(canRequestOverride(verification({ state }))).toBe(false);
    for (const state of ['failed', 'denied', 'timed_out'] as const) expect(canRequestOverride(verification({ state }))).toBe(true);
    expect(
      canRequestOverride(
        verification({ state: 'failed', override: { state: 'requested', requestedBy: 'A', reason: 'r', approvedBy: null } }),
      ),
    ).toBe(false);
  });

  it("uses the overview's label, else a built-in name", () => {
    expect(methodName('okta_push', METHODS)).toBe('Okta Verify push');
    expect(methodName('oidc', METHODS)).toBe(VERIFICATION_METHOD_LABELS.oidc);
  });
});
