import { describe, expect, it } from 'vitest';
import { detect } from './detect';
import { redact } from './redact';
import type { Finding } from './types';

describe('redact', () => {
  it('replaces every finding with its masked preview by default, keeping the rest of the text', () => {
    const text = 'Card 4242 4242 4242 4242, IBAN DE89 3704 0044 0532 0130 00.\nPasswort: Sommer2024!';
    expect(redact(text, detect(text))).toBe('Card [•••• 4242], IBAN [DE•• •••• •••• •••• ••30 00].\nPasswort: [password: ••••••]');
  });

  it('takes a fixed placeholder or a function of the finding', () => {
    const text = 'pwd: Xk9#mPq2 and OTP: 482913';
    const findings = detect(text);
    expect(redact(text, findings, '[redacted]')).toBe('pwd: [redacted] and OTP: [redacted]');
    expect(redact(text, findings, (f) => `<${f.kind}>`)).toBe('pwd: <password> and OTP: <one_time_code>');
  });

  it('accepts findings in any order, overlapping or out of range', () => {
    const f = (start: number, end: number): Finding => ({ kind: 'password', start, end, confidence: 1, preview: 'x' });
    expect(redact('0123456789', [f(6, 8), f(1, 4), f(2, 5)], '#')).toBe('0##5#89');
    expect(redact('0123456789', [f(8, 50)], '#')).toBe('01234567#');
    expect(redact('abc', [], '#')).toBe('abc');
  });
});
