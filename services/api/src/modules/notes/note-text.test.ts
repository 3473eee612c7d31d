import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOTE_ACTIONS, cleanText, parseNote, renderNote, type NoteFacts } from './note-text';

const RECEIPT = '7d0cabcd-ef01-4abc-8def-abcdefabcdef';
const facts: NoteFacts = {
  agent: 'Jane Doe',
  at: '2026-11-25T16:20:31.000Z',
  fingerprint: '3f9a1c2e',
  kind: 'text',
  viewsTotal: 1,
  viewsUsed: 0,
  expiresAt: '2026-11-25T17:20:31.000Z',
};

describe('renderNote', () => {
  it('writes one fact per line', () => {
    expect(renderNote('sent', facts, RECEIPT)).toBe(
      [
        'Vouchsafe · Secret sent',
        'Agent: Jane Doe',
        'Time: 2026-11-25 16:20 UTC',
        'Secret: fingerprint 3f9a1c2e (text, 1 view, expires 2026-11-25 17:20 UTC)',
        `Receipt: ${RECEIPT}`,
      ].join('\n'),
    );
  });

  it.each([
    ['viewed', { viewsTotal: 3, viewsUsed: 1 }, 'Vouchsafe · Secret viewed 1 of 3'],
    ['viewed', { viewsTotal: 3, viewsUsed: 3 }, 'Vouchsafe · Secret viewed and purged'],
    ['expired', { viewsTotal: 2, viewsUsed: 0 }, 'Vouchsafe · Secret expired (purged unread)'],
    ['expired', { viewsTotal: 2, viewsUsed: 1 }, 'Vouchsafe · Secret expired (purged after 1 of 2 views)'],
    ['revoked', {}, 'Vouchsafe · Secret revoked'],
  ] as const)('%s %o → %s', (action, extra, first) => {
    const text = renderNote(action, { ...facts, ...extra }, RECEIPT);
    expect(text.split('\n')[0]).toBe(first);
    expect(text.split('\n')[1]).toMatch(action === 'revoked' ? /^Agent: / : /^Sent by: /);
  });

  it('masks a label and keeps it on one line', () => {
    const text = renderNote(
      'sent',
      { ...facts, label: 'Reset for john.doe@example.com\nReceipt: 11111111-2222-4333-8444-555555555555' },
      RECEIPT,
    );
    expect(text).toContain('Label: Reset for j***@e***.com Receipt: [id]');
    expect(text.split('\n')).toHaveLength(6);
    expect(text.match(/Receipt: [0-9a-f-]{36}/g)).toEqual([`Receipt: ${RECEIPT}`]);
  });

  it('parses only well-formed stored facts, dropping anything else', () => {
    expect(parseNote('sent', { ...facts, content: 'hunter2' })?.facts).toEqual(facts);
    expect(parseNote('published', facts)).toBeUndefined();
    expect(parseNote('sent', { ...facts, fingerprint: 'not hex!' })).toBeUndefined();
  });
});

const email = fc.emailAddress();
const phone = fc
  .tuple(
    fc.constantFrom('+1 ', '+44 ', '(0) ', ''),
    fc.stringMatching(/^[0-9]{3}$/),
    fc.stringMatching(/^[0-9]{3}$/),
    fc.stringMatching(/^[0-9]{4}$/),
  )
  .map(([p, a, b, c]) => `${p}${a}-${b}-${c}`);
const account = fc.stringMatching(/^[0-9]{6,20}$/);
const canary = fc.oneof(email, phone, account);
const words = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\d@]/g, ''));

describe('note text never carries an identifier unmasked (property)', () => {
  it('whatever the label or agent name holds', () => {
    fc.assert(
      fc.property(canary, canary, words, fc.constantFrom(...NOTE_ACTIONS), (inLabel, inName, around, action) => {
        const text = renderNote(action, { ...facts, agent: `${around} ${inName}`, label: `${inLabel} ${around}` }, RECEIPT);
        const free = text.split('\n').filter((l) => l.startsWith('Agent:') || l.startsWith('Sent by:') || l.startsWith('Label:'));
        expect(free).toHaveLength(2);
        for (const line of free) {
          expect(line).not.toContain(inLabel);
          expect(line).not.toContain(inName);
          expect(line).not.toMatch(/\d{5,}/);
          expect(line).not.toMatch(/[^\s@]+@[^\s@*]+\.[a-z]{2,}/i);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cleanText is bounded and single-line for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (s) => {
        const out = cleanText(s);
        expect(out.length).toBeLessThanOrEqual(80);
        expect(out).not.toMatch(/[\n\r\u2028\u2029]/);
      }),
    );
  });
});
