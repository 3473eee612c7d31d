import { describe, expect, it } from 'vitest';
import { describeFinding, findingFacts } from './describe';
import { detect } from './detect';

describe('findingFacts / describeFinding', () => {
  it('keep only what the preview shows, in words a note can use', () => {
    const text = 'card 4242 4242 4242 4242, IBAN DE89 3704 0044 0532 0130 00, SSN 219-09-9998, Passwort: Sommer2024!, NIE X1234567L';
    const facts = detect(text).map(findingFacts);
    expect(facts).toEqual([
      { kind: 'card', tail: '4242', country: null },
      { kind: 'iban', tail: '3000', country: 'DE' },
      { kind: 'us_ssn', tail: '9998', country: null },
      { kind: 'password', tail: null, country: null },
      { kind: 'es_dni', tail: null, country: null },
    ]);
    expect(facts.map(describeFinding)).toEqual([
      'a card number ending 4242',
      'an IBAN (DE) ending 3000',
      'an SSN ending 9998',
      'a password',
      'a DNI/NIE',
    ]);
  });
});
