import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse-parser';

function parse(...pieces: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const piece of pieces) parser.push(piece);
  return events;
}

const STREAM = ': ping\n\nevent: verification\ndata: {"a":1}\n\n: ping\nid: 7\nevent: verification\ndata: {"b":\ndata: 2}\n\n';
const EXPECTED: SseEvent[] = [
  { event: 'verification', data: '{"a":1}', lastEventId: '' },
  { event: 'verification', data: '{"b":\n2}', lastEventId: '7' },
];

describe('createSseParser', () => {
  it('dispatches named events, joins multi-line data and skips comments (pings)', () => {
    expect(parse(STREAM)).toEqual(EXPECTED);
  });

  it('gives the same events however the network splits the text', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) expect(parse(STREAM.slice(0, cut), STREAM.slice(cut))).toEqual(EXPECTED);
    expect(parse(...STREAM.split(''))).toEqual(EXPECTED);
  });

  it('accepts CRLF and CR line ends, also with the CRLF split across pieces', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    expect(parse(crlf)).toEqual(EXPECTED);
    for (let cut = 0; cut <= crlf.length; cut++) expect(parse(crlf.slice(0, cut), crlf.slice(cut))).toEqual(EXPECTED);
    expect(parse(STREAM.replace(/\n/g, '\r'))).toEqual(EXPECTED);
  });

  it('follows the grammar at the edges', () => {
    // No data: nothing dispatched. No event name: "message". Only one leading space is dropped.
    expect(parse('event: verification\n\n')).toEqual([]);
    expect(parse('data:  x\n\n')).toEqual([{ event: 'message', data: ' x', lastEventId: '' }]);
    // A field without a colon is a field with an empty value; unknown fields and retry are ignored.
    expect(parse('data\nretry: 10\nfoo: bar\n\n')).toEqual([{ event: 'message', data: '', lastEventId: '' }]);
    // An event the stream did not finish with a blank line is not dispatched.
    expect(parse('event: verification\ndata: {}\n')).toEqual([]);
    // The event name does not leak into the next event.
    expect(parse('event: a\ndata: 1\n\ndata: 2\n\n').map((e) => e.event)).toEqual(['a', 'message']);
  });

  it('is independent of chunking for arbitrary streams (property)', () => {
    const line = fc.oneof(
      fc.constant(''),
      fc.constant(': ping'),
      fc.string({ unit: fc.constantFrom('a', 'b', ':', ' ', '{', '}', 'é') }).map((s) => `data: ${s}`),
      fc.constantFrom('event: verification', 'event: other', 'id: 9'),
    );
    fc.assert(
      fc.property(fc.array(line), fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat(), { maxLength: 8 }), (lines, eol, cuts) => {
        const text = lines.map((l) => l + eol).join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces: string[] = [];
        let from = 0;
        for (const p of points) {
          pieces.push(text.slice(from, p));
          from = p;
        }
        pieces.push(text.slice(from));
        expect(parse(...pieces)).toEqual(parse(text));
      }),
    );
  });
});
