import { describe, expect, it } from 'vitest';
import { formatBytes, formatCountdown, formatExpiry, formatWait } from './format';

describe('formatExpiry', () => {
  it('writes the instant in UTC, whatever the local zone', () => {
    expect(formatExpiry('2026-11-25T17:20:59.000Z')).toBe('25 Nov 2026, 17:20 UTC');
    expect(formatExpiry('2026-01-05T03:04:00+02:00')).toBe('5 Jan 2026, 01:04 UTC');
  });
  it('passes through what it cannot parse rather than printing "Invalid Date"', () => {
    expect(formatExpiry('soon')).toBe('soon');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(64 * 1024)).toBe('64.0 KiB');
    expect(formatBytes(10 * 1024 * 1024 + 1)).toBe('10.0 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('formatCountdown', () => {
  it('writes m:ss, and h:mm:ss from an hour up; never negative', () => {
    expect(formatCountdown(872)).toBe('14:32');
    expect(formatCountdown(59.9)).toBe('0:59');
    expect(formatCountdown(3723)).toBe('1:02:03');
    expect(formatCountdown(-5)).toBe('0:00');
  });
});

describe('formatWait', () => {
  it('rounds up to the unit it shows', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(45)).toBe('45 seconds');
    expect(formatWait(61)).toBe('2 minutes');
    expect(formatWait(900)).toBe('15 minutes');
    expect(formatWait(3601)).toBe('2 hours');
  });
});
