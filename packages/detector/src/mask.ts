import type { FindingKind } from './types';

// Masked previews. The rule (tested over the whole corpus): a preview shows at most a short tail of the match —
// the last four digits of a card or SSN, an IBAN's country code and last four — and otherwise only fixed labels and
// mask characters. Lengths are not revealed except for an IBAN's, which its country already implies.

const DOT = '•';
const HIDDEN = DOT.repeat(6);

function alnum(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

function ibanPreview(match: string): string {
  const compact = alnum(match).toUpperCase();
  const masked = compact.slice(0, 2) + DOT.repeat(Math.max(0, compact.length - 6)) + compact.slice(-4);
  return (masked.match(/.{1,4}/gu) ?? []).join(' ');
}

const LABELS: Record<FindingKind, string> = {
  card: 'card',
  iban: 'IBAN',
  us_ssn: 'SSN',
  uk_nino: 'NI number',
  de_tax_id: 'Steuer-ID',
  fr_nir: 'NIR',
  es_dni: 'DNI/NIE',
  nl_bsn: 'BSN',
  it_fiscal_code: 'codice fiscale',
  password: 'password',
  one_time_code: 'code',
  private_key: 'private key',
  aws_access_key: 'AWS access key id',
  aws_secret_key: 'AWS secret key',
  github_token: 'GitHub token',
  slack_token: 'Slack token',
  stripe_key: 'Stripe key',
  google_api_key: 'Google API key',
  jwt: 'JWT',
  high_entropy: 'secret',
};

/** A short human label for a kind ("card", "IBAN", "password"), for notes and placeholders. */
export function kindLabel(kind: FindingKind): string {
  return LABELS[kind];
}

export function preview(kind: FindingKind, match: string): string {
  switch (kind) {
    case 'card':
      return `${DOT.repeat(4)} ${alnum(match).slice(-4)}`;
    case 'iban':
      return ibanPreview(match);
    case 'us_ssn':
      return `${DOT.repeat(3)}-${DOT.repeat(2)}-${alnum(match).slice(-4)}`;
    default:
      return `${LABELS[kind]}: ${HIDDEN}`;
  }
}
