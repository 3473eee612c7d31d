import { z } from 'zod';
import { text } from './text';

/**
 * Issue 12, "Before it is sent": the agent sends a reply although the sidebar found something sensitive in it.
 * The sidebar records only what the detector's `findingFacts` derive from masked previews (kind, the tail a preview
 * already shows, an IBAN's country) and the agent's reason — never the reply's text.
 */

/** A detector kind (`@vouchsafe/detector` KINDS; contracts import nothing internal, the API checks the list). */
const FindingKindSchema = text().regex(/^[a-z][a-z0-9_]{1,31}$/, 'is not a finding kind');

export const DraftFindingSchema = z
  .object({
    kind: FindingKindSchema,
    /** Last four characters a card/IBAN/SSN preview shows, else null. */
    tail: text()
      .regex(/^[0-9A-Za-z]{4}$/, 'must be the last four characters a masked preview shows')
      .nullable(),
    /** An IBAN's country code, else null. */
    country: text()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter country code')
      .nullable(),
  })
  .strict();
export type DraftFinding = z.infer<typeof DraftFindingSchema>;

export const DRAFT_FINDINGS_MAX = 50;

export const DraftFindingsRequestSchema = z
  .object({
    /** The ticket the reply is on, as the sidebar's context names it: must be the session's ticket (else 404). */
    ticketId: text().min(1).max(120),
    findings: z.array(DraftFindingSchema).min(1, 'must name at least one finding').max(DRAFT_FINDINGS_MAX),
    /** Why the agent sends it anyway. Refused (422) when the reason itself contains a finding. */
    reason: text().trim().min(5, 'must say why (at least 5 characters)').max(500),
  })
  .strict();
export type DraftFindingsRequest = z.infer<typeof DraftFindingsRequestSchema>;

export const DraftFindingsResponseSchema = z.object({
  /** The audit event's id: the receipt the internal note ends with. */
  receipt: text(),
  /** Kind → count, as recorded. */
  counts: z.record(text(), z.number().int().min(1)),
});
export type DraftFindingsResponse = z.infer<typeof DraftFindingsResponseSchema>;
