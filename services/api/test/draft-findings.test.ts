import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, notesOn, openSidebar, sidebar, startSidebarWorld, type SidebarWorld } from './sidebar-support';

/**
 * Issue 12, "Before it is sent": POST /api/v1/sidebar/draft-findings — the agent sends a held reply anyway, with a
 * reason. Only kinds, counts and the reason are recorded (plus the masked tails the note names); never the reply.
 */

let w: SidebarWorld;
beforeAll(async () => {
  w = await startSidebarWorld();
});
afterAll(async () => {
  await w?.close();
});

const CARD = { kind: 'card', tail: '4242', country: null };
const REASON = 'Customer insisted on a written confirmation';

describe('POST /api/v1/sidebar/draft-findings', () => {
  it('records kinds, counts and the reason in one audit event and leaves a masked note on the ticket', async () => {
    const a = await openSidebar(w, 'zendesk');
    const body = { ticketId: a.ticketId, findings: [CARD, CARD, { kind: 'password', tail: null, country: null }], reason: REASON };
    const res = await sidebar(w, a, 'POST', '/draft-findings', body);
    expect(res.status).toBe(201);
    expect(res.json.counts).toEqual({ card: 2, password: 1 });
    const event = await w.t.db.selectFrom('audit_events').selectAll().where('id', '=', res.json.receipt).executeTakeFirstOrThrow();
    expect(event.type).toBe('draft.sent_with_findings');
    expect(event.secret_id).toBeNull();
    // Exactly these keys: who, where, kinds + counts, the reason. No text, no tails.
    expect(event.data).toEqual({
      desk: 'zendesk',
      ticketId: a.ticketId,
      agentId: w.desks.state.zendesk.agents[0]!.id,
      agent: w.desks.state.zendesk.agents[0]!.name,
      counts: { card: 2, password: 1 },
      reason: REASON,
    });
    const note = await eventually(() => {
      const found = notesOn(w, a).find((n) => n.includes(res.json.receipt));
      expect(found).toBeDefined();
      return found!;
    });
    expect(note.split('\n').slice(0, 2)).toEqual([
      'Vouchsafe · Reply sent after a warning',
      `${w.desks.state.zendesk.agents[0]!.name} sent a reply containing a card number ending 4242 (2 times) and a password after a warning: ${REASON}`,
    ]);
  });

  it('refuses a reason that itself contains a finding (422), and records nothing', async () => {
    const a = await openSidebar(w, 'zendesk');
    const before = await w.t.db
      .selectFrom('audit_events')
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await sidebar(w, a, 'POST', '/draft-findings', {
      ticketId: a.ticketId,
      findings: [CARD],
      reason: 'customer confirmed card 4111 1111 1111 1111 is theirs',
    });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toBe('The reason itself contains a card number ending 1111. Say why without it.');
    expect(JSON.stringify(res.json)).not.toContain('4111 1111');
    const after = await w.t.db
      .selectFrom('audit_events')
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("answers 404 for another ticket than the session's, 422 for bad input, 401 without a session", async () => {
    const a = await openSidebar(w, 'zendesk');
    const other = w.desks.state.zendesk.tickets[1]!.id;
    const foreign = await sidebar(w, a, 'POST', '/draft-findings', { ticketId: other, findings: [CARD], reason: REASON });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe('not_found');
    const bad = [
      { ticketId: a.ticketId, findings: [], reason: REASON },
      { ticketId: a.ticketId, findings: [CARD], reason: '' },
      { ticketId: a.ticketId, findings: [{ ...CARD, tail: '4111111111111111' }], reason: REASON },
      { ticketId: a.ticketId, findings: [{ kind: 'nonsense_kind', tail: null, country: null }], reason: REASON },
      // Nothing but facts: a field carrying the reply's text is refused, not ignored.
      { ticketId: a.ticketId, findings: [CARD], reason: REASON, text: 'card 4111 1111 1111 1111' },
    ];
    for (const body of bad) expect((await sidebar(w, a, 'POST', '/draft-findings', body)).status).toBe(422);
    const none = await fetch(`${w.t.url}/api/v1/sidebar/draft-findings`, { method: 'POST' });
    expect(none.status).toBe(401);
  });
});
