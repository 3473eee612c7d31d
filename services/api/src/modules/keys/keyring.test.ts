import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeyring } from '../../config';
import { envKekProvider, gcmOpen, gcmSeal } from './kek-provider';
import { EnvelopeError, Keyring, generateKeyEntry } from './keyring';

const A = { tenantId: '00000000-0000-4000-8000-000000000001', secretId: 'AAAAAAAAAAAAAAAAAAAAAA' };

describe('Keyring envelope', () => {
  const ring = new Keyring(parseKeyring(`${generateKeyEntry('new')},${generateKeyEntry('old')}`));

  it('seals with a fresh data key under the active kid and opens again', () => {
    const msg = randomBytes(100);
    const s1 = ring.seal(msg, A);
    const s2 = ring.seal(msg, A);
    expect(s1.kid).toBe('new');
    expect(s1.ciphertext.equals(s2.ciphertext)).toBe(false);
    expect(s1.wrappedKey.equals(s2.wrappedKey)).toBe(false);
    expect(ring.open(s1, A).equals(msg)).toBe(true);
  });

  it('matches an independent AES-256-GCM computation (known-answer shape)', () => {
    const kek = randomBytes(32);
    const r = new Keyring([{ kid: 'k', key: kek }]);
    const sealed = r.seal(Buffer.from('vector'), A);
    // Unwrap the data key by hand with the documented AAD, then decrypt the payload.
    const unwrap = createDecipheriv('aes-256-gcm', kek, sealed.wrappedKey.subarray(0, 12));
    unwrap.setAAD(Buffer.from(`vouchsafe:data-key:v1:k:${A.tenantId}:${A.secretId}`));
    unwrap.setAuthTag(sealed.wrappedKey.subarray(-16));
    const dek = Buffer.concat([unwrap.update(sealed.wrappedKey.subarray(12, -16)), unwrap.final()]);
    const open = createDecipheriv('aes-256-gcm', dek, sealed.ciphertext.subarray(0, 12));
    open.setAAD(Buffer.from(`vouchsafe:payload:v1:${A.tenantId}:${A.secretId}`));
    open.setAuthTag(sealed.ciphertext.subarray(-16));
    expect(Buffer.concat([open.update(sealed.ciphertext.subarray(12, -16)), open.final()]).toString()).toBe('vector');
    // And a hand-made envelope opens with the keyring.
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', dek, iv);
    c.setAAD(Buffer.from(`vouchsafe:payload:v1:${A.tenantId}:${A.secretId}`));
    const body = Buffer.concat([c.update('by hand'), c.final()]);
    const handMade = { ...sealed, ciphertext: Buffer.concat([iv, body, c.getAuthTag()]) };
    expect(r.open(handMade, A).toString()).toBe('by hand');
  });

  it('fails closed on a flipped byte, a swapped id or tenant, a wrong kid and an unknown format', () => {
    const sealed = ring.seal(Buffer.from('x'), A);
    const flip = (b: Buffer, i: number) => {
      const c = Buffer.from(b);
      c[i] = c[i]! ^ 1;
      return c;
    };
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as EnvelopeError).code;
      }
      return 'opened';
    };
    expect(code(() => ring.open({ ...sealed, ciphertext: flip(sealed.ciphertext, 13) }, A))).toBe('decrypt_failed');
    expect(code(() => ring.open({ ...sealed, wrappedKey: flip(sealed.wrappedKey, 20) }, A))).toBe('unwrap_failed');
    expect(code(() => ring.open(sealed, { ...A, secretId: 'BBBBBBBBBBBBBBBBBBBBBB' }))).toBe('unwrap_failed');
    expect(code(() => ring.open(sealed, { ...A, tenantId: '00000000-0000-4000-8000-000000000002' }))).toBe('unwrap_failed');
    expect(code(() => ring.open({ ...sealed, kid: 'old' }, A))).toBe('unwrap_failed');
    expect(code(() => ring.open({ ...sealed, kid: 'gone' }, A))).toBe('unknown_kid');
    expect(code(() => ring.open({ ...sealed, format: 2 }, A))).toBe('unsupported_format');
  });

  it('rewraps under the active key without changing the payload', () => {
    const [oldEntry] = parseKeyring(generateKeyEntry('old'));
    const old = new Keyring([oldEntry!]);
    const sealed = old.seal(Buffer.from('keep me'), A);
    // Same old key material, now second in a ring whose first key is new.
    const rotated = new Keyring([{ kid: 'new', key: randomBytes(32) }, oldEntry!]);
    const next = rotated.rewrap(sealed, A);
    expect(next.kid).toBe('new');
    expect(rotated.open({ ...sealed, ...next }, A).toString()).toBe('keep me');
    expect(() => new Keyring([{ kid: 'new', key: randomBytes(32) }]).open({ ...sealed, ...next }, A)).toThrow(EnvelopeError);
  });
});

describe('parseKeyring', () => {
  it('rejects malformed entries with a message naming the entry, never the key', () => {
    const secret = randomBytes(16).toString('base64');
    expect(() => parseKeyring(`k1:${secret}`)).toThrow(/entry 1/);
    try {
      parseKeyring(`k1:${secret}`);
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
    const e = generateKeyEntry('dup');
    expect(() => parseKeyring(`${e},${e}`)).toThrow(/twice/);
    expect(() => parseKeyring(' , ')).toThrow(/empty/);
  });
});

describe('Keyring over KEK providers (issue 10)', () => {
  // A stand-in "token": a key the keyring never sees, used through the provider interface only.
  const tokenKek = randomBytes(32);
  const calls: string[] = [];
  const token = {
    name: 'pkcs11' as const,
    kids: ['pkcs11:kek'],
    wrap: (kid: string, dataKey: Buffer, aad: Buffer) => {
      calls.push(`wrap ${kid}`);
      return gcmSeal(tokenKek, dataKey, aad);
    },
    unwrap: (kid: string, wrapped: Buffer, aad: Buffer) => {
      calls.push(`unwrap ${kid}`);
      return gcmOpen(tokenKek, wrapped, aad);
    },
  };
  const env = parseKeyring(generateKeyEntry('k1'));

  it('wraps under the first provider, opens what the environment keys wrapped, and rotation moves it across', () => {
    const before = new Keyring(env).seal(Buffer.from('under env'), A);
    const ring = new Keyring({ providers: [token, envKekProvider(env)] });
    expect([ring.activeKid, ring.activeProvider]).toEqual(['pkcs11:kek', 'pkcs11']);
    expect(ring.open(before, A).toString()).toBe('under env');
    const moved = ring.rewrap(before, A);
    expect(moved.kid).toBe('pkcs11:kek');
    expect(calls).toEqual(['wrap pkcs11:kek']);
    const tokenOnly = new Keyring({ providers: [token] });
    expect(tokenOnly.open({ ...before, ...moved }, A).toString()).toBe('under env');
    expect(tokenOnly.seal(Buffer.from('new'), A).kid).toBe('pkcs11:kek');
    // Only environment keys derive subkeys: the token's key cannot be read, so nothing is derived from it.
    expect([...ring.deriveSubkeys('x').keys()]).toEqual(['k1']);
    expect(tokenOnly.deriveSubkeys('x').size).toBe(0);
  });

  it('fails closed when a provider refuses or answers something that is not a data key', () => {
    const ring = new Keyring({ providers: [token] });
    const sealed = ring.seal(Buffer.from('x'), A);
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as EnvelopeError).code;
      }
      return 'opened';
    };
    expect(code(() => ring.open(sealed, { ...A, secretId: 'BBBBBBBBBBBBBBBBBBBBBB' }))).toBe('unwrap_failed');
    const short = new Keyring({ providers: [{ ...token, unwrap: () => Buffer.alloc(16) }] });
    expect(code(() => short.open(sealed, A))).toBe('unwrap_failed');
    expect(code(() => ring.open({ ...sealed, kid: 'pkcs11:other' }, A))).toBe('unknown_kid');
    expect(() => new Keyring({ providers: [token, token] })).toThrow(/configured twice/);
    expect(() => new Keyring({ providers: [] })).toThrow(/at least one key/);
  });
});
