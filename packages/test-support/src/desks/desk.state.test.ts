import { describe, expect, it } from 'vitest';
import { DeskState } from './desk.state';

describe('DeskState snapshot/restore (the demo desk keeps its tickets across restarts)', () => {
  it('brings back notes, added tickets and requesters through JSON, with dates as dates', () => {
    const before = new DeskState();
    const ticket = before.data('servicenow').tickets[0]!;
    const note = before.addComment(ticket, 'Vouchsafe · Secret sent', false, before.data('servicenow').apiUser.id);
    const added = before.addTicket('zendesk', { subject: 'Added in the demo' });

    const after = new DeskState();
    after.restore(JSON.parse(JSON.stringify(before.snapshot())));
    const notes = after.notes('servicenow', ticket.id);
    expect(notes).toEqual([note]);
    expect(notes[0]!.createdAt).toBeInstanceOf(Date);
    expect(after.ticket('zendesk', added.id)?.subject).toBe('Added in the demo');
    expect(after.person('zendesk', added.requesterId)?.phoneSetAt).toBeInstanceOf(Date);
    // Ids keep counting from where they were: a new comment never reuses one.
    expect(after.addComment(after.ticket('zendesk', added.id)!, 'x', false, 'a').id).not.toBe(note.id);
  });
});
