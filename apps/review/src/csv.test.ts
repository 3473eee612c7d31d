import { describe, expect, it } from 'vitest';
import type { ReviewEntry } from '@vouchsafe/contracts';
import { CSV_HEADER, csvCell, entriesToCsv, toCsv } from './csv';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a formula: %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('quotes commas, quotes and line breaks, and leaves plain text alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('verification.succeeded')).toBe('verification.succeeded');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
  });

  it('joins rows with CRLF and ends with one', () => {
    expect(
      toCsv([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toBe('a,b\r\nc,d\r\n');
  });
});

describe('entriesToCsv', () => {
  const entry: ReviewEntry = {
    event: {
      id: '3f1e6c1a-1111-4a4a-8b8b-000000000001',
      type: 'verification.denied',
      secretId: null,
      occurredAt: '2026-12-03T10:00:00.000Z',
      data: {},
      chainIndex: 7,
      prevHash: null,
      hash: 'ab'.repeat(32),
    },
    kind: 'verification',
    ticketId: '=cmd|/c calc!A1',
    actor: '@agent',
    flags: ['possible_fraud'],
    note: { status: 'edited', reason: 'the text differs' },
  };

  it('writes one line per entry under the header, with the receipt check and formula cells neutralised', () => {
    const lines = entriesToCsv([entry]).split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines[1]).toBe(
      `2026-12-03T10:00:00.000Z,verification.denied,verification,'=cmd|/c calc!A1,'@agent,possible_fraud,${entry.event.id},Note edited in the desk: the text differs,7,${'ab'.repeat(32)}`,
    );
    expect(lines).toHaveLength(3);
  });
});
