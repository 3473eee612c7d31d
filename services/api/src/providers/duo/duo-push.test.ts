import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { methodsFromPreauth, outcomeFromStatus, verifiedPushCode } from './duo-push';
import { outcomeFromToken } from './duo-universal';

const PUSH_DEVICE = { device: 'DP1', type: 'phone', capabilities: ['auto', 'push'] };

describe('Duo answers → outcomes (S7: only an explicit approval passes)', () => {
  it('preauth: only result auth offers methods; push needs a push-capable device', () => {
    expect(methodsFromPreauth({ result: 'auth', devices: [PUSH_DEVICE] }, ['duo_push', 'duo_universal'])).toEqual([
      { method: 'duo_push' },
      { method: 'duo_universal' },
    ]);
    const [push] = methodsFromPreauth({ result: 'auth', devices: [{ capabilities: ['sms'] }] }, ['duo_push']);
    expect(push?.unavailableReason).toBeTruthy();
    for (const result of ['allow', 'enroll', 'deny', 'AUTH', undefined, 42]) {
      for (const m of methodsFromPreauth({ result, devices: [PUSH_DEVICE] }, ['duo_push', 'duo_universal']))
        expect(m.unavailableReason).toBeTruthy();
    }
  });

  it('auth_status: allow/allow verifies; bypass, unknown results and junk never do', () => {
    expect(outcomeFromStatus({ result: 'allow', status: 'allow' })).toEqual({ state: 'verified' });
    expect(outcomeFromStatus({ result: 'waiting', status: 'pushed' })).toEqual({ state: 'waiting' });
    expect(outcomeFromStatus({ result: 'allow', status: 'bypass' })).toMatchObject({ state: 'failed' });
    expect(outcomeFromStatus({ result: 'deny', status: 'fraud' })).toMatchObject({
      state: 'denied',
      detail: 'reported_fraud',
      reason: expect.stringContaining('fraud'),
    });
    expect(outcomeFromStatus({ result: 'deny', status: 'deny' })).toMatchObject({ state: 'denied', detail: 'customer_denied' });
    expect(outcomeFromStatus({ result: 'deny', status: 'timeout' })).toEqual({ state: 'timed_out' });
    expect(outcomeFromStatus({ result: 'deny', status: 'locked_out' })).toMatchObject({ state: 'failed' });
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const isApproval =
          typeof value === 'object' &&
          value !== null &&
          (value as Record<string, unknown>).result === 'allow' &&
          (value as Record<string, unknown>).status === 'allow';
        if (!isApproval) expect(outcomeFromStatus(value).state).not.toBe('verified');
      }),
    );
  });

  it('reads the Verified Push code from the status message', () => {
    expect(
      verifiedPushCode({ result: 'waiting', status: 'pushed', status_msg: 'Please enter verification code 708 into Duo Mobile...' }),
    ).toBe('708');
    expect(verifiedPushCode({ result: 'waiting', status: 'pushed', status_msg: 'Pushed a login request to your device...' })).toBeNull();
    expect(verifiedPushCode(undefined)).toBeNull();
  });

  it('id_token: allow for the expected user only, and never a bypass', () => {
    const ok = {
      preferred_username: 'a@b.test',
      auth_result: { result: 'allow', status: 'allow' },
      auth_context: { factor: 'duo_push', reason: 'user_approved' },
    };
    expect(outcomeFromToken(ok, 'a@b.test')).toEqual({ state: 'verified' });
    expect(outcomeFromToken(ok, 'c@b.test')).toMatchObject({ state: 'failed' });
    expect(outcomeFromToken({ ...ok, auth_context: { reason: 'bypass_user' } }, 'a@b.test')).toMatchObject({ state: 'failed' });
    expect(outcomeFromToken({ ...ok, auth_result: { result: 'deny', status: 'deny' } }, 'a@b.test')).toMatchObject({ state: 'denied' });
    expect(outcomeFromToken({ ...ok, auth_result: { result: 'allow', status: 'pending' } }, 'a@b.test')).toMatchObject({ state: 'failed' });
  });
});
