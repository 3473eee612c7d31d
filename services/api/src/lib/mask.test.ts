import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskIdentifiers } from './mask';

describe('maskIdentifiers', () => {
  it.each([
    ['Reset for john.doe@example.com', 'Reset for j***@e***.com'],
    ['ops@mail.bank.co.uk', 'o***@m***.uk'],
    ['Call +1 (415) 555-0199 back', 'Call ***99 back'],
    ['Account 12345678', 'Account ***5678'],
    ['IBAN DE89370400440532013000', 'IBAN DE***3000'],
    ['ticket 4711 ok', 'ticket 4711 ok'],
    ['no identifiers here', 'no identifiers here'],
  ])('%s -> %s', (input, expected) => {
    expect(maskIdentifiers(input)).toBe(expected);
  });

  it('never leaves a whole email address, or 5+ digits in a row', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.string(), (email, around) => {
        const masked = maskIdentifiers(`${around} ${email} ${around}`);
        expect(masked).not.toContain(email);
        expect(masked).not.toMatch(/\d{5,}/);
      }),
    );
  });

  it('never leaves 5 or more consecutive digits of an account number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{5,30}$/), fc.string({ maxLength: 20 }), (digits, prefix) => {
        const masked = maskIdentifiers(`${prefix.replace(/\d/g, '')} ${digits}`);
        expect(masked).not.toMatch(/\d{5,}/);
        expect(masked.endsWith(digits.slice(-2))).toBe(true);
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const once = maskIdentifiers(s);
        expect(maskIdentifiers(once)).toBe(once);
      }),
    );
  });

  it('maskEmail keeps the first letters and the top-level domain', () => {
    expect(maskEmail('a@b.io')).toBe('a***@b***.io');
  });
});
