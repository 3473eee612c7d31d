import { kindLabel } from './mask';
import type { Finding, FindingKind } from './types';

/**
 * What may be recorded about a finding (an audit row, an outbox note's facts): its kind and, for cards, IBANs and
 * SSNs, the tail its preview already shows. Derived from the preview, never from the text.
 */
export interface FindingFacts {
  kind: FindingKind;
  /** Last four characters shown by the preview (cards, IBANs, SSNs), else null. */
  tail: string | null;
  /** An IBAN's country code, else null. */
  country: string | null;
}

export function findingFacts(finding: Finding): FindingFacts {
  const shown = finding.preview.replace(/[^A-Za-z0-9]/g, '');
  switch (finding.kind) {
    case 'card':
    case 'us_ssn':
      return { kind: finding.kind, tail: shown.slice(-4), country: null };
    case 'iban':
      return { kind: finding.kind, tail: shown.slice(-4), country: shown.slice(0, 2) };
    default:
      return { kind: finding.kind, tail: null, country: null };
  }
}

const ARTICLE_AN = /^[aeiouAEIOU]|^(?:IBAN|NI|NIR|SSN)\b/;

/** An English phrase for a note: "a card number ending 4242", "an IBAN (DE) ending 3000", "a password". */
export function describeFinding(facts: FindingFacts): string {
  const label = facts.kind === 'card' ? 'card number' : kindLabel(facts.kind);
  const article = ARTICLE_AN.test(label) ? 'an' : 'a';
  const country = facts.country ? ` (${facts.country})` : '';
  const tail = facts.tail ? ` ending ${facts.tail}` : '';
  return `${article} ${label}${country}${tail}`;
}
