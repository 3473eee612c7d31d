import { describe, expect, it } from 'vitest';
import { endedItemsSentence } from './lifecycle-note-text';
import { parseNote, renderParsedNote } from './note-text';
import { escapeJiraNoteText } from '../../helpdesks/jira/jira.connector';

const RECEIPT = '0f8fad5b-d9cb-469f-a165-70867728950e';
const at = '2026-12-03T20:00:00.000Z';

describe('lifecycle notes', () => {
  it('counts what ended, in one sentence', () => {
    expect(endedItemsSentence({ secretsWithdrawn: 2, verificationsCancelled: 1, documentRequestsCancelled: 0 })).toBe(
      '2 one-time links were withdrawn and 1 verification was cancelled',
    );
    expect(endedItemsSentence({ secretsWithdrawn: 1, verificationsCancelled: 0, documentRequestsCancelled: 2 })).toBe(
      '1 one-time link was withdrawn and 2 document requests were cancelled',
    );
    expect(endedItemsSentence({ secretsWithdrawn: 0, verificationsCancelled: 0, documentRequestsCancelled: 0 })).toBe(
      'Nothing was outstanding',
    );
  });

  it('renders a stored row, with the merged ticket id cleaned and escaped for the desk', () => {
    const parsed = parseNote('ticket.lifecycle', {
      at,
      event: 'merged',
      secretsWithdrawn: 0,
      verificationsCancelled: 1,
      mergedFrom: '[click|https://evil.example]',
      secretsMoved: 2,
    });
    expect(parsed).toBeDefined();
    const text = renderParsedNote(parsed!, RECEIPT, escapeJiraNoteText);
    expect(text.split('\n')[0]).toBe('Vouchsafe · Ticket \\[click\\|https\\[:\\]//evil.example\\] merged into this ticket');
    expect(text).toContain('1 verification was cancelled because ticket');
    expect(text).toContain('2 secrets sent from ticket');
    expect(text).not.toContain('https://');
    expect(text.endsWith(`Receipt: ${RECEIPT}`)).toBe(true);
    expect(parseNote('ticket.lifecycle', { at, event: 'reopened' })).toBeUndefined();
  });
});
