import fc from 'fast-check';
import type { Express } from 'express';
import { sql } from 'kysely';
import type { Db } from '../src/db/database';

/**
 * Helpers for fuzzing every endpoint: the app's routes as Express registered them, a digest of every
 * table, hostile text and JSON generators, and URL encoding that can carry lone surrogates.
 */

interface RouteLike {
  path: string | string[];
  methods: Record<string, boolean>;
}
interface LayerLike {
  rawPath?: string | string[];
  route?: RouteLike;
  handle?: { stack?: LayerLike[] };
}

const join = (prefix: string, path: string) => `${prefix}/${path}`.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');

/**
 * Every `METHOD /full/pattern` the app answers, walked from the Express router stack (router 2.x keeps
 * each layer's `rawPath`): routes, including those in routers mounted under a prefix (at every prefix).
 * A trailing slash is dropped (`/zendesk/` and `/zendesk` are one endpoint to fuzz).
 */
export function appRoutes(app: Express): string[] {
  const out = new Set<string>();
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      // A route's layer carries the route's own path(s); a mounted router's layer carries its mount path(s).
      const paths = [layer.route ? layer.route.path : (layer.rawPath ?? '/')].flat();
      for (const p of paths) {
        if (typeof p !== 'string') throw new Error('a route is registered with a RegExp path: list it by hand');
        if (layer.route) for (const m of Object.keys(layer.route.methods)) out.add(`${m.toUpperCase()} ${join(prefix, p)}`);
        else if (layer.handle?.stack) walk(layer.handle.stack, join(prefix, p));
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return [...out].sort();
}

/** One digest per table of the current schema: any inserted, deleted or changed row shows. */
export async function digestTables(db: Db): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`.execute(db);
  const out: Record<string, string> = {};
  for (const { name } of tables.rows) {
    // Throttle counters count requests — every request, hostile or not — and are not state the input could change.
    if (name === 'rate_limits') continue;
    // Reviewer reads are audited on every request that succeeds (review.*, issue 9), hostile-but-valid filters included.
    const rows = name === 'audit_events' ? sql`(SELECT * FROM audit_events WHERE type NOT LIKE 'review.%')` : sql.table(name);
    const r = await sql<{ d: string; n: number }>`
      SELECT md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) AS d, count(*)::int AS n FROM ${rows} AS x`.execute(db);
    out[name] = `${r.rows[0]!.n}:${r.rows[0]!.d}`;
  }
  return out;
}

/** Code units a careless server trips over: NUL, lone surrogates, RTL/bidi controls, separators, BOM, path and quote characters. */
const NASTY = [
  '\u0000',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u202e',
  '\u200f',
  '\u2066',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\u0085',
  '\u00ad',
  '%',
  '%00',
  '/',
  '..',
  '\\',
  '"',
  "'",
  '<',
  '&',
  '#',
  '?',
  '\n',
];

/** One unit: any code point (including surrogate halves, which String.fromCodePoint leaves unpaired), often a nasty one. */
export const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
);

/** Short hostile strings, sometimes a malformed one for sure, sometimes a huge one. */
export const hostileString = (maxLength = 40, hugeUpTo = 100_000): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: hostileUnit, maxLength }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.string({ unit: hostileUnit, maxLength: 10 }), fc.constantFrom('\u0000', '\ud800', '\udfff'))
        .map(([s, bad]) => `${s}${bad}${s}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.string({ unit: hostileUnit, minLength: 1, maxLength: 8 }), fc.integer({ min: Math.min(1_000, hugeUpTo), max: hugeUpTo }))
        .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n)),
    },
  );

/** Arbitrary JSON whose strings and keys are hostile. */
export const hostileJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3, stringUnit: hostileUnit });

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString(),
  hostileJson,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

/** A string that is malformed for certain (for replacing one field of an otherwise valid body). */
export const malformedString: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ unit: hostileUnit, minLength: 4, maxLength: 12 }),
    fc.constantFrom('\u0000', '\ud800', '\udc00'),
    fc.string({ unit: hostileUnit, minLength: 4, maxLength: 12 }),
  )
  .map(([a, bad, b]) => `${a}${bad}${b}`);

const hex = (b: number) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * encodeURIComponent, except that a lone surrogate is sent as its WTF-8 bytes (what a hostile client
 * sends; encodeURIComponent would throw), so the server sees every kind of broken text.
 */
export function percentEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += hex(0xe0 | (c >> 12)) + hex(0x80 | ((c >> 6) & 0x3f)) + hex(0x80 | (c & 0x3f));
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}

export const queryString = (params: [string, string][]) =>
  params.length === 0 ? '' : `?${params.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`;
