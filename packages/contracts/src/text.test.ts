import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CreateSecretRequestSchema,
  OverrideRequestSchema,
  TenantCreateRequestSchema,
  findMalformedText,
  isWellFormedText,
  text,
} from './index';

describe('isWellFormedText', () => {
  it.each([
    ['', true],
    ['Jane Doe', true],
    ['\u202eevil\u200f', true], // RTL override and mark: odd, but well-formed
    ['😀 emoji (a surrogate pair)', true],
    ['a\u0000b', false],
    ['\ud800', false],
    ['x\udc00', false],
    ['\udc00\ud800', false], // both halves, wrong order
    ['\ud83d', false], // half an emoji
  ])('%j → %s', (value, expected) => {
    expect(isWellFormedText(value)).toBe(expected);
  });

  it('agrees with String.prototype.isWellFormed (plus: no NUL) on arbitrary UTF-16', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('\u0000', '\ud800', '\udfff'),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (s) => {
        const native = (s as unknown as { isWellFormed(): boolean }).isWellFormed();
        expect(isWellFormedText(s)).toBe(native && !s.includes('\u0000'));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('text()', () => {
  it('refuses malformed text with one issue and keeps the other string rules', () => {
    const schema = text()
      .min(3)
      .regex(/^[a-z]+$/);
    const bad = schema.safeParse('a\u0000');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues).toHaveLength(1);
    expect(bad.error?.issues[0]?.message).toMatch(/NUL character or an unpaired surrogate/);
    expect(schema.safeParse('abc').success).toBe(true);
    expect(schema.safeParse('ab').success).toBe(false);
  });

  it('is what the request schemas are built on', () => {
    expect(
      CreateSecretRequestSchema.safeParse({ kind: 'text', ciphertext: 'AAAA', keyCheck: 'A'.repeat(43), label: 'ok\ud800' }).success,
    ).toBe(false);
    expect(OverrideRequestSchema.safeParse({ reason: 'a long enough reason \u0000' }).success).toBe(false);
    expect(
      TenantCreateRequestSchema.safeParse({ desk: 'zendesk', name: '\u0000' }).error?.issues.some((i) => i.path.join('.') === 'name'),
    ).toBe(true);
  });

  it('every string schema in contracts uses it (no bare z.string())', () => {
    const dir = path.dirname(fileURLToPath(import.meta.url));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'text.ts')) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/z\s*\.\s*(string|email|url|uuid|iso|base64url)\s*\(/);
    }
  });
});

describe('findMalformedText', () => {
  it('names the path of the first malformed string or key', () => {
    expect(findMalformedText({ a: 'ok', b: [1, 'x', { c: 'no\u0000' }] })).toEqual({ path: ['b', 2, 'c'], isKey: false });
    expect(findMalformedText({ a: { 'k\ud800': 1 } })).toEqual({ path: ['a'], isKey: true });
    expect(findMalformedText('\udc00')).toEqual({ path: [], isKey: false });
    expect(findMalformedText({ a: ['fine', 1, null, true], ключ: 'значение' })).toBeUndefined();
  });

  it('walks very deep and very wide values without recursion', () => {
    let deep: unknown = 'bad\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findMalformedText(deep)?.path).toHaveLength(100_000);
    const wide = Array.from({ length: 200_000 }, (_, i) => (i === 199_999 ? '\ud800' : 'x'));
    expect(findMalformedText(wide)?.path).toEqual([199_999]);
  });

  it('finds a malformed string wherever it is placed in arbitrary JSON (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('\u0000', '\ud800', '\udfff'), fc.nat(), (json, bad, seed) => {
        expect(findMalformedText(json)).toBeUndefined();
        const paths: (string | number)[][] = [];
        const walk = (v: unknown, p: (string | number)[]) => {
          paths.push(p);
          if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
          else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
        };
        walk(json, []);
        const target = paths[seed % paths.length]!;
        const replaced = structuredClone(json) as unknown;
        if (target.length === 0) {
          expect(findMalformedText(`x${bad}`)).toEqual({ path: [], isKey: false });
          return;
        }
        let parent = replaced as Record<string | number, unknown>;
        for (const k of target.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        parent[target.at(-1)!] = `x${bad}`;
        expect(findMalformedText(replaced)).toEqual({ path: target, isKey: false });
      }),
      { numRuns: 500 },
    );
  });
});
