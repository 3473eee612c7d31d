import { z } from 'zod';
import { KINDS } from '@vouchsafe/detector';

/**
 * Issue 12: what a note may say about secrets found in text (a reply held by the save hook, a desk comment): the
 * detector's masked facts only — kind, the tail a preview shows (at most four characters), an IBAN's country. Shared by
 * the draft-findings and redaction notes, so both accept and render exactly the same facts.
 */
export const FindingFactsSchema = z
  .array(
    z.object({
      kind: z.enum(KINDS),
      tail: z
        .string()
        .regex(/^[A-Za-z0-9]{1,4}$/)
        .nullable(),
      country: z
        .string()
        .regex(/^[A-Z]{2}$/)
        .nullable(),
    }),
  )
  .min(1)
  .max(50);

/** "a, b and c" (one item: itself). */
export function joinPhrases(list: readonly string[]): string {
  return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} and ${list.at(-1)!}`;
}
