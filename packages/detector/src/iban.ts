import { ibanValid } from './checksums';
import type { Candidate } from './types';

// IBAN: country code, two check digits, then exactly the country's length (SWIFT IBAN Registry), written compact or
// in groups separated by single spaces (dashes are accepted too), then ISO 7064 MOD 97-10.

/** Total IBAN length per country (SWIFT IBAN Registry; see NOTES.md). */
// prettier-ignore
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

// An anchor only: two letters and two digits at the start of a word. The rest is walked by hand, at most ~40 chars.
const ANCHOR = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g;
function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function findIbans(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(ANCHOR)) {
    const start = m.index;
    const country = m[0].slice(0, 2).toUpperCase();
    const length = IBAN_LENGTHS[country];
    if (length === undefined) continue;
    let count = 0;
    let i = start;
    let sep = 0;
    while (i < text.length && count < length) {
      const c = text.charCodeAt(i);
      if (isAlnum(c)) {
        count++;
        i++;
      } else if ((c === 32 || c === 45) && count >= 4 && (sep === 0 || sep === c) && isAlnum(text.charCodeAt(i + 1))) {
        sep = c;
        i++;
      } else break;
    }
    if (count !== length || isAlnum(text.charCodeAt(i))) continue;
    const compact = text.slice(start, i).replace(/[ -]/g, '');
    const upper = compact.toUpperCase();
    if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(upper) || !ibanValid(upper)) continue;
    // Lower case is how some people type it, but a checksum-valid lower-case run is more often an accident.
    out.push({ kind: 'iban', start, end: i, confidence: compact === upper ? 0.97 : 0.8 });
  }
  return out;
}
