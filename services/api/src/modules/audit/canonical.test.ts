import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, eventHash } from './canonical';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('does not depend on key order and round-trips through JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const reordered = JSON.parse(
          JSON.stringify(v, (_k, x) =>
            x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x,
          ),
        );
        expect(canonicalJson(reordered)).toBe(canonicalJson(v));
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it('refuses values JSON cannot represent exactly', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(() => 1)).toThrow();
  });
});

describe('eventHash', () => {
  const e = {
    chainIndex: '1',
    id: '6f1e7c1a-1111-4111-8111-111111111111',
    tenantId: '00000000-0000-4000-8000-000000000001',
    type: 'secret.created',
    secretId: 'abc',
    occurredAt: new Date('2026-11-25T10:00:00.123Z'),
    data: { sizeBytes: 10 },
  };
  it('changes with any field and with the previous hash', () => {
    const h = eventHash(GENESIS_HASH, e);
    expect(h).toHaveLength(32);
    expect(eventHash(GENESIS_HASH, { ...e, chainIndex: '2' }).equals(h)).toBe(false);
    expect(eventHash(GENESIS_HASH, { ...e, data: { sizeBytes: 11 } }).equals(h)).toBe(false);
    expect(eventHash(GENESIS_HASH, { ...e, occurredAt: new Date('2026-11-25T10:00:00.124Z') }).equals(h)).toBe(false);
    expect(eventHash(h, e).equals(h)).toBe(false);
    expect(eventHash(GENESIS_HASH, { ...e }).equals(h)).toBe(true);
  });
});
