import type { ReviewEntry } from '@vouchsafe/contracts';
import { formatTime } from '../format';
import { Flags } from './Flags';
import { ReceiptBadge } from './ReceiptBadge';

export interface EntryTableProps {
  caption: string;
  entries: readonly ReviewEntry[];
  /** Search results: a ticket cell opens that ticket's timeline. */
  onOpenTicket?: (ticketId: string) => void;
  /** Timeline: show each note's receipt check. */
  hasReceipts?: boolean;
}

/** Audit entries as a table (a real <table> with a caption and column headers, readable by screen readers). */
export function EntryTable({ caption, entries, onOpenTicket, hasReceipts = false }: EntryTableProps) {
  return (
    <div className="vs-table-wrap">
      <table className="vs-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Ticket</th>
            <th scope="col">Actor</th>
            <th scope="col">Flags</th>
            {hasReceipts && <th scope="col">Note receipt</th>}
            <th scope="col">Receipt id</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.event.id} data-testid="entry-row" data-type={e.event.type}>
              <td>{formatTime(e.event.occurredAt)}</td>
              <td>
                <code>{e.event.type}</code>
              </td>
              <td>
                {e.ticketId === null ? (
                  '—'
                ) : onOpenTicket ? (
                  <button type="button" className="vs-link" onClick={() => onOpenTicket(e.ticketId!)}>
                    {e.ticketId}
                  </button>
                ) : (
                  e.ticketId
                )}
              </td>
              <td>{e.actor ?? '—'}</td>
              <td>
                <Flags flags={e.flags} />
              </td>
              {hasReceipts && <td>{e.note ? <ReceiptBadge note={e.note} /> : '—'}</td>}
              <td>
                <code className="vs-receipt-id">{e.event.id}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
