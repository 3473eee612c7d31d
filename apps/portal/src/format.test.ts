import { describe, expect, it } from 'vitest';
import { formatBytes, formatRelative, formatWait } from './format';

const now = new Date('2030-01-01T00:00:00Z');
const after = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('format', () => {
  it.each([
    [30, 'in 30 seconds'],
    [90, 'in 1 minute'],
    [3 * 3600, 'in 3 hours'],
    [25 * 3600, 'in 25 hours'],
    [3 * 86_400 + 5, 'in 3 days'],
    [-120, '2 minutes ago'],
    // Never promise more time than is left: 59 min 59.6 s is still "59 minutes".
    [3599.6, 'in 59 minutes'],
    [86_399.6, 'in 23 hours'],
  ])('relative %i s -> %s', (seconds, text) => {
    expect(formatRelative(after(seconds), now, 'en')).toBe(text);
  });

  it('sizes and waits', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MiB');
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(61)).toBe('2 minutes');
  });
});
