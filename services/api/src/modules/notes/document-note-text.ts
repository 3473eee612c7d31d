import { z } from 'zod';
import { DOCUMENT_PRESETS, DOCUMENT_PRESET_LABELS, formatBytes } from '@vouchsafe/contracts';

/**
 * Notes for document requests (issue 11; modules/documents/NOTES.md). Facts only: presets, counts, sizes, times, the
 * outcome and a masked rejection reason. Never a file name (the server has none: names are encrypted in the customer's
 * browser), never the agent's free text (it may name the customer; the note says "other"), never the link.
 */

export const DOCUMENT_NOTE_ACTIONS = [
  'documents_requested',
  'documents_received',
  'documents_reviewed',
  'documents_revoked',
  'documents_expired',
] as const;
export type DocumentNoteAction = (typeof DOCUMENT_NOTE_ACTIONS)[number];

const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a time');

export const DocumentNoteFactsSchema = z.object({
  agent: z.string(),
  at: Iso,
  fingerprint: z.string().regex(/^[0-9a-f]{8}$/),
  presets: z.array(z.enum(DOCUMENT_PRESETS)),
  hasNote: z.boolean(),
  maxFiles: z.number().int(),
  expiresAt: Iso,
  files: z.number().int().optional(),
  totalBytes: z.number().int().optional(),
  by: z.string().optional(),
  outcome: z.enum(['accepted', 'rejected']).optional(),
  reason: z.string().optional(),
});
export type DocumentNoteFacts = z.infer<typeof DocumentNoteFactsSchema>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "photo ID, proof of address, other" */
export function askedList(f: Pick<DocumentNoteFacts, 'presets' | 'hasNote'>): string {
  const items: string[] = f.presets.map((p) => DOCUMENT_PRESET_LABELS[p]);
  if (f.hasNote) items.push('other (see the request)');
  return items.join(', ');
}

function headline(action: DocumentNoteAction, f: DocumentNoteFacts, clean: (s: string) => string): string {
  switch (action) {
    case 'documents_requested':
      return `Documents requested: ${askedList(f)}`;
    case 'documents_received':
      return `Documents received: ${plural(f.files ?? 0, 'file')}${f.totalBytes === undefined ? '' : ` (${formatBytes(f.totalBytes)})`}`;
    case 'documents_reviewed':
      return f.outcome === 'rejected'
        ? `Documents reviewed and deleted (rejected: ${clean(f.reason ?? '') || 'no reason'})`
        : 'Documents reviewed and deleted (accepted)';
    case 'documents_revoked':
      return 'Document request revoked (uploads deleted)';
    case 'documents_expired':
      return 'Document request expired (uploads deleted unreviewed)';
  }
}

export function renderDocumentNote(
  action: DocumentNoteAction,
  f: DocumentNoteFacts,
  receipt: string,
  clean: (s: string) => string,
  formatUtc: (iso: string) => string,
): string {
  const who = action === 'documents_reviewed' || action === 'documents_revoked' ? (f.by ?? f.agent) : f.agent;
  const facts = [`Agent: ${clean(who) || 'unknown'}`, `Time: ${formatUtc(f.at)}`, `Request: fingerprint ${f.fingerprint}`];
  if (action === 'documents_requested') facts.push(`up to ${plural(f.maxFiles, 'file')}, expires ${formatUtc(f.expiresAt)}`);
  return [`Vouchsafe · ${headline(action, f, clean)}`, facts.join(' · '), `Receipt: ${receipt}`].join('\n');
}
