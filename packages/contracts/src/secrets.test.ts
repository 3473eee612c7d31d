import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from './errors';
import { CreateSecretRequestSchema, LIMITS, RevealRequestSchema, SecretIdSchema } from './secrets';

const check = 'A'.repeat(43);
const base = { kind: 'text', ciphertext: 'AAAA', keyCheck: check } as const;

describe('CreateSecretRequestSchema', () => {
  it('fills the documented defaults', () => {
    expect(CreateSecretRequestSchema.parse(base)).toMatchObject({ ttlSeconds: 86_400, views: 1 });
  });

  it('accepts exactly the documented ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 40 * 86_400 }), fc.integer({ min: -3, max: 20 }), (ttlSeconds, views) => {
        const ok = CreateSecretRequestSchema.safeParse({ ...base, ttlSeconds, views }).success;
        const inRange = ttlSeconds >= LIMITS.ttlMinSeconds && ttlSeconds <= LIMITS.ttlMaxSeconds && views >= 1 && views <= 10;
        expect(ok).toBe(inRange);
      }),
    );
  });

  it('rejects unknown fields, a lone passphrase half and non-base64url data', () => {
    expect(CreateSecretRequestSchema.safeParse({ ...base, plaintext: 'x' }).success).toBe(false);
    expect(CreateSecretRequestSchema.safeParse({ ...base, passphraseCheck: check }).success).toBe(false);
    expect(CreateSecretRequestSchema.safeParse({ ...base, ciphertext: 'a+b/' }).success).toBe(false);
    expect(CreateSecretRequestSchema.safeParse({ ...base, keyCheck: 'A'.repeat(42) }).success).toBe(false);
    expect(CreateSecretRequestSchema.safeParse({ ...base, label: 'x'.repeat(121) }).success).toBe(false);
  });
});

describe('ids, reveal and errors', () => {
  it('secret ids are exactly 22 base64url characters (128 bits)', () => {
    expect(SecretIdSchema.safeParse('A'.repeat(22)).success).toBe(true);
    expect(SecretIdSchema.safeParse('A'.repeat(21)).success).toBe(false);
    expect(SecretIdSchema.safeParse('A'.repeat(21) + '=').success).toBe(false);
  });

  it('reveal requests carry only checks', () => {
    expect(RevealRequestSchema.safeParse({ keyCheck: check }).success).toBe(true);
    expect(RevealRequestSchema.safeParse({ keyCheck: check, passphrase: 'p' }).success).toBe(false);
  });

  it('every error code maps to a 4xx or 5xx status, and "gone" is indistinguishable from "not found"', () => {
    for (const status of Object.values(ERROR_STATUS)) expect(status).toBeGreaterThanOrEqual(400);
    expect(ERROR_STATUS.secret_gone).toBe(ERROR_STATUS.not_found);
  });
});
