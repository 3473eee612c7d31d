import { describe, expect, it } from 'vitest';
import { codiceFiscaleCheck, dniLetter, elfproef, entropy, ibanValid, luhn, mod11_10, nirKey } from './checksums';

// Known answers from the published examples cited in NOTES.md.
describe('checksums', () => {
  it('Luhn accepts published test cards and refuses a changed digit', () => {
    for (const pan of [
      '4111111111111111',
      '5555555555554444',
      '378282246310005',
      '6011111111111117',
      '3530111333300000',
      '36227206271667',
    ]) {
      expect(luhn(pan)).toBe(true);
      expect(luhn(pan.slice(0, -1) + String((Number(pan.slice(-1)) + 1) % 10))).toBe(false);
    }
    expect(luhn('')).toBe(false);
    expect(luhn('4111-1111')).toBe(false);
  });

  it('IBAN mod-97 accepts the registry examples and refuses a changed check digit', () => {
    for (const iban of [
      'GB82WEST12345698765432',
      'DE89370400440532013000',
      'FR1420041010050500013M02606',
      'NL91ABNA0417164300',
      'BE68539007547034',
    ]) {
      expect(ibanValid(iban)).toBe(true);
    }
    expect(ibanValid('DE88370400440532013000')).toBe(false);
    expect(ibanValid('GB82WEST1234569876543!')).toBe(false);
  });

  it('German Steuer-ID (ISO 7064 MOD 11,10), Dutch 11-test, Spanish DNI letter, Italian CF, French NIR key', () => {
    expect(mod11_10('8609574271')).toBe(9); // 86095742719, the BZSt sample
    expect(elfproef('111222333')).toBe(true);
    expect(elfproef('123456782')).toBe(true);
    expect(elfproef('123456789')).toBe(false);
    expect(dniLetter('12345678')).toBe('Z');
    expect(dniLetter('0' + '1234567')).toBe('L'); // NIE X1234567L
    expect(codiceFiscaleCheck('RSSMRA85T10A562')).toBe('S');
    expect(nirKey('2690549588157')).toBe(80); // 2 69 05 49 588 157 80
    expect(nirKey('269052A588157')).toBe(nirKey('2690519588157'));
  });

  it('entropy: a repeated character has none, a random-looking string a lot', () => {
    expect(entropy('aaaaaaaa')).toBe(0);
    expect(entropy('Xk9#mPq2Lr7$wZ4t')).toBeGreaterThan(3.5);
  });
});
