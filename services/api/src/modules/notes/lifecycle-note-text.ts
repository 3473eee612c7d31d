import { z } from 'zod';

/**
 * Issue 12: the note a ticket gets when Vouchsafe ended its outstanding items because the ticket was solved/closed
 * or merged (a deleted ticket gets none: it is gone). One note per ticket and event, with counts only; the audit
 * events its receipt names hold the details (which secrets, which verifications).
 */

export const LIFECYCLE_NOTE_ACTION = 'ticket.lifecycle';

const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a time');

export const LifecycleNoteFactsSchema = z.object({
  at: Iso,
  event: z.enum(['closed', 'merged']),
  secretsWithdrawn: z.number().int().min(0),
  verificationsCancelled: z.number().int().min(0),
  /** Issue 11 (document requests) extension point: 0 until that module registers itself. */
  documentRequestsCancelled: z.number().int().min(0).default(0),
  /** merged: the ticket that was merged into this one (the connector's id), and how many of its secrets moved here. */
  mergedFrom: z.string().nullish(),
  secretsMoved: z.number().int().min(0).default(0),
});
export type LifecycleNoteFacts = z.infer<typeof LifecycleNoteFactsSchema>;

const count = (n: number, one: string, many: string, verb: string) => `${n} ${n === 1 ? one : many} ${n === 1 ? 'was' : 'were'} ${verb}`;

/** "2 one-time links were withdrawn and 1 verification was cancelled" */
export function endedItemsSentence(
  f: Pick<LifecycleNoteFacts, 'secretsWithdrawn' | 'verificationsCancelled' | 'documentRequestsCancelled'>,
): string {
  const parts = [
    f.secretsWithdrawn > 0 ? count(f.secretsWithdrawn, 'one-time link', 'one-time links', 'withdrawn') : '',
    f.verificationsCancelled > 0 ? count(f.verificationsCancelled, 'verification', 'verifications', 'cancelled') : '',
    f.documentRequestsCancelled > 0 ? count(f.documentRequestsCancelled, 'document request', 'document requests', 'cancelled') : '',
  ].filter(Boolean);
  if (parts.length === 0) return 'Nothing was outstanding';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

export function renderLifecycleNote(
  f: LifecycleNoteFacts,
  receipt: string,
  clean: (s: string) => string,
  formatUtc: (iso: string) => string,
): string {
  const merged = f.mergedFrom ? clean(f.mergedFrom) : 'another ticket';
  const lines =
    f.event === 'closed'
      ? ['Vouchsafe · Ticket closed', `${endedItemsSentence(f)} because the ticket was solved or closed.`]
      : [
          `Vouchsafe · Ticket ${merged} merged into this ticket`,
          `${endedItemsSentence(f)} because ticket ${merged} was merged into this one.`,
        ];
  if (f.secretsWithdrawn > 0) lines.push('The customer’s links now say they were withdrawn; send a new secret if it is still needed.');
  if (f.event === 'merged' && f.secretsMoved > 0) {
    lines.push(
      `${f.secretsMoved === 1 ? '1 secret' : `${f.secretsMoved} secrets`} sent from ticket ${merged} now show${f.secretsMoved === 1 ? 's' : ''} in this ticket’s sidebar.`,
    );
  }
  lines.push(`Time: ${formatUtc(f.at)}`, `Receipt: ${receipt}`);
  return lines.join('\n');
}
