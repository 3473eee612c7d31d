import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CryptoError,
  decodeLinkKey,
  decodePayload,
  encodeLinkKey,
  encodePayload,
  fromBase64Url,
  generateLinkKey,
  toBase64Url,
  type SecretPayload,
} from './index';
import { codeOfSync } from './error-codes.testing';

describe('base64url', () => {
  it('matches node Buffer base64url and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const s = toBase64Url(bytes);
        expect(s).toBe(Buffer.from(bytes).toString('base64url'));
        expect(s).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(Array.from(fromBase64Url(s))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('rejects characters outside the alphabet, padding and impossible lengths', () => {
    for (const bad of ['ab+c', 'ab/c', 'abc=', 'ab c', 'abcde', 'é', 'AB\n']) {
      expect(codeOfSync(() => fromBase64Url(bad))).toBe('invalid_encoding');
    }
  });

  it('rejects non-canonical trailing bits', () => {
    expect(codeOfSync(() => fromBase64Url('AB'))).toBe('invalid_encoding'); // canonical is "AA"
    expect(Array.from(fromBase64Url('AA'))).toEqual([0]);
  });
});

describe('link keys', () => {
  it('generates 32 random bytes and round-trips through its encoding', () => {
    const key = generateLinkKey();
    expect(key).toHaveLength(32);
    expect(encodeLinkKey(key)).toHaveLength(43);
    expect(Array.from(decodeLinkKey(encodeLinkKey(key)))).toEqual(Array.from(key));
    expect(toBase64Url(generateLinkKey())).not.toBe(toBase64Url(key));
  });

  it('accepts 16..32 bytes and rejects anything else as invalid_link_key', () => {
    expect(decodeLinkKey(toBase64Url(new Uint8Array(16)))).toHaveLength(16);
    for (const n of [0, 1, 15, 33, 64]) {
      expect(codeOfSync(() => decodeLinkKey(toBase64Url(new Uint8Array(n))))).toBe('invalid_link_key');
    }
    expect(codeOfSync(() => decodeLinkKey('not a key!'))).toBe('invalid_link_key');
  });
});

const payloadArb: fc.Arbitrary<SecretPayload> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'grapheme', maxLength: 200 }) }),
  fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 200 }) }),
  fc.record({
    kind: fc.constant('file' as const),
    name: fc.string({ unit: 'grapheme', maxLength: 60 }),
    type: fc.constantFrom('', 'application/pdf', 'image/png', 'text/plain; charset=utf-8'),
    bytes: fc.uint8Array({ maxLength: 500 }),
  }),
);

describe('payload', () => {
  it('round-trips text (incl. unicode, BOM, astral) and files (incl. empty and binary)', () => {
    fc.assert(
      fc.property(payloadArb, (p) => {
        expect(decodePayload(encodePayload(p))).toEqual(p);
      }),
    );
  });

  it('round-trips the edge cases explicitly', () => {
    const cases: SecretPayload[] = [
      { kind: 'text', text: '' },
      { kind: 'text', text: '\uFEFFleading BOM 🔐 naïve' },
      { kind: 'file', name: 'empty.bin', type: 'application/octet-stream', bytes: new Uint8Array(0) },
      { kind: 'file', name: 'ключ.pdf', type: 'application/pdf', bytes: Uint8Array.from([0, 255, 0x7b, 0x22]) },
    ];
    for (const p of cases) expect(decodePayload(encodePayload(p))).toEqual(p);
  });

  it('rejects malformed payloads with malformed_payload', () => {
    const enc = new TextEncoder();
    const frame = (header: string, body: number[] = []): Uint8Array => {
      const h = enc.encode(header);
      const out = new Uint8Array(4 + h.length + body.length);
      new DataView(out.buffer).setUint32(0, h.length);
      out.set(h, 4);
      out.set(body, 4 + h.length);
      return out;
    };
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0, 0, 0),
      Uint8Array.of(0, 0, 0, 0),
      Uint8Array.of(0, 0, 0, 50, 123),
      Uint8Array.of(0xff, 0xff, 0xff, 0xff),
      frame('not json'),
      frame('[1]'),
      frame('null'),
      frame('{"v":2,"kind":"text"}'),
      frame('{"v":1,"kind":"link"}'),
      frame('{"v":1,"kind":"file","name":"a"}'),
      frame('{"v":1,"kind":"file","name":1,"type":"x"}'),
      frame('{"v":1,"kind":"text","name":"x"}'),
      frame('{"v":1,"kind":"text"}', [0xc3, 0x28]), // invalid UTF-8 body
    ];
    for (const b of bad) expect(codeOfSync(() => decodePayload(b))).toBe('malformed_payload');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodePayload(bytes);
        } catch (err) {
          expect((err as CryptoError).code).toBe('malformed_payload');
        }
      }),
    );
  });

  it('refuses to encode a header that would exceed the size bound', () => {
    const p: SecretPayload = { kind: 'file', name: 'x'.repeat(2000), type: 'a/b', bytes: new Uint8Array(0) };
    expect(codeOfSync(() => encodePayload(p))).toBe('malformed_payload');
  });
});
