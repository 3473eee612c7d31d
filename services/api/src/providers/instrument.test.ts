import { describe, expect, it } from 'vitest';
import { instrumentProvider } from './instrument';
import { ProviderError, type VerificationProvider } from './provider.types';

const user = { ref: 'u1', email: null, phone: null };

function provider(overrides: Partial<VerificationProvider> = {}): VerificationProvider {
  return {
    kind: 'okta',
    methods: ['okta_push'],
    resolveUser: () => Promise.resolve(user),
    listMethods: () => Promise.resolve([{ method: 'okta_push' }]),
    start: () => Promise.resolve({ idpRef: 'tx', binding: null, providerState: {} }),
    poll: () => Promise.resolve({ state: 'denied' }),
    cancel: () => Promise.resolve(),
    ...overrides,
  };
}

describe('instrumentProvider', () => {
  it("times each call with the IdP's answer, ok, or the error kind as outcome, and changes nothing else", async () => {
    const seen: [string, string][] = [];
    const p = instrumentProvider(
      provider({ cancel: () => Promise.reject(new ProviderError('unavailable', 'Okta did not answer')) }),
      (op, outcome, seconds) => {
        expect(seconds).toBeGreaterThanOrEqual(0);
        seen.push([op, outcome]);
      },
    );
    expect(await p.resolveUser({ email: 'x', phone: null, name: null })).toBe(user);
    expect(await p.poll!({}, 10)).toEqual({ state: 'denied' });
    await expect(p.cancel({})).rejects.toThrow('Okta did not answer');
    expect(p.complete).toBeUndefined();
    expect(seen).toEqual([
      ['resolve_user', 'ok'],
      ['poll', 'denied'],
      ['cancel', 'unavailable'],
    ]);
  });

  it('keeps `this` for providers written as classes', async () => {
    class Scripted {
      readonly kind = 'okta' as const;
      readonly methods = ['okta_push' as const];
      private readonly answer = { state: 'verified' as const };
      resolveUser = () => Promise.resolve(user);
      listMethods = () => Promise.resolve([]);
      start = () => Promise.resolve({ idpRef: 'tx', binding: null, providerState: {} });
      cancel = () => Promise.resolve();
      poll() {
        return Promise.resolve(this.answer);
      }
    }
    const p = instrumentProvider(new Scripted(), () => undefined);
    expect(await p.poll!({}, 10)).toEqual({ state: 'verified' });
  });
});
