import { z } from 'zod';
import { describeFinding } from '@vouchsafe/detector';
import { FindingFactsSchema, joinPhrases } from './finding-facts';

/**
 * Issue 12: the note for a reply the agent sent although the sidebar found something in it
 * (modules/draft-findings). Facts are what the detector's masked previews already show (kind, last four of a card /
 * IBAN / SSN, an IBAN's country) and the agent's reason; never the reply. Rendered like every note: outside text
 * (agent, reason) cleaned and escaped for the desk by the caller's `clean`.
 */

export const DRAFT_FINDINGS_NOTE_ACTION = 'draft.sent_with_findings';
export type DraftFindingsNoteAction = typeof DRAFT_FINDINGS_NOTE_ACTION;

const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a time');

export const DraftFindingsNoteFactsSchema = z.object({
  agent: z.string(),
  at: Iso,
  findings: FindingFactsSchema,
  reason: z.string(),
});
export type DraftFindingsNoteFacts = z.infer<typeof DraftFindingsNoteFactsSchema>;

/** "a card number ending 4242 and 2 passwords": distinct findings in order, repeats counted. */
export function describeFindings(findings: DraftFindingsNoteFacts['findings']): string {
  const phrases = new Map<string, number>();
  for (const f of findings) {
    const phrase = describeFinding(f);
    phrases.set(phrase, (phrases.get(phrase) ?? 0) + 1);
  }
  const parts = [...phrases].map(([phrase, n]) => (n === 1 ? phrase : `${phrase} (${n} times)`));
  return joinPhrases(parts);
}

export function renderDraftFindingsNote(
  f: DraftFindingsNoteFacts,
  receipt: string,
  clean: (s: string, max?: number) => string,
  formatUtc: (iso: string) => string,
): string {
  return [
    'Vouchsafe · Reply sent after a warning',
    `${clean(f.agent) || 'The agent'} sent a reply containing ${describeFindings(f.findings)} after a warning: ${clean(f.reason, 500)}`,
    `Time: ${formatUtc(f.at)}`,
    `Receipt: ${receipt}`,
  ].join('\n');
}
