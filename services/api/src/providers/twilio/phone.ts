/**
 * E.164 for numbers on record: `+` then 8–15 digits, first digit not 0. Separators (spaces, dots, dashes,
 * parentheses) are dropped and a leading international `00` becomes `+`. A number without a country code cannot be
 * made E.164 safely (we would have to guess the country), so it is refused.
 */
export function toE164(raw: string | null | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 40 || !/^[+\d][\d\s().-]*$/.test(trimmed)) return undefined;
  const compact = trimmed.replace(/[\s().-]/g, '');
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  return /^\+[1-9]\d{7,14}$/.test(international) ? international : undefined;
}

/** What an agent may see of a phone number: its last two digits. */
export function maskPhone(e164: string): string {
  return `***${e164.slice(-2)}`;
}
