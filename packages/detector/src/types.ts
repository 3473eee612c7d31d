/** Every kind of finding the detector reports. A fixed union: a kind never carries text from the input. */
export const KINDS = [
  'card',
  'iban',
  'us_ssn',
  'uk_nino',
  'de_tax_id',
  'fr_nir',
  'es_dni',
  'nl_bsn',
  'it_fiscal_code',
  'password',
  'one_time_code',
  'private_key',
  'aws_access_key',
  'aws_secret_key',
  'github_token',
  'slack_token',
  'stripe_key',
  'google_api_key',
  'jwt',
  'high_entropy',
] as const;
export type FindingKind = (typeof KINDS)[number];

/** Kinds grouped the way callers (policy, bench goals) think about them. */
export const KIND_GROUPS = {
  payment: ['card', 'iban'],
  nationalId: ['us_ssn', 'uk_nino', 'de_tax_id', 'fr_nir', 'es_dni', 'nl_bsn', 'it_fiscal_code'],
  credential: ['password', 'one_time_code'],
  key: [
    'private_key',
    'aws_access_key',
    'aws_secret_key',
    'github_token',
    'slack_token',
    'stripe_key',
    'google_api_key',
    'jwt',
    'high_entropy',
  ],
} as const satisfies Record<string, readonly FindingKind[]>;

/**
 * One thing found. `start`/`end` are UTF-16 offsets into the scanned text (`text.slice(start, end)` is the match);
 * `preview` is masked and never shows more of the match than a documented tail (last 4 of a card, an IBAN's country
 * and last 4, an SSN's last 4) — safe to log, store in an audit row or show in a note.
 */
export interface Finding {
  kind: FindingKind;
  start: number;
  end: number;
  /** 0..1: how sure the detector is (checksums and nearby keywords raise it). */
  confidence: number;
  preview: string;
}

export interface DetectOptions {
  /** Only look for these kinds (default: all). */
  kinds?: readonly FindingKind[];
  /**
   * Locale hints (BCP 47 or bare language/country: 'de', 'fr-FR', 'pt-BR'). Keywords of every language are always
   * recognised; a hint lowers the confidence of national ids of countries not hinted (a Dutch BSN on a German desk
   * is less likely than a false positive).
   */
  locales?: readonly string[];
  /** Drop findings below this confidence (default 0.5). */
  minConfidence?: number;
}

/** What each detector produces before masking and overlap resolution. */
export interface Candidate {
  kind: FindingKind;
  start: number;
  end: number;
  confidence: number;
}

export const DEFAULT_MIN_CONFIDENCE = 0.5;
