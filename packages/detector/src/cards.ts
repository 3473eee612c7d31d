import { before, keywords } from './context';
import { luhn } from './checksums';
import type { Candidate } from './types';

// Payment cards: a run of digits, either unbroken (12–19 digits) or in groups separated consistently by single
// spaces or dashes, the first group of four (how cards are printed and typed: 4-4-4-4, Amex 4-6-5, Diners 4-6-4,
// 19 digits 4-4-4-4-3). Then the issuer's prefix and length (table below) and the Luhn check.

interface Issuer {
  name: string;
  lengths: readonly number[];
  matches: (d: string) => boolean;
}

const between = (d: string, digits: number, lo: number, hi: number): boolean => {
  const p = Number(d.slice(0, digits));
  return p >= lo && p <= hi;
};

const ISSUERS: readonly Issuer[] = [
  { name: 'visa', lengths: [13, 16, 19], matches: (d) => d.startsWith('4') },
  { name: 'mastercard', lengths: [16], matches: (d) => between(d, 2, 51, 55) || between(d, 4, 2221, 2720) },
  { name: 'amex', lengths: [15], matches: (d) => d.startsWith('34') || d.startsWith('37') },
  {
    name: 'discover',
    lengths: [16, 17, 18, 19],
    matches: (d) => d.startsWith('6011') || between(d, 3, 644, 649) || d.startsWith('65') || between(d, 6, 622126, 622925),
  },
  { name: 'jcb', lengths: [16, 17, 18, 19], matches: (d) => between(d, 4, 3528, 3589) },
  {
    name: 'diners',
    lengths: [14, 15, 16, 17, 18, 19],
    matches: (d) => between(d, 3, 300, 305) || d.startsWith('3095') || d.startsWith('36') || d.startsWith('38') || d.startsWith('39'),
  },
  { name: 'unionpay', lengths: [16, 17, 18, 19], matches: (d) => d.startsWith('62') || d.startsWith('81') },
  {
    name: 'maestro',
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
    matches: (d) => ['5018', '5020', '5038', '5893', '6304', '6759', '6761', '6762', '6763', '0604', '6390'].some((p) => d.startsWith(p)),
  },
];

export function cardIssuer(digits: string): string | undefined {
  return ISSUERS.find((i) => i.lengths.includes(digits.length) && i.matches(digits))?.name;
}

const CARD_WORDS = keywords([
  'card',
  'credit',
  'debit',
  'visa',
  'master ?card',
  'amex',
  'american express',
  'discover',
  'jcb',
  'diners',
  'union ?pay',
  'maestro',
  'cc',
  'pan',
  'karte',
  'kreditkarte',
  'kartennummer',
  'carte',
  'cb',
  'tarjeta',
  'cartão',
  'cartao',
  'kaart',
  'creditcard',
  'carta',
  'カード',
  'クレジット',
]);
// Numbers people quote in tickets that are not cards. Checked only when no card word is near.
const OTHER_NUMBER_WORDS = keywords([
  'order',
  'invoice',
  'tracking',
  'shipment',
  'parcel',
  'imei',
  'serial',
  'account no',
  'customer no',
  'bestellung',
  'bestellnummer',
  'rechnung',
  'sendung',
  'commande',
  'facture',
  'colis',
  'pedido',
  'factura',
  'envío',
  'envio',
  'fatura',
  'rastreio',
  'bestelling',
  'factuur',
  'zending',
  'ordine',
  'fattura',
  'spedizione',
  '注文',
  '請求',
  'phone',
  'tel',
  'fax',
]);

// Runs of digits with single space/dash separators. Linear: the match always succeeds at the start of a run and takes
// all of it (no trailing assertion that could fail and make the engine retry from each inner group).
const RUN = /(?<![A-Za-z0-9_])\d+(?:[ -]\d+)*/g;
// ASCII only: Japanese runs on without spaces ("カード番号は4111…です").
const WORD_CHAR = /[A-Za-z0-9_]/;

function validates(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && luhn(digits) && cardIssuer(digits) !== undefined;
}

export function findCards(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of text.matchAll(RUN)) {
    const run = m[0];
    const at = m.index;
    if (WORD_CHAR.test(text.charAt(at + run.length))) continue;
    const seps = run.match(/[ -]/g);
    if (!seps) {
      if (validates(run)) out.push(score(text, at, at + run.length));
      continue;
    }
    // Grouped: try each window of whole groups, starting with a group of four; separators must be one kind.
    const groups = run.split(/[ -]/);
    const offsets: number[] = [];
    let pos = 0;
    for (const g of groups) {
      offsets.push(pos);
      pos += g.length + 1;
    }
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i] ?? '';
      // A compact number next to other numbers ("cards 4111111111111111 5555555555554444").
      if (group.length >= 12) {
        if (validates(group)) out.push(score(text, at + (offsets[i] ?? 0), at + (offsets[i] ?? 0) + group.length));
        continue;
      }
      if (group.length !== 4) continue;
      let digits = '';
      let found = -1;
      for (let j = i; j < groups.length; j++) {
        const g = groups[j] ?? '';
        if (j > i && (g.length < 3 || g.length > 6)) break;
        digits += g;
        if (digits.length > 19) break;
        if (j > i && validates(digits)) found = j;
      }
      if (found < 0) continue;
      const start = at + (offsets[i] ?? 0);
      const end = at + (offsets[found] ?? 0) + (groups[found]?.length ?? 0);
      if (new Set(text.slice(start, end).match(/[ -]/g)).size !== 1) continue;
      out.push(score(text, start, end));
      i = found;
    }
  }
  return out;
}

function score(text: string, start: number, end: number): Candidate {
  const ctx = before(text, start, 40);
  let confidence = 0.9;
  if (CARD_WORDS.test(ctx)) confidence = 0.98;
  else if (OTHER_NUMBER_WORDS.test(before(text, start, 24))) confidence = 0.4;
  return { kind: 'card', start, end, confidence };
}
