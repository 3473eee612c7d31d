import type { ReceiptNoteStatus, ReviewFlag } from '@vouchsafe/contracts';

/** How a note's receipt check reads: checked (✓), failed (✗, with why) or neutral (not a verdict). */
export type ReceiptTone = 'checked' | 'failed' | 'neutral';

const RECEIPT: Record<ReceiptNoteStatus, { tone: ReceiptTone; label: string }> = {
  matches: { tone: 'checked', label: 'Note matches' },
  edited: { tone: 'failed', label: 'Note edited in the desk' },
  missing: { tone: 'failed', label: 'Note missing from the ticket' },
  failed: { tone: 'failed', label: 'Note never delivered' },
  pending: { tone: 'neutral', label: 'Note not delivered yet' },
  unavailable: { tone: 'neutral', label: 'Desk could not be checked' },
  no_note: { tone: 'neutral', label: 'No note for this event' },
};

export function receiptText(note: { status: ReceiptNoteStatus }): { tone: ReceiptTone; label: string } {
  return RECEIPT[note.status];
}

export const FLAG_LABELS: Record<ReviewFlag, string> = { override: 'Override', possible_fraud: 'Possible fraud' };

/** `2026-12-03T14:05:43.123Z` → `2026-12-03 14:05:43 UTC` (reviewers compare times across offices). */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A date input's value as the start or the end of that day in UTC; empty stays undefined. */
export function dayBoundary(date: string, edge: 'start' | 'end'): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  return `${date}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`;
}
