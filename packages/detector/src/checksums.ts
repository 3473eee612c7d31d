// Checksum algorithms. Sources are cited in ../NOTES.md; every function takes normalised input (digits / upper case,
// no separators) and never throws.

/** Luhn (ISO/IEC 7812-1 Annex B). */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Remainder of a decimal string modulo 97, piecewise so no big integers are needed. */
export function mod97(numeric: string): number {
  let rem = 0;
  for (let i = 0; i < numeric.length; i += 7) rem = Number(String(rem) + numeric.slice(i, i + 7)) % 97;
  return rem;
}

/** ISO 13616 / ISO 7064 MOD 97-10: move the first four characters to the end, letters A=10..Z=35, remainder 1. */
export function ibanValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let numeric = '';
  for (const ch of rearranged) {
    const c = ch.charCodeAt(0);
    if (c >= 48 && c <= 57) numeric += ch;
    else if (c >= 65 && c <= 90) numeric += String(c - 55);
    else return false;
  }
  return mod97(numeric) === 1;
}

/** ISO 7064 MOD 11,10 check digit over the first ten digits (German Steuer-ID). */
export function mod11_10(digits: string): number {
  let product = 10;
  for (let i = 0; i < digits.length; i++) {
    let sum = (Number(digits[i]) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

/** Dutch BSN "elfproef": 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11). */
export function elfproef(digits: string): boolean {
  if (digits.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * Number(digits[i]);
  sum -= Number(digits[8]);
  return sum % 11 === 0 && sum !== 0;
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
/** Spanish DNI/NIE control letter: the number modulo 23 indexes a fixed table (NIE: X=0, Y=1, Z=2 first). */
export function dniLetter(number: string): string {
  return DNI_LETTERS[Number(number) % 23] ?? '';
}

// prettier-ignore
const CF_ODD: Record<string, number> = {
  '0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};
/** Italian codice fiscale control character over the first 15 characters (DM 23/12/1976, allegato). */
export function codiceFiscaleCheck(first15: string): string {
  let sum = 0;
  for (let i = 0; i < first15.length; i++) {
    const ch = first15[i] ?? '';
    if (i % 2 === 0) sum += CF_ODD[ch] ?? 0;
    else sum += ch >= '0' && ch <= '9' ? Number(ch) : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** French NIR key: 97 − (first 13 digits mod 97); Corsica 2A/2B count as 19/18. */
export function nirKey(first13: string): number {
  const numeric = first13.replace('2A', '19').replace('2B', '18');
  return 97 - mod97(numeric);
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
