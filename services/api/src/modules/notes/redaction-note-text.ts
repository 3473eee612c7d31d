import { z } from 'zod';
import { describeFinding } from '@vouchsafe/detector';
import { FindingFactsSchema, joinPhrases } from './finding-facts';

/**
 * Issue 12: the internal note for a secret found in a desk comment. Facts are masked at the source (the detector's
 * findingFacts: kind, the tail a preview shows, an IBAN's country) — never the text. One note per comment:
 * reported (policy `report`), redacted, or found-but-not-redacted (the desk offers no way, or it failed).
 */
export const REDACTION_NOTE_ACTIONS = ['comment_secret_reported', 'comment_secret_redacted', 'comment_secret_not_redacted'] as const;
export type RedactionNoteAction = (typeof REDACTION_NOTE_ACTIONS)[number];

export const RedactionNoteFactsSchema = z.object({
  at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a time'),
  commentId: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/),
  isPublic: z.boolean(),
  findings: FindingFactsSchema,
  /** Why a found secret stayed: the desk has no API for it (ServiceNow), or the desk refused / kept failing. */
  why: z.enum(['unsupported', 'failed', 'gone']).nullish(),
  /** Policy `redact_and_offer_upload`: the upload offer waits for the document exchange (issue 11). */
  isUploadOfferPending: z.boolean().default(false),
});
export type RedactionNoteFacts = z.infer<typeof RedactionNoteFactsSchema>;

/** "a card number ending 4242 and a password", from masked facts only (at most five named, then a count). */
export function describeFindings(findings: RedactionNoteFacts['findings']): string {
  const named = findings.slice(0, 5).map(describeFinding);
  const rest = findings.length - named.length;
  const list = rest > 0 ? [...named, `${rest} more`] : named;
  return joinPhrases(list);
}

export function renderRedactionNote(
  action: RedactionNoteAction,
  f: RedactionNoteFacts,
  receipt: string,
  formatUtc: (iso: string) => string,
): string {
  const what = describeFindings(f.findings);
  const where = `${f.isPublic ? 'public comment' : 'internal comment'} ${f.commentId}`;
  const lines = [`Vouchsafe · Secret in a comment ${action === 'comment_secret_redacted' ? 'REDACTED' : 'FOUND'}`];
  switch (action) {
    case 'comment_secret_reported':
      lines.push(`Found ${what} in ${where}. It is still there: the policy reports only. Consider removing it.`);
      break;
    case 'comment_secret_redacted':
      lines.push(`Redacted ${what} from ${where}.`);
      if (f.isUploadOfferPending) lines.push('No upload link was offered: the document exchange is not available yet.');
      break;
    case 'comment_secret_not_redacted':
      lines.push(
        f.why === 'unsupported'
          ? `Found ${what} in ${where}. This desk does not let Vouchsafe edit comments: remove it by hand.`
          : f.why === 'gone'
            ? `Found ${what} in ${where}; the comment is no longer on the ticket.`
            : `Found ${what} in ${where}, but the desk refused the redaction: remove it by hand.`,
      );
      break;
  }
  lines.push(`Time: ${formatUtc(f.at)}`, `Receipt: ${receipt}`);
  return lines.join('\n');
}
