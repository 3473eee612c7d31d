import { findCards } from './cards';
import { findCredentials } from './credentials';
import { findIbans } from './iban';
import { preview } from './mask';
import { findNationalIds } from './national-ids';
import { findTokens } from './tokens';
import { DEFAULT_MIN_CONFIDENCE, KIND_GROUPS, type Candidate, type DetectOptions, type Finding, type FindingKind } from './types';

const NATIONAL_IDS: ReadonlySet<FindingKind> = new Set(KIND_GROUPS.nationalId);
const CREDENTIALS: ReadonlySet<FindingKind> = new Set(KIND_GROUPS.credential);
const KEYS: ReadonlySet<FindingKind> = new Set(KIND_GROUPS.key);

/** 'de', 'de-DE', 'pt-BR', 'en-GB' → the countries they hint at (language alone stands for its main country). */
function countriesOf(locales: readonly string[] | undefined): Set<string> | undefined {
  if (!locales || locales.length === 0) return undefined;
  const byLanguage: Record<string, string> = { de: 'de', fr: 'fr', es: 'es', nl: 'nl', it: 'it', en: 'us', pt: 'br', ja: 'jp' };
  const out = new Set<string>();
  for (const locale of locales) {
    const [language = '', region] = locale.toLowerCase().split(/[-_]/);
    out.add(region ?? byLanguage[language] ?? language);
    if (language === 'en' && !region) out.add('gb');
  }
  return out;
}

/**
 * Overlaps: the more confident finding wins (then the longer one), so an IBAN's digits are not also a card and a
 * password that looks random is not also a high-entropy string. Candidates are split into clusters of overlapping
 * spans first (a sweep by start), and the ranking runs per cluster, so a text with many findings stays linear.
 */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const byStart = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Candidate[] = [];
  let cluster: Candidate[] = [];
  let clusterEnd = -1;
  const flush = (): void => {
    const ranked = cluster.sort((a, b) => b.confidence - a.confidence || b.end - b.start - (a.end - a.start) || a.start - b.start);
    const winners: Candidate[] = [];
    for (const c of ranked) if (!winners.some((k) => c.start < k.end && k.start < c.end)) winners.push(c);
    kept.push(...winners.sort((a, b) => a.start - b.start));
  };
  for (const c of byStart) {
    if (c.start >= clusterEnd && cluster.length > 0) {
      flush();
      cluster = [];
    }
    cluster.push(c);
    clusterEnd = Math.max(clusterEnd, c.end);
  }
  if (cluster.length > 0) flush();
  return kept;
}

/**
 * Find secrets and sensitive numbers in `text`. Pure and synchronous; linear in the length of the text. Findings
 * are sorted by position, never overlap, and carry only a masked preview of what they matched.
 */
export function detect(text: string, options: DetectOptions = {}): Finding[] {
  const wanted = options.kinds ? new Set(options.kinds) : undefined;
  const wants = (group: ReadonlySet<FindingKind>): boolean => !wanted || [...group].some((k) => wanted.has(k));
  const min = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const candidates: Candidate[] = [];
  if (!wanted || wanted.has('card')) candidates.push(...findCards(text));
  if (!wanted || wanted.has('iban')) candidates.push(...findIbans(text));
  if (wants(NATIONAL_IDS)) candidates.push(...findNationalIds(text, countriesOf(options.locales)));
  if (wants(CREDENTIALS)) candidates.push(...findCredentials(text));
  if (wants(KEYS)) candidates.push(...findTokens(text));
  // Overlaps are settled before filtering by kind or confidence, so asking for fewer kinds never turns an IBAN's
  // digits into a card.
  return resolveOverlaps(candidates)
    .filter((c) => c.confidence >= min && (!wanted || wanted.has(c.kind)))
    .map((c) => ({
      kind: c.kind,
      start: c.start,
      end: c.end,
      confidence: Math.round(c.confidence * 100) / 100,
      preview: preview(c.kind, text.slice(c.start, c.end)),
    }));
}
