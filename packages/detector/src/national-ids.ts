import { before, keywords } from './context';
import { codiceFiscaleCheck, dniLetter, elfproef, mod11_10, nirKey } from './checksums';
import type { Candidate, FindingKind } from './types';

// National identifiers. Each pattern is anchored at a word start and bounded in length; the checks that make it
// more than a pattern are in the functions below. Sources for every rule are in ../NOTES.md.

// ASCII word boundaries: Japanese and Chinese text runs on without spaces around numbers.
const NOT_AFTER_WORD = '(?<![A-Za-z0-9_.-])';
const NOT_BEFORE_WORD = '(?![A-Za-z0-9_]|[.-]\\d)';
const re = (body: string, flags = 'gu'): RegExp => new RegExp(`${NOT_AFTER_WORD}(?:${body})${NOT_BEFORE_WORD}`, flags);

interface IdRule {
  kind: FindingKind;
  country: string;
  pattern: RegExp;
  /** Normalised value is valid (format rules + checksum). */
  valid: (compact: string, raw: string) => boolean;
  /** Confidence without a keyword nearby (may depend on how it was written), and with one. */
  base: number | ((raw: string) => number);
  withKeyword: number;
  words: RegExp;
}

function ssnValid(compact: string): boolean {
  const area = Number(compact.slice(0, 3));
  const group = compact.slice(3, 5);
  const serial = compact.slice(5);
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  // Numbers published in advertising and never valid (SSA): Woolworth wallet card, and the 1940s ad number.
  return compact !== '078051120' && compact !== '219099999';
}

const NINO_PREFIX_BANNED = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);
function ninoValid(compact: string): boolean {
  return !NINO_PREFIX_BANNED.has(compact.slice(0, 2));
}

function steuerIdValid(compact: string): boolean {
  if (compact.length !== 11 || compact.startsWith('0')) return false;
  const first10 = compact.slice(0, 10);
  const counts = new Map<string, number>();
  for (const d of first10) counts.set(d, (counts.get(d) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  // Since 2016 exactly one digit occurs twice or three times (three: not all adjacent); before, exactly twice.
  if (repeated.length !== 1 || (repeated[0] ?? 0) > 3) return false;
  if (repeated[0] === 3 && /(\d)\1\1/.test(first10)) return false;
  return mod11_10(first10) === Number(compact[10]);
}

function nirValid(compact: string): boolean {
  if (compact.length !== 15) return false;
  const month = Number(compact.slice(3, 5));
  if (!((month >= 1 && month <= 12) || month === 20 || (month >= 30 && month <= 42) || month >= 50)) return false;
  return nirKey(compact.slice(0, 13)) === Number(compact.slice(13));
}

function dniValid(compact: string): boolean {
  const nie = 'XYZ'.indexOf(compact[0] ?? '');
  const number = nie >= 0 ? String(nie) + compact.slice(1, -1) : compact.slice(0, -1);
  return dniLetter(number) === compact.slice(-1);
}

// Omocodia: digits of a codice fiscale may be replaced by these letters when two people would collide.
const OMOCODIA = 'LMNPQRSTUV';
function codiceFiscaleValid(compact: string): boolean {
  return codiceFiscaleCheck(compact.slice(0, 15)) === compact[15];
}
const CF_DIGIT = `[0-9${OMOCODIA}]`;

const RULES: readonly IdRule[] = [
  {
    kind: 'us_ssn',
    country: 'us',
    pattern: re('\\d{3}-\\d{2}-\\d{4}|\\d{3} \\d{2} \\d{4}|\\d{9}'),
    valid: ssnValid,
    // Nine bare digits are an order number as often as an SSN: only with the word.
    base: (raw) => (/^\d{9}$/.test(raw) ? 0.3 : 0.75),
    withKeyword: 0.97,
    words: keywords(['ssn', 'social security', 'social sec', 'ss#', 'ss #', 'tax ?id', 'tin', 'itin']),
  },
  {
    kind: 'uk_nino',
    country: 'gb',
    pattern: re('[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]', 'giu'),
    valid: ninoValid,
    base: 0.8,
    withKeyword: 0.97,
    words: keywords(['national insurance', 'ni number', 'ni no', 'nino', 'nin']),
  },
  {
    kind: 'de_tax_id',
    country: 'de',
    pattern: re('[1-9]\\d{10}|[1-9]\\d \\d{3} \\d{3} \\d{3}'),
    valid: steuerIdValid,
    base: 0.55,
    withKeyword: 0.95,
    words: keywords([
      'steuer-?id',
      'steuer-identifikationsnummer',
      'steueridentifikationsnummer',
      'identifikationsnummer',
      'idnr',
      'tin',
      'steuernummer',
      'tax id',
    ]),
  },
  {
    kind: 'fr_nir',
    country: 'fr',
    pattern: re('[12378] ?\\d{2} ?\\d{2} ?(?:\\d{2}|2[AB]) ?\\d{3} ?\\d{3} ?\\d{2}', 'giu'),
    valid: nirValid,
    base: 0.85,
    withKeyword: 0.97,
    words: keywords(['nir', 'sécurité sociale', 'securite sociale', 'sécu', 'secu', 'insee', 'numéro de sécurité sociale', 'carte vitale']),
  },
  {
    kind: 'es_dni',
    country: 'es',
    pattern: re('\\d{8}-?[A-Z]|[XYZ]-?\\d{7}-?[A-Z]', 'giu'),
    valid: dniValid,
    base: 0.8,
    withKeyword: 0.97,
    words: keywords(['dni', 'nie', 'nif', 'documento nacional', 'número de identidad', 'identificación']),
  },
  {
    kind: 'nl_bsn',
    country: 'nl',
    pattern: re('\\d{9}|\\d{4}\\.\\d{2}\\.\\d{3}|\\d{3} \\d{3} \\d{3}'),
    valid: elfproef,
    // One random 9-digit number in eleven passes the 11-test: without the word, not worth reporting.
    base: 0.3,
    withKeyword: 0.95,
    words: keywords(['bsn', 'burgerservicenummer', 'sofinummer', 'sofi-nummer', 'citizen service number']),
  },
  {
    kind: 'it_fiscal_code',
    country: 'it',
    pattern: re(`[A-Z]{6}${CF_DIGIT}{2}[A-EHLMPRST]${CF_DIGIT}{2}[A-Z]${CF_DIGIT}{3}[A-Z]`, 'giu'),
    valid: codiceFiscaleValid,
    base: 0.9,
    withKeyword: 0.98,
    words: keywords(['codice fiscale', 'cod\\. ?fisc', 'c\\.f\\.', 'cf', 'tax code', 'fiscal code']),
  },
];

function baseOf(rule: IdRule, raw: string): number {
  return typeof rule.base === 'number' ? rule.base : rule.base(raw);
}

export function findNationalIds(text: string, countries: ReadonlySet<string> | undefined): Candidate[] {
  const out: Candidate[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.pattern)) {
      const raw = m[0];
      const compact = raw.replace(/[\s.-]/g, '').toUpperCase();
      if (!rule.valid(compact, raw)) continue;
      let confidence = rule.words.test(before(text, m.index, 40)) ? rule.withKeyword : baseOf(rule, raw);
      if (countries && countries.size > 0 && !countries.has(rule.country)) confidence -= 0.2;
      out.push({ kind: rule.kind, start: m.index, end: m.index + raw.length, confidence });
    }
  }
  return out;
}
