import { describe, expect, it } from 'vitest';
import { IdpConfigSchema, LINK_METHODS, VERIFICATION_METHODS } from '@vouchsafe/contracts';
import { BUILT_IN_CONSTRUCTORS, IDP_DESCRIPTORS, IDP_KINDS, IDP_OF_METHOD, isIdpKind } from './registry';

describe('the identity-provider registry', () => {
  it('has one descriptor per kind the contracts know, each registered under its own kind', () => {
    const contractKinds = IdpConfigSchema.options.map((o) => o.shape.kind.value).sort();
    expect([...IDP_KINDS].sort()).toEqual(contractKinds);
    for (const kind of IDP_KINDS) {
      expect(IDP_DESCRIPTORS[kind].kind).toBe(kind);
      expect(BUILT_IN_CONSTRUCTORS[kind]).toBe(IDP_DESCRIPTORS[kind].create);
    }
    expect(isIdpKind('okta')).toBe(true);
    expect(isIdpKind('toString')).toBe(false);
  });

  it('gives every verification method exactly one IdP kind', () => {
    expect(Object.keys(IDP_OF_METHOD).sort()).toEqual([...VERIFICATION_METHODS].sort());
    const owners = VERIFICATION_METHODS.map((m) => IDP_KINDS.filter((k) => IDP_DESCRIPTORS[k].methods.includes(m)));
    expect(owners.every((o) => o.length === 1)).toBe(true);
  });

  it('routes link callbacks exactly for the kinds that offer a link method', () => {
    const withLinks = IDP_KINDS.filter((k) => IDP_DESCRIPTORS[k].methods.some((m) => LINK_METHODS.includes(m)));
    expect(IDP_KINDS.filter((k) => IDP_DESCRIPTORS[k].hasCallback)).toEqual(withLinks);
  });

  it('state schemas accept the states providers store and refuse incomplete ones', () => {
    expect(IDP_DESCRIPTORS.okta.stateSchema.safeParse({ userId: '00u1', factorId: 'opf1', transactionId: 'v2m1' }).success).toBe(true);
    expect(IDP_DESCRIPTORS.okta.stateSchema.safeParse({ userId: '00u1' }).success).toBe(false);
    expect(IDP_DESCRIPTORS.twilio.stateSchema.safeParse({ sid: `VE${'a'.repeat(32)}`, channel: 'sms', sentAt: 1 }).success).toBe(true);
    expect(IDP_DESCRIPTORS.twilio.stateSchema.safeParse({ sid: 'VE1', channel: 'sms', sentAt: 1 }).success).toBe(false);
    expect(IDP_DESCRIPTORS.duo.stateSchema.safeParse({ txid: 'tx-1' }).success).toBe(true);
    expect(IDP_DESCRIPTORS.duo.stateSchema.safeParse({ state: 's', username: 'u', redirectUrl: 'https://x' }).success).toBe(true);
    expect(IDP_DESCRIPTORS.duo.stateSchema.safeParse({}).success).toBe(false);
    expect(
      IDP_DESCRIPTORS.oidc.stateSchema.safeParse({
        state: 's',
        nonce: 'n',
        codeVerifier: 'c',
        expectedSubject: 'e',
        issuedAt: 1,
        redirectUri: 'r',
      }).success,
    ).toBe(true);
  });
});
