// Days only from two days on: "in 1 day" for a secret expiring in 25 hours hides a useful hour count.
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 2 * 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** "in 23 hours", "in 5 minutes": the largest unit that fits, rounded down so we never promise more time. */
export function formatRelative(target: Date, now: Date, locale?: string): string {
  const seconds = Math.trunc((target.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === 'second') {
      const divisor = unit === 'day' ? 86_400 : size;
      return rtf.format(Math.trunc(seconds / divisor), unit);
    }
  }
  return rtf.format(0, 'second');
}

export function formatAbsolute(date: Date, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export { formatBytes } from '@vouchsafe/contracts';

/** "1 minute", "5 minutes" for the retry hint. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} ${Math.ceil(seconds) === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

export const viewsLeftText = (n: number): string => `${n} ${n === 1 ? 'view' : 'views'} left`;
