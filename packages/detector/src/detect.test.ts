import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detect } from './detect';
import type { FindingKind } from './types';

/** What the detector reported, as [kind, matched text] (the test reads the text back from the span). */
function found(text: string, options?: Parameters<typeof detect>[1]): [FindingKind, string][] {
  return detect(text, options).map((f) => [f.kind, text.slice(f.start, f.end)]);
}

describe('detect: one example per kind, and its near miss', () => {
  it.each<[string, FindingKind, string]>([
    ['card 4111 1111 1111 1111 exp 12/26', 'card', '4111 1111 1111 1111'],
    ['Amex 3782-822463-10005', 'card', '3782-822463-10005'],
    ['Mastercard 2-series 2223003122003222', 'card', '2223003122003222'],
    ['カード番号は4242424242424242です', 'card', '4242424242424242'],
    ['IBAN DE89 3704 0044 0532 0130 00, danke', 'iban', 'DE89 3704 0044 0532 0130 00'],
    ['RIB : FR1420041010050500013M02606', 'iban', 'FR1420041010050500013M02606'],
    ['SSN 219-09-9998', 'us_ssn', '219-09-9998'],
    ['NI number: AB 12 34 56 C', 'uk_nino', 'AB 12 34 56 C'],
    ['Steuer-ID 86095742719', 'de_tax_id', '86095742719'],
    ['NIR : 2 69 05 49 588 157 80', 'fr_nir', '2 69 05 49 588 157 80'],
    ['NIE: X1234567L', 'es_dni', 'X1234567L'],
    ['BSN: 111222333', 'nl_bsn', '111222333'],
    ['codice fiscale RSSMRA85T10A562S', 'it_fiscal_code', 'RSSMRA85T10A562S'],
    ['Your temporary password is Xk9#mPq2.', 'password', 'Xk9#mPq2'],
    ['Ihr Kennwort lautet Sommer2024!', 'password', 'Sommer2024!'],
    ['パスワードは「Tokyo2024」です', 'password', 'Tokyo2024'],
    ['contraseña: Perro_Azul_99', 'password', 'Perro_Azul_99'],
    ['Votre code de vérification est 482913', 'one_time_code', '482913'],
    ['認証コード：482913', 'one_time_code', '482913'],
    ['AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'aws_access_key', 'AKIAIOSFODNN7EXAMPLE'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['token ghp_0123456789abcdefghijABCDEFGHIJ012345', 'github_token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    [
      'SLACK=xoxb-123456789012-123456789012-abcdefABCDEF1234567890ab',
      'slack_token',
      'xoxb-123456789012-123456789012-abcdefABCDEF1234567890ab',
    ],
    ['key sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe_key', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['key=AIzaSyA1234567890abcdefghijklmnopqrstuv', 'google_api_key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
    ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'jwt', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
    ['client_secret: Q2xpZW50U2VjcmV0LTk4NzY1NDMyMTA', 'high_entropy', 'Q2xpZW50U2VjcmV0LTk4NzY1NDMyMTA'],
  ])('%s', (text, kind, match) => {
    expect(found(text)).toEqual([[kind, match]]);
  });

  it.each([
    'card 4111 1111 1111 1112', // Luhn fails, even next to "card"
    'Visa 4111 1111 1111 116', // passes Luhn, but 15 digits: no Visa has that length
    'Bestellung 4111111111111111 storniert', // a Luhn-valid number introduced as an order number
    'IBAN DE88 3704 0044 0532 0130 00', // check digits wrong
    'SSN 078-05-1120', // the Woolworth wallet number, never valid
    'SSN 666-12-3456', // area 666 is never issued
    'SSN 123-00-4567', // group 00 is never issued
    'customer 123456782', // passes the BSN 11-test, but nothing says it is a BSN
    'NI number: QQ 12 34 56 C', // Q is never a prefix letter
    'Error code 500, zip code 10001, promo code SUMMER10',
    'I forgot my password: please reset it',
    'Password: ********',
    'Commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3, request 3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    'Session Q2xpZW50U2VjcmV0LTk4NzY1NDMyMTA ended', // random-looking but no keyword
    'eyJub3QiOiJhIGhlYWRlciJ9.eyJzdWIiOiIxIn0.c2ln', // a header without alg is not a JWT
    'Call +1 (415) 555-0132 or +49 30 12345678 on 2024-03-15',
  ])('%s → nothing', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('detect: spans, overlaps and options', () => {
  it('a PEM block is one finding from BEGIN to END', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----';
    expect(found(`see below\n${key}\nthanks`)).toEqual([['private_key', key]]);
  });

  it('an IBAN is not also a card, and findings come sorted and never overlap', () => {
    const text = 'Pay DE89370400440532013000 with 4111111111111111, password: Xk9#mPq2Lr7$wZ4t';
    const f = detect(text);
    expect(f.map((x) => x.kind)).toEqual(['iban', 'card', 'password']);
    for (let i = 1; i < f.length; i++) expect(f[i]!.start).toBeGreaterThanOrEqual(f[i - 1]!.end);
  });

  it('kinds: only the kinds asked for', () => {
    const text = 'card 4111111111111111, Passwort: Sommer2024!';
    expect(found(text, { kinds: ['password'] })).toEqual([['password', 'Sommer2024!']]);
    expect(found(text, { kinds: ['card'] })).toEqual([['card', '4111111111111111']]);
  });

  it('minConfidence: a card next to "order" is reported only when asked for low-confidence findings', () => {
    const text = 'order 4111111111111111';
    expect(found(text)).toEqual([]);
    expect(found(text, { minConfidence: 0.3 })).toEqual([['card', '4111111111111111']]);
  });

  it('locales: national ids of other countries lose confidence', () => {
    const text = 'ref 86095742719';
    expect(found(text, { locales: ['de-DE'] })).toEqual([['de_tax_id', '86095742719']]);
    expect(found(text, { locales: ['fr'] })).toEqual([]);
  });

  it('previews show only the allowed tail', () => {
    const previews = detect('card 4242 4242 4242 4242, IBAN DE89 3704 0044 0532 0130 00, SSN 219-09-9998, pwd: Xk9#mPq2').map(
      (f) => f.preview,
    );
    expect(previews).toEqual(['•••• 4242', 'DE•• •••• •••• •••• ••30 00', '•••-••-9998', 'password: ••••••']);
  });
});

describe('detect: what it returns never carries the matched text', () => {
  it('property: for any secret in any surrounding text, no 6-character window of it is in the findings', () => {
    const secret = fc.oneof(
      fc.constantFrom('4111111111111111', '5555 5555 5555 4444', 'GB82 WEST 1234 5698 7654 32', 'AKIAIOSFODNN7EXAMPLE'),
      fc.stringMatching(/^[A-Z][a-z]{3}[0-9]{2}[!#$%][a-z]{3}$/).map((p) => `password: ${p}`),
    );
    const filler = fc.string({ unit: fc.constantFrom('a', ' ', '1', '-', ':', 'é', '\n'), maxLength: 30 });
    fc.assert(
      fc.property(filler, secret, filler, (before, s, after) => {
        const text = `${before} ${s} ${after}`;
        const serialised = JSON.stringify(detect(text).map(({ kind: _kind, ...rest }) => rest));
        for (const f of detect(text)) {
          const match = text.slice(f.start, f.end);
          for (let i = 0; i + 6 <= match.length; i++) expect(serialised).not.toContain(match.slice(i, i + 6));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('detect: cards next to other numbers', () => {
  it('finds compact cards separated by single spaces, and a grouped card followed by its expiry', () => {
    expect(found('cards 4111111111111111 5555555555554444')).toEqual([
      ['card', '4111111111111111'],
      ['card', '5555555555554444'],
    ]);
    expect(found('4242 4242 4242 4242 12 26 cvc')).toEqual([['card', '4242 4242 4242 4242']]);
  });
});
