import { createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKeyring } from '../config';
import { Keyring, generateKeyEntry } from '../modules/keys/keyring';
import { LEGACY_REQUESTER_KEY_INFO, matchesRequesterKey, normalisePhone, requesterKeys, type RequesterKeyMaterial } from './requester-key';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const K1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const TENANT_KEY = Buffer.alloc(32, 7);
const legacyOf = (ring: Keyring) => [...ring.deriveSubkeys(LEGACY_REQUESTER_KEY_INFO).values()];
const material = (ring = new Keyring(parseKeyring(K1))): RequesterKeyMaterial => ({ hmacKey: TENANT_KEY, legacySubkeys: legacyOf(ring) });

describe('requesterKeys', () => {
  it('is HMAC-SHA256 under the tenant requester key over tenant + lowercased email (known answer)', () => {
    const keys = requesterKeys(material(), T1, { email: '  Jane.Doe@Example.COM ' })!;
    const expected = createHmac('sha256', TENANT_KEY).update(`${T1}\nemail:jane.doe@example.com`).digest();
    expect(keys.primary.equals(expected)).toBe(true);
    // Then the legacy value under the (one) KEK's HKDF subkey, for rows written before tenant keys existed.
    const subkey = Buffer.from(
      hkdfSync('sha256', Buffer.alloc(32, 1), Buffer.from('vouchsafe:subkey'), Buffer.from(LEGACY_REQUESTER_KEY_INFO), 32),
    );
    expect(keys.candidates).toHaveLength(2);
    expect(keys.candidates[1]!.equals(createHmac('sha256', subkey).update(`${T1}\nemail:jane.doe@example.com`).digest())).toBe(true);
  });

  it('ignores case and surrounding spaces of the email but separates tenants, emails and phones', () => {
    const m = material();
    const a = requesterKeys(m, T1, { email: 'jane@example.com', phone: '+15551230000' })!;
    expect(requesterKeys(m, T1, { email: 'JANE@example.com ' })!.primary.equals(a.primary)).toBe(true);
    expect(requesterKeys(m, T2, { email: 'jane@example.com' })!.primary.equals(a.primary)).toBe(false);
    expect(requesterKeys(m, T1, { email: 'john@example.com' })!.primary.equals(a.primary)).toBe(false);
    const byPhone = requesterKeys(m, T1, { email: null, phone: '+1 (555) 123-0000' })!;
    expect(byPhone.primary.equals(requesterKeys(m, T1, { phone: '001 555 123 0000' })!.primary)).toBe(true);
    expect(byPhone.primary.equals(a.primary)).toBe(false);
  });

  it('returns null without a usable email or E.164 phone', () => {
    expect(requesterKeys(material(), T1, {})).toBeNull();
    expect(requesterKeys(material(), T1, { email: 'not an email', phone: '555-1234' })).toBeNull();
    expect(normalisePhone('0612345678')).toBeNull();
  });

  it('does not change when the key-encryption keys rotate (the tenant key is re-wrapped, not replaced)', () => {
    const before = requesterKeys(material(new Keyring(parseKeyring(K1))), T1, { email: 'jane@example.com' })!;
    const rotated = new Keyring(parseKeyring(`${generateKeyEntry('k2')},${K1}`));
    const during = requesterKeys(material(rotated), T1, { email: 'jane@example.com' })!;
    const after = requesterKeys(material(new Keyring(parseKeyring(generateKeyEntry('k2')))), T1, { email: 'jane@example.com' })!;
    expect(during.primary.equals(before.primary)).toBe(true);
    expect(after.primary.equals(before.primary)).toBe(true);
    expect(matchesRequesterKey(after, before.primary)).toBe(true);
    expect(matchesRequesterKey(requesterKeys(material(), T1, { email: 'john@example.com' })!, before.primary)).toBe(false);
  });

  it('still matches a legacy value while its KEK is configured, and not after', () => {
    const legacy = requesterKeys(material(), T1, { email: 'jane@example.com' })!.candidates[1]!;
    const rotated = new Keyring(parseKeyring(`${generateKeyEntry('k2')},${K1}`));
    expect(matchesRequesterKey(requesterKeys(material(rotated), T1, { email: 'jane@example.com' })!, legacy)).toBe(true);
    const only = new Keyring(parseKeyring(generateKeyEntry('k2')));
    expect(matchesRequesterKey(requesterKeys(material(only), T1, { email: 'jane@example.com' })!, legacy)).toBe(false);
  });

  it('never contains the identifier and is always 32 bytes (property)', () => {
    const m = material();
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const keys = requesterKeys(m, T1, { email });
        if (!keys) return;
        expect(keys.primary).toHaveLength(32);
        expect(keys.primary.includes(Buffer.from(email.toLowerCase()))).toBe(false);
        expect(requesterKeys(m, T1, { email: email.toUpperCase() })!.primary.equals(keys.primary)).toBe(true);
      }),
    );
  });
});
