import type { ReviewEntry } from '@vouchsafe/contracts';
import { receiptText } from '../format';

export interface ReceiptBadgeProps {
  note: NonNullable<ReviewEntry['note']>;
}

const MARK = { checked: '✓', failed: '✗', neutral: '•' } as const;

/**
 * A note's receipt check: ✓ the note reads in the desk as it was sent; ✗ it does not, with why; pending and
 * unavailable are neutral (not a verdict). The mark is decorative; the words carry the meaning.
 */
export function ReceiptBadge({ note }: ReceiptBadgeProps) {
  const { tone, label } = receiptText(note);
  return (
    <span className={`vs-receipt vs-receipt--${tone}`} data-tone={tone} data-testid="receipt-check">
      <span aria-hidden="true" className="vs-receipt__mark">
        {MARK[tone]}
      </span>{' '}
      {label}
      {note.reason && tone !== 'checked' ? <span className="vs-receipt__reason"> — {note.reason}</span> : null}
    </span>
  );
}
