import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configureZodForBrowser } from './zod-browser';

/**
 * Counts the functions zod builds from strings: the `new Function('')` probe it runs (once, then cached) before
 * compiling object parsers, and the compiled parsers themselves. Other code (the test runner) may build its own.
 */
const RealFunction = globalThis.Function;
let constructed = 0;
globalThis.Function = new Proxy(RealFunction, {
  construct(target, args: unknown[], newTarget) {
    if (new Error().stack?.includes('/zod/')) constructed += 1;
    return Reflect.construct(target, args, newTarget) as object;
  },
});
afterAll(() => {
  globalThis.Function = RealFunction;
});

/** What contracts does at load: build object schemas, then parse with them. */
const schema = () => z.object({ id: z.string(), n: z.number(), inner: z.object({ ok: z.boolean() }) });
const body = (n: number) => ({ id: 'a', n, inner: { ok: true } });

describe('configureZodForBrowser', () => {
  // Order matters: zod caches the probe's answer, so the jitless case must come first in this file.
  it('keeps zod from building functions out of strings, when called before schemas exist (no CSP unsafe-eval report)', () => {
    configureZodForBrowser();
    const Body = schema();
    const parsed = [0, 1, 2].map((n) => Body.parse(body(n)));
    expect(constructed).toBe(0);
    expect(parsed).toEqual([0, 1, 2].map(body));
  });

  it('(control) without it, building an object schema probes new Function and parsing compiles one', () => {
    z.config({ jitless: false });
    schema().parse(body(1));
    expect(constructed).toBeGreaterThan(0);
  });
});
