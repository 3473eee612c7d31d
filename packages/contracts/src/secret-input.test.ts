import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatSizeOverLimit } from './format';
import {
  PASSPHRASE_MIN_CHARS,
  PassphraseSchema,
  SECRET_INPUT_MESSAGES,
  SecretTextSchema,
  passphraseProblem,
  secretFileProblem,
  secretTextProblem,
  ttlProblem,
} from './secret-input';
import { LIMITS } from './secrets';

describe('formatBytes (binary units, named as such)', () => {
  it('writes KiB and MiB, rounding down', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(LIMITS.textBytes)).toBe('64.0 KiB');
    expect(formatBytes(LIMITS.fileBytesDefault)).toBe('10.0 MiB');
    expect(formatBytes(LIMITS.fileBytesDefault - 1)).toBe('9.9 MiB');
    expect(formatBytes(11_000_000)).toBe('10.4 MiB');
  });
});

describe('formatSizeOverLimit', () => {
  it('never prints a size over the limit as the limit (issue 16 item 10: "10 MB … at most 10 MB")', () => {
    expect(formatSizeOverLimit(11_000_000, LIMITS.fileBytesDefault)).toEqual(['10.4 MiB', '10.0 MiB']);
    expect(formatSizeOverLimit(LIMITS.fileBytesDefault + 1, LIMITS.fileBytesDefault)).toEqual(['10,485,761 bytes', '10,485,760 bytes']);
    fc.assert(
      fc.property(fc.integer({ min: 1024, max: 2 ** 31 }), fc.integer({ min: 1, max: 2 ** 20 }), (limit, over) => {
        const [size, max] = formatSizeOverLimit(limit + over, limit);
        expect(size).not.toBe(max);
      }),
    );
  });
});

describe('secret input rules (the sidebar and the CLI apply them before sealing)', () => {
  it('refuses empty and whitespace-only text, accepts text with any visible character', () => {
    expect(secretTextProblem('')).toBe(SECRET_INPUT_MESSAGES.textMissing);
    for (const blank of [' ', '   ', '\n\n', '\t \r\n', '\u00a0\u2003', '\ufeff']) {
      expect(secretTextProblem(blank)).toBe(SECRET_INPUT_MESSAGES.textBlank);
      expect(SecretTextSchema.safeParse(blank).success).toBe(false);
    }
    expect(secretTextProblem(' x ')).toBeUndefined();
    expect(SecretTextSchema.safeParse('Winter-2026!').success).toBe(true);
  });

  it('measures text in UTF-8 bytes and states size and limit', () => {
    expect(secretTextProblem('a'.repeat(LIMITS.textBytes))).toBeUndefined();
    expect(secretTextProblem('é'.repeat(LIMITS.textBytes / 2 + 1))).toBe(
      SECRET_INPUT_MESSAGES.textTooLarge('65,538 bytes', '65,536 bytes'),
    );
  });

  it('refuses an empty file and one over the limit, with both sizes', () => {
    expect(secretFileProblem(0)).toBe(SECRET_INPUT_MESSAGES.fileEmpty);
    expect(secretFileProblem(1)).toBeUndefined();
    expect(secretFileProblem(LIMITS.fileBytesDefault)).toBeUndefined();
    expect(secretFileProblem(11_000_000)).toBe('This file is 10.4 MiB; the limit is 10.0 MiB.');
    expect(secretFileProblem(3000, 2048)).toBe('This file is 2.9 KiB; the limit is 2.0 KiB.');
  });

  it(`wants a passphrase of at least ${PASSPHRASE_MIN_CHARS} characters, or none`, () => {
    expect(passphraseProblem('')).toBeUndefined();
    expect(passphraseProblem('x')).toBe(SECRET_INPUT_MESSAGES.passphraseTooShort);
    expect(passphraseProblem('1234567')).toBe(SECRET_INPUT_MESSAGES.passphraseTooShort);
    expect(passphraseProblem('12345678')).toBeUndefined();
    // Characters, not UTF-16 units: 4 emoji are 4 characters.
    expect(passphraseProblem('🔑🔑🔑🔑')).toBe(SECRET_INPUT_MESSAGES.passphraseTooShort);
    expect(PassphraseSchema.safeParse('a').success).toBe(false);
  });

  it('says the TTL range in words', () => {
    expect(ttlProblem(LIMITS.ttlMinSeconds - 1)).toBe('The expiry must be at least 5 minutes.');
    expect(ttlProblem(LIMITS.ttlMinSeconds)).toBeUndefined();
    expect(ttlProblem(LIMITS.ttlMaxSeconds)).toBeUndefined();
    expect(ttlProblem(LIMITS.ttlMaxSeconds + 1)).toBe('The expiry must be at most 30 days.');
    expect(ttlProblem(Number.NaN)).toBe('The expiry must be at least 5 minutes.');
  });
});
