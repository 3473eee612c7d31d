// Synthetic values for the corpus: published test numbers and example IBANs, and generated values with valid
// checksums built from random digits. Nothing here is a real person's or account's data.
import { codiceFiscaleCheck, dniLetter, luhn, mod11_10, mod97, nirKey } from '../src/checksums';
import { IBAN_LENGTHS } from '../src/iban';

/** mulberry32: a small seeded PRNG, so the corpus is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  constructor(readonly random: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;

// ---- cards ----
/** Published test card numbers (Stripe, Adyen, PayPal sandbox documentation). */
export const TEST_CARDS = [
  '4111111111111111',
  '4242424242424242',
  '4012888888881881',
  '4000056655665556',
  '5555555555554444',
  '5105105105105100',
  '2223003122003222',
  '2221000000000009',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '6011000990139424',
  '3530111333300000',
  '3566002020360505',
  '36227206271667',
  '6200000000000005',
  '6759649826438453',
  '5200828282828210',
  '4000000000000002',
  '4917610000000000003',
];
const CARD_PREFIXES: Record<string, { prefixes: string[]; length: number }> = {
  visa: { prefixes: ['4'], length: 16 },
  mastercard: { prefixes: ['51', '53', '55', '2221', '2720', '2500'], length: 16 },
  amex: { prefixes: ['34', '37'], length: 15 },
  discover: { prefixes: ['6011', '65', '644'], length: 16 },
  jcb: { prefixes: ['3528', '3589', '3540'], length: 16 },
  diners: { prefixes: ['36', '300', '305'], length: 14 },
  unionpay: { prefixes: ['62'], length: 16 },
  maestro: { prefixes: ['6759', '5018', '6304'], length: 16 },
};
export const ISSUERS = Object.keys(CARD_PREFIXES);

function luhnComplete(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhn(partial + String(d))) return partial + String(d);
  throw new Error('unreachable');
}
export function card(g: Gen, issuer: string): string {
  const spec = CARD_PREFIXES[issuer];
  if (!spec) throw new Error(issuer);
  const prefix = g.pick(spec.prefixes);
  return luhnComplete(prefix + g.digits(spec.length - prefix.length - 1));
}
/** Same digits with the last one changed: fails Luhn. */
export function breakLuhn(digits: string): string {
  const last = Number(digits.slice(-1));
  return digits.slice(0, -1) + String((last + 1) % 10);
}
/** How people type cards: compact, 4-4-4-4 with spaces or dashes, Amex 4-6-5, Diners 4-6-4. */
export function formatCard(g: Gen, digits: string): string {
  const style = g.int(0, 3);
  if (style === 0) return digits;
  const sep = style === 3 ? '-' : ' ';
  const groups =
    digits.length === 15 || digits.length === 14 ? [4, 6, digits.length - 10] : [4, 4, 4, 4, 3].slice(0, Math.ceil(digits.length / 4));
  const out: string[] = [];
  let at = 0;
  for (const n of groups) {
    if (at >= digits.length) break;
    out.push(digits.slice(at, at + n));
    at += n;
  }
  return out.join(sep);
}

// ---- IBANs ----
/** Example IBANs published by the issuing banks' associations / ECBS / SWIFT registry. */
export const EXAMPLE_IBANS = [
  'DE89 3704 0044 0532 0130 00',
  'GB82 WEST 1234 5698 7654 32',
  'FR14 2004 1010 0505 0001 3M02 606',
  'NL91 ABNA 0417 1643 00',
  'ES91 2100 0418 4502 0005 1332',
  'IT60 X054 2811 1010 0000 0123 456',
  'BE68 5390 0754 7034',
  'AT61 1904 3002 3457 3201',
  'CH93 0076 2011 6238 5295 7',
  'PT50 0002 0123 1234 5678 9015 4',
  'BR15 0000 0000 0000 1093 2840 814P 2',
  'GB33BUKB20201555555555',
  'DE75512108001245126199',
  'IE29 AIBK 9311 5212 3456 78',
  'LU28 0019 4006 4475 0000',
  'NO93 8601 1117 947',
];
const BBAN_LETTERS: Record<string, number> = { GB: 4, NL: 4, IE: 4, IT: 1, BG: 4, RO: 4 };
export const IBAN_COUNTRIES = ['DE', 'FR', 'ES', 'NL', 'IT', 'PT', 'BE', 'AT', 'CH', 'GB', 'IE', 'PL', 'LU', 'FI', 'DK', 'SE'];

function numericOf(s: string): string {
  return [...s].map((ch) => (ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch)).join('');
}
export function iban(g: Gen, country: string): string {
  const length = IBAN_LENGTHS[country];
  if (!length) throw new Error(country);
  const letters = BBAN_LETTERS[country] ?? 0;
  const bban = g.chars(letters, UPPER) + g.digits(length - 4 - letters);
  const check = 98 - mod97(numericOf(bban + country + '00'));
  return country + String(check).padStart(2, '0') + bban;
}
export function breakIban(compact: string): string {
  const check = Number(compact.slice(2, 4));
  return compact.slice(0, 2) + String(((check + 7) % 97) + 2).padStart(2, '0') + compact.slice(4);
}
export function groupIban(compact: string): string {
  return (compact.match(/.{1,4}/g) ?? []).join(' ');
}

// ---- national ids ----
export function ssn(g: Gen): string {
  let area = g.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(g.int(1, 99)).padStart(2, '0')}-${String(g.int(1, 9999)).padStart(4, '0')}`;
}
export function nino(g: Gen): string {
  const first = g.pick([...'ABCEGHJKLMNOPRSTWXYZ']);
  const second = g.pick([...'ABCEGHJKLMNPRSTWXYZ']);
  const prefix = ['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(first + second) ? 'AB' : first + second;
  const d = g.digits(6);
  return g.int(0, 1) === 0
    ? `${prefix} ${d.slice(0, 2)} ${d.slice(2, 4)} ${d.slice(4)} ${g.pick([...'ABCD'])}`
    : `${prefix}${d}${g.pick([...'ABCD'])}`;
}
export function steuerId(g: Gen): string {
  for (;;) {
    const pool = [...DIGITS];
    const digits: string[] = [];
    const repeated = g.pick(pool);
    const missing = g.pick(pool.filter((d) => d !== repeated));
    const rest = pool.filter((d) => d !== missing);
    digits.push(...rest, repeated);
    for (let i = digits.length - 1; i > 0; i--) {
      const j = g.int(0, i);
      [digits[i], digits[j]] = [digits[j] ?? '', digits[i] ?? ''];
    }
    const first10 = digits.join('');
    if (first10.startsWith('0')) continue;
    return first10 + String(mod11_10(first10));
  }
}
export function nir(g: Gen): string {
  const dept = g.int(0, 9) === 0 ? '2A' : String(g.int(1, 95)).padStart(2, '0');
  const first13 = `${g.int(1, 2)}${g.digits(2)}${String(g.int(1, 12)).padStart(2, '0')}${dept}${g.digits(3)}${g.digits(3)}`;
  const key = String(nirKey(first13)).padStart(2, '0');
  return g.int(0, 1) === 0
    ? `${first13.slice(0, 1)} ${first13.slice(1, 3)} ${first13.slice(3, 5)} ${first13.slice(5, 7)} ${first13.slice(7, 10)} ${first13.slice(10)} ${key}`
    : first13 + key;
}
export function dni(g: Gen): string {
  if (g.int(0, 3) === 0) {
    const prefix = g.pick(['X', 'Y', 'Z']);
    const n = g.digits(7);
    return prefix + n + dniLetter(String('XYZ'.indexOf(prefix)) + n);
  }
  const n = String(g.int(10000000, 99999999));
  return n + dniLetter(n);
}
export function bsn(g: Gen): string {
  for (;;) {
    const first8 = String(g.int(1, 9)) + g.digits(7);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += (9 - i) * Number(first8[i]);
    const last = sum % 11;
    if (last < 10) return first8 + String(last);
  }
}
export function codiceFiscale(g: Gen): string {
  const first15 =
    g.chars(6, 'BCDFGLMNPRSTVZ') +
    g.digits(2) +
    g.pick([...'ABCDEHLMPRST']) +
    String(g.int(1, 71 - 30 * g.int(0, 1))).padStart(2, '0') +
    g.pick([...'ABCDEFGHLMZ']) +
    g.digits(3);
  return first15 + codiceFiscaleCheck(first15);
}

// ---- credentials ----
const WORDS = [
  'Sommer',
  'Winter',
  'Tulip',
  'Bonjour',
  'Lisboa',
  'Sakura',
  'Amsterdam',
  'Roma',
  'Falcon',
  'Mariposa',
  'Zonnebloem',
  'Girasole',
  'Maple',
  'Otono',
];
const SYMBOLS = '!#$%&*+?@';
export function password(g: Gen): string {
  switch (g.int(0, 3)) {
    case 0:
      return g.pick(WORDS) + String(g.int(10, 2030)) + g.pick([...SYMBOLS]);
    case 1: {
      // Random, as a generator or admin tool makes them.
      const base = g.chars(3, UPPER) + g.chars(3, LOWER) + g.chars(2, DIGITS) + g.pick([...SYMBOLS]) + g.chars(3, ALNUM);
      return [...base].sort(() => g.random() - 0.5).join('');
    }
    case 2:
      return g.pick(WORDS).toLowerCase() + g.pick([...SYMBOLS]) + g.digits(2) + g.pick(WORDS);
    default:
      return `${g.pick(WORDS)}-${g.digits(3)}-${g.pick(WORDS).toLowerCase()}`;
  }
}
export function otp(g: Gen): string {
  return String(g.int(100000, 999999));
}
export function pin(g: Gen): string {
  return String(g.int(1000, 9999));
}

// ---- keys and tokens ----
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';
function b64url(s: string): string {
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
export function awsAccessKey(g: Gen): string {
  return g.pick(['AKIA', 'ASIA']) + g.chars(16, BASE32);
}
export function awsSecretKey(g: Gen): string {
  for (;;) {
    const s = g.chars(40, B64);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s)) return s;
  }
}
export function githubToken(g: Gen): string {
  return g.int(0, 2) === 0
    ? `github_pat_${g.chars(22, ALNUM)}_${g.chars(59, ALNUM)}`
    : `${g.pick(['ghp', 'gho', 'ghs'])}_${g.chars(36, ALNUM)}`;
}
export function slackToken(g: Gen): string {
  return `${g.pick(['xoxb', 'xoxp'])}-${g.digits(12)}-${g.digits(12)}-${g.chars(24, ALNUM)}`;
}
export function stripeKey(g: Gen): string {
  return `${g.pick(['sk', 'rk'])}_live_${g.chars(24, ALNUM)}`;
}
export function googleKey(g: Gen): string {
  return `AIza${g.chars(35, B64URL)}`;
}
export function jwt(g: Gen): string {
  const header = b64url(JSON.stringify({ alg: g.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: `user-${g.digits(6)}`, iat: 1767225600 + g.int(0, 1e6), scope: 'tickets:read' }));
  return `${header}.${payload}.${g.chars(43, B64URL)}`;
}
export function pemKey(g: Gen): string {
  const label = g.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY']);
  const lines = Array.from({ length: g.int(3, 6) }, () => g.chars(64, B64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----`;
}
export function highEntropy(g: Gen): string {
  for (;;) {
    const s = g.chars(g.int(28, 48), ALNUM + '_-');
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s) && /^[A-Za-z0-9]/.test(s)) return s;
  }
}
