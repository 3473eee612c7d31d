import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '@vouchsafe/contracts';
import { eventually, notesOn, openSidebar, scrape, send, sidebar, startSidebarWorld, type SidebarWorld } from './sidebar-support';

/**
 * Delivery of internal notes when the desk misbehaves: outages, lost replies, and giving up.
 * Backoff starts at 100 ms here (1 s in production), so a 30 s outage is played as 3 s.
 */

const outboxRow = (w: SidebarWorld, secretId: string) =>
  w.t.db.selectFrom('note_outbox').selectAll().where('secret_id', '=', secretId).where('action', '=', 'sent').executeTakeFirstOrThrow();

describe('with retries', () => {
  let w: SidebarWorld;
  beforeAll(async () => {
    w = await startSidebarWorld({ maxAttempts: 8, backoffMs: 100 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('the desk down for a (compressed) 30 s: every note arrives exactly once after recovery, with doubling backoff', async () => {
    const a = await openSidebar(w, 'zendesk', 0);
    w.desks.outage('zendesk', 3_000);
    const down = Date.now();
    const sent = [await send(w, a), await send(w, a), await send(w, a)];
    const list = await sidebar(w, a, 'GET', '/secrets');
    for (const s of sent) expect(list.json.secrets.find((x: any) => x.id === s.id).noteStatus).toBe('pending');
    await eventually(() => {
      for (const s of sent) expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint))).toHaveLength(1);
    }, 15_000);
    expect(Date.now() - down).toBeGreaterThanOrEqual(3_000);
    // The desk stores a note a moment before the dispatcher marks its row delivered.
    await eventually(async () => {
      for (const s of sent) expect((await outboxRow(w, s.id)).status).toBe('delivered');
    });
    for (const s of sent) {
      const row = await outboxRow(w, s.id);
      // 100 + 200 + 400 + 800 + 1600 ms: the 3 s outage costs 5 or 6 attempts, not one per poll.
      expect(row.attempts).toBeGreaterThanOrEqual(4);
      expect(row.attempts).toBeLessThanOrEqual(7);
    }
    // A while later: still exactly one each.
    await new Promise((r) => setTimeout(r, 300));
    for (const s of sent) expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint))).toHaveLength(1);
    const after = await sidebar(w, a, 'GET', '/secrets');
    for (const s of sent) expect(after.json.secrets.find((x: any) => x.id === s.id).noteStatus).toBe('delivered');
  });

  it.each([
    ['zendesk', 'status'],
    ['servicenow', 'status'],
    ['jira', 'status'],
    ['zendesk', 'destroy'],
    ['servicenow', 'destroy'],
    ['jira', 'destroy'],
  ] as [Desk, 'status' | 'destroy'][])(
    'a lost reply from %s (%s) does not duplicate the note: the retry finds it by its receipt',
    async (desk, mode) => {
      const a = await openSidebar(w, desk, 1);
      w.desks.dropResponses(desk, 1, { mode });
      const s = await send(w, a);
      await eventually(async () => expect((await outboxRow(w, s.id)).status).toBe('delivered'));
      const row = await outboxRow(w, s.id);
      expect(row.attempts).toBe(2);
      expect(row.remote_id).toBeNull();
      await new Promise((r) => setTimeout(r, 200));
      expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint))).toHaveLength(1);
    },
  );

  it('a ticket the desk no longer has fails at once (no pointless retries)', async () => {
    const a = await openSidebar(w, 'zendesk', 2);
    const tickets = w.desks.state.zendesk.tickets;
    const index = tickets.findIndex((x) => x.id === a.ticketId);
    const [removed] = tickets.splice(index, 1);
    try {
      const s = await send(w, a);
      await eventually(async () => expect((await outboxRow(w, s.id)).status).toBe('failed'));
      const row = await outboxRow(w, s.id);
      expect(row.attempts).toBe(1);
      expect(row.last_error).toMatch(/^not_found: Zendesk answered 404/);
    } finally {
      tickets.splice(index, 0, removed!);
    }
  });
});

describe('giving up', () => {
  let w: SidebarWorld;
  beforeAll(async () => {
    w = await startSidebarWorld({ maxAttempts: 3, backoffMs: 50 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('after the last attempt the note is failed: in the sidebar and in /metrics, with a short masked error', async () => {
    const a = await openSidebar(w, 'servicenow', 0);
    w.desks.outage('servicenow', 60_000);
    try {
      const s = await send(w, a);
      await eventually(async () => expect((await outboxRow(w, s.id)).status).toBe('failed'));
      const row = await outboxRow(w, s.id);
      expect(row.attempts).toBe(3);
      // The last attempt looked for the note first (the earlier ones may have landed) and got the 503 there.
      expect(row.last_error).toMatch(/^unavailable: ServiceNow answered 503 \((search work notes|add work note)\)$/);
      const list = await sidebar(w, a, 'GET', '/secrets');
      expect(list.json.secrets.find((x: any) => x.id === s.id)).toMatchObject({ status: 'waiting', noteStatus: 'failed' });
      const metrics = await scrape(w);
      expect(metrics).toMatch(/^vouchsafe_notes_failed_total 1$/m);
      expect(metrics).toMatch(/^vouchsafe_notes_outbox\{status="failed"\} 1$/m);
      expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint))).toHaveLength(0);
    } finally {
      w.desks.outage('servicenow', 0);
    }
    // Later notes of the same secret still go out once the desk is back; the failed one stays failed.
    const s2 = await send(w, a);
    await eventually(() => expect(notesOn(w, a).filter((n) => n.includes(s2.fingerprint))).toHaveLength(1));
    // The desk holds the note a moment before the dispatcher counts it as delivered.
    await eventually(async () => expect(await scrape(w)).toMatch(/^vouchsafe_notes_delivered_total [1-9]/m));
  });
});
