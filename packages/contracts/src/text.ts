import { z } from 'zod';

/**
 * The one rule for text on the wire: no NUL character and no unpaired UTF-16 surrogate. Postgres
 * refuses both (a NUL in `text`, `\u0000` or a lone `\ud800` escape in `jsonb`), and neither is
 * legitimate in a name, a label, a token or an id. Everything else (RTL marks, emoji, any script)
 * is allowed here; each field still has its own shape rules.
 *
 * Every string schema in contracts is built on `text()`, and the API applies
 * `findMalformedText` centrally to every parsed body, query string and path, so no route can forget it.
 */

// Without the `u` flag the pattern sees UTF-16 code units: a high surrogate not followed by a low
// one, or a low surrogate not preceded by a high one, is unpaired.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const MALFORMED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const MALFORMED_TEXT_MESSAGE = 'must not contain a NUL character or an unpaired surrogate';

export function isWellFormedText(value: string): boolean {
  return !MALFORMED.test(value);
}

/** `z.string()` with the well-formed text rule: use it for every string field. */
export function text() {
  return z.string().refine(isWellFormedText, { message: MALFORMED_TEXT_MESSAGE, abort: true });
}

/** Where in a JSON value the first malformed string (or object key) is: keys and array indexes from the root. */
export type TextPath = (string | number)[];

interface Node {
  value: unknown;
  parent: Node | undefined;
  key: string | number | undefined;
}

function pathOf(node: Node): TextPath {
  const path: TextPath = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) path.push(n.key!);
  return path.reverse();
}

/**
 * The path of the first string or object key in `value` that is not well-formed text, or undefined.
 * `isKey` says the offending text is a key of the object at `path`. Walks iteratively with parent
 * links, so neither a deeply nested body nor a wide one costs more than one pass.
 */
export function findMalformedText(value: unknown): { path: TextPath; isKey: boolean } | undefined {
  const stack: Node[] = [{ value, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      if (!isWellFormedText(v)) return { path: pathOf(node), isKey: false };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: node, key: i });
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      if (keys.some((k) => !isWellFormedText(k))) return { path: pathOf(node), isKey: true };
      for (let i = keys.length - 1; i >= 0; i--)
        stack.push({ value: (v as Record<string, unknown>)[keys[i]!], parent: node, key: keys[i]! });
    }
  }
  return undefined;
}
