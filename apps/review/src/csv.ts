import type { ReviewEntry } from '@vouchsafe/contracts';
import { receiptText } from './format';

/**
 * CSV of what the console shows (RFC 4180: comma-separated, CRLF, fields quoted when they hold a quote, comma or line
 * break). Cells that a spreadsheet would run as a formula — starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return (OWASP "CSV injection") — get a leading apostrophe, so Excel, LibreOffice and Sheets show them as text.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const CSV_HEADER = [
  'occurred_at',
  'type',
  'kind',
  'ticket',
  'actor',
  'flags',
  'receipt',
  'receipt_check',
  'chain_index',
  'hash',
] as const;

/** One line per entry, in the order shown. The receipt check is blank where the view has none (search results). */
export function entriesToCsv(entries: readonly ReviewEntry[]): string {
  return toCsv([
    [...CSV_HEADER],
    ...entries.map((e) => [
      e.event.occurredAt,
      e.event.type,
      e.kind,
      e.ticketId,
      e.actor,
      e.flags.join(' '),
      e.event.id,
      e.note ? receiptText(e.note).label + (e.note.reason ? `: ${e.note.reason}` : '') : '',
      e.event.chainIndex,
      e.event.hash,
    ]),
  ]);
}
