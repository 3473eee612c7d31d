// Inputs built to make a backtracking regex go quadratic or worse: long runs of the characters each pattern
// consumes, keywords and prefixes repeated without what must follow them. Shared by the bench (1 MB, timed) and the
// linear-time test (smaller, asserted only to finish).

export function adversarialInputs(size: number): Record<string, string> {
  const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  return {
    digits: fill('4'),
    // A run that ends in a letter: a pattern whose end assertion fails retries from every inner group.
    'spaced digits, then a letter': fill('4 ').slice(0, -2) + '4x',
    'dashed groups, then a letter': fill('4111-').slice(0, -5) + '4111x',
    'IBAN anchors': fill('DE89 '),
    letters: fill('a'),
    'base64 run': fill('Ab3+/'),
    'base64url run': fill('eyJ-'),
    'jwt-ish dots': fill('eyJa.'),
    'PEM begins': fill('-----BEGIN PRIVATE KEY-----\n'),
    'password keywords': fill('password: '),
    'code keywords': fill('code code '),
    'japanese keywords': fill('パスワードは'),
    'token prefixes': fill('ghp_xoxb-sk_live_AIza'),
    'secret keyword + base64': fill('secret '.padEnd(20, 'x') + 'Zz9'.repeat(200) + ' '),
    // Many real findings: whatever settles overlaps must not compare each with all the others.
    'many cards': fill('4111111111111111 '),
    'many passwords': fill('pwd: Xk9#mPq2 '),
    'mixed ticket text': fill('Order 4111 1111 1111 1112 IBAN DE88 3704 0044 0532 0130 00 Passwort: ******** code 500. '),
  };
}
