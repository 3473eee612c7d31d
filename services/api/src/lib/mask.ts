/**
 * Masking for anything that might carry an identifier (labels now, note text later).
 * Emails -> j***@e***.com, phone numbers -> last 2 digits, other digit runs of 5+ -> last 4.
 * Masking is idempotent: masking a masked string changes nothing.
 */

// The local part allows everything RFC 5322 allows unquoted (!#$%&'*+/=?^_`{|}~ included).
const EMAIL = /([^\s@<>()[\]",;:])[^\s@<>()[\]",;:]*@([A-Za-z0-9])[A-Za-z0-9-]*((?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
// A phone number: optional +, then digits with spaces, dots, dashes or parentheses, 7..15 digits.
const PHONE = /\+?\(?\d[\d ().-]{5,}\d/g;
const DIGITS = /\d{5,}/g;

export function maskEmail(value: string): string {
  return value.replace(EMAIL, (_m, first: string, domainFirst: string, tld: string) => {
    const lastDot = tld.lastIndexOf('.');
    return `${first}***@${domainFirst}***${tld.slice(lastDot)}`;
  });
}

function maskPhoneLike(match: string): string {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return match;
  // Separators or a leading + make it a phone number: keep the last 2 digits.
  if (/[ ().+-]/.test(match)) return `***${digits.slice(-2)}`;
  return match;
}

export function maskIdentifiers(value: string): string {
  let out = maskEmail(value);
  out = out.replace(PHONE, maskPhoneLike);
  out = out.replace(DIGITS, (run) => `***${run.slice(-4)}`);
  return out;
}
