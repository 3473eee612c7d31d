import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, backoffAfter } from './note-delivery';

describe('backoffAfter', () => {
  it('doubles from the base and stops at 5 minutes', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffAfter(n, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(backoffAfter(9, 1_000)).toBe(256_000);
    expect(backoffAfter(10, 1_000)).toBe(MAX_BACKOFF_MS);
    expect(backoffAfter(1_000, 1_000)).toBe(MAX_BACKOFF_MS);
    expect(backoffAfter(0, 50)).toBe(50);
  });
});
