import { createHmac, hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKeyring } from '../config';
import { Keyring, generateKeyEntry } from '../modules/keys/keyring';
import { REQUESTER_KEY_INFO, matchesRequesterKey, normalisePhone, requesterKeys } from './requester-key';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const K1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;

describe('requesterKeys', () => {
  it('is HMAC-SHA256 under the HKDF subkey over tenant + lowercased email (known answer)', () => {
    const keys = requesterKeys(new Keyring(parseKeyring(K1)), T1, { email: '  Jane.Doe@Example.COM ' })!;
    const subkey = Buffer.from(hkdfSync('sha256', Buffer.alloc(32, 1), Buffer.from('vouchsafe:subkey'), Buffer.from(REQUESTER_KEY_INFO), 32));
    const expected = createHmac('sha256', subkey).update(`${T1}\nemail:jane.doe@example.com`).digest();
    expect(keys.primary.equals(expected)).toBe(true);
    expect(keys.candidates).toHaveLength(1);
  });

  it('ignores case and surrounding spaces of the email but separates tenants, emails and phones', () => {
    const ring = new Keyring(parseKeyring(K1));
    const a = requesterKeys(ring, T1, { email: 'jane@example.com', phone: '+15551230000' })!;
    expect(requesterKeys(ring, T1, { email: 'JANE@example.com ' })!.primary.equals(a.primary)).toBe(true);
    expect(requesterKeys(ring, T2, { email: 'jane@example.com' })!.primary.equals(a.primary)).toBe(false);
    expect(requesterKeys(ring, T1, { email: 'john@example.com' })!.primary.equals(a.primary)).toBe(false);
    const byPhone = requesterKeys(ring, T1, { email: null, phone: '+1 (555) 123-0000' })!;
    expect(byPhone.primary.equals(requesterKeys(ring, T1, { phone: '001 555 123 0000' })!.primary)).toBe(true);
    expect(byPhone.primary.equals(a.primary)).toBe(false);
  });

  it('returns null without a usable email or E.164 phone', () => {
    const ring = new Keyring(parseKeyring(K1));
    expect(requesterKeys(ring, T1, {})).toBeNull();
    expect(requesterKeys(ring, T1, { email: 'not an email', phone: '555-1234' })).toBeNull();
    expect(normalisePhone('0612345678')).toBeNull();
  });

  it('counts under the active key and still matches keys stored under an older one', () => {
    const old = new Keyring(parseKeyring(K1));
    const stored = requesterKeys(old, T1, { email: 'jane@example.com' })!.primary;
    const rotated = new Keyring(parseKeyring(`${generateKeyEntry('k2')},${K1}`));
    const keys = requesterKeys(rotated, T1, { email: 'jane@example.com' })!;
    expect(keys.primary.equals(stored)).toBe(false);
    expect(keys.candidates).toHaveLength(2);
    expect(matchesRequesterKey(keys, stored)).toBe(true);
    expect(matchesRequesterKey(requesterKeys(rotated, T1, { email: 'john@example.com' })!, stored)).toBe(false);
  });

  it('never contains the identifier and is always 32 bytes (property)', () => {
    const ring = new Keyring(parseKeyring(K1));
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const keys = requesterKeys(ring, T1, { email });
        if (!keys) return;
        expect(keys.primary).toHaveLength(32);
        expect(keys.primary.includes(Buffer.from(email.toLowerCase()))).toBe(false);
        expect(requesterKeys(ring, T1, { email: email.toUpperCase() })!.primary.equals(keys.primary)).toBe(true);
      }),
    );
  });
});
