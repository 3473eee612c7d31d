import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Desk } from '@vouchsafe/contracts';
import type { TicketLifecycleEvent } from '../src/modules/desk-events/desk-event.types';
import { DESK_EVENT_PATHS } from '@vouchsafe/contracts';
import { TOKEN, api } from './harness';
import { SLUGS, customerReveal, eventually, openSidebar, scrape, send, sidebar, type Agent, type Sent } from './sidebar-support';
import {
  OKTA,
  call,
  configureIdp,
  openAs,
  openEvents,
  scriptedIdp,
  setPolicy,
  startVerifyWorld,
  type VerifyWorld,
} from './verification-support';

/**
 * Issue 12: a ticket that is solved/closed, deleted or merged ends what Vouchsafe still has outstanding on it (secrets
 * withdrawn, verifications cancelled, a summary note), through the handler desk webhooks call and through the
 * reconciliation sweep that asks the desks. One app, one database, the three desk stand-ins for the whole file.
 */

let w: VerifyWorld;
const tenantIds = {} as Record<Desk, string>;

beforeAll(async () => {
  w = await startVerifyWorld({ idps: [scriptedIdp('okta')] });
  await configureIdp(w, 'zendesk', OKTA);
  await setPolicy(w, 'zendesk', {
    methods: ['okta_push'],
    recentFactorHours: 0,
    attemptTimeoutSeconds: 60,
    pushLimit: { count: 20, windowSeconds: 60, cooldownSeconds: 60 },
  });
  for (const desk of ['zendesk', 'servicenow', 'jira'] as const) {
    const row = await w.t.db.selectFrom('tenants').select('id').where('slug', '=', SLUGS[desk]).executeTakeFirstOrThrow();
    tenantIds[desk] = row.id;
  }
});
afterAll(() => w?.close());

const lifecycle = () => w.t.graph.lifecycle;

/** A fresh ticket at the stand-in and an agent's sidebar on it. */
async function ticketWithAgent(desk: Desk = 'zendesk'): Promise<Agent> {
  const ticket = w.desks.state.addTicket(desk);
  const index = w.desks.state[desk].tickets.indexOf(ticket);
  return openSidebar(w, desk, index);
}

const event = (a: Agent, kind: TicketLifecycleEvent['kind'], extra: Partial<TicketLifecycleEvent> = {}): TicketLifecycleEvent => ({
  kind,
  tenantId: tenantIds[a.desk],
  desk: a.desk,
  ticketId: a.ticketId,
  eventId: `delivery-${kind}-${a.ticketId}`,
  occurredAt: new Date(),
  source: 'webhook',
  ...extra,
});

const metadata = (desk: Desk, s: Sent) => api(w.t.url, 'GET', `/api/v1/t/${SLUGS[desk]}/secrets/${s.id}`);

async function auditOf(type: string, ticketId: string) {
  const { rows } = await sql<{ type: string; data: Record<string, unknown> }>`
    SELECT type, data FROM audit_events WHERE type = ${type} AND data->>'ticketId' = ${ticketId} ORDER BY seq`.execute(w.t.db);
  return rows.map((r) => r.data);
}

const lifecycleNotes = async (ticketId: string) =>
  (
    await sql<{
      n: string;
    }>`SELECT count(*)::text AS n FROM note_outbox WHERE ticket_id = ${ticketId} AND action = 'ticket.lifecycle'`.execute(w.t.db)
  ).rows[0]!.n;

describe('a closed ticket', () => {
  it('withdraws its secrets (payload deleted, the link says why), cancels its verification live, audits and notes once', async () => {
    const a = await ticketWithAgent();
    const [s1, s2] = [await send(w, a), await send(w, a)];
    const viewed = await send(w, a);
    expect((await customerReveal(w, 'zendesk', viewed)).status).toBe(200);
    const agent = await openAs(w, a.ticketId);
    const stream = await openEvents(w.t.url, agent);
    const started = await call(w.t.url, agent, 'POST', '/verifications', { method: 'okta_push' });
    expect(started.status, JSON.stringify(started.json)).toBe(201);

    w.desks.state.closeTicket('zendesk', a.ticketId);
    const result = await lifecycle().handle(event(a, 'ticket.closed'));
    expect(result).toMatchObject({ secretsWithdrawn: 2, verificationsCancelled: 1, isNoted: true });

    // Payloads gone, bindings revoked with the reason; the viewed secret is untouched.
    const payloads = await w.t.db.selectFrom('secret_payloads').select('secret_id').where('secret_id', 'in', [s1.id, s2.id]).execute();
    expect(payloads).toEqual([]);
    const bindings = await w.t.db
      .selectFrom('ticket_secrets')
      .select(['secret_id', 'status', 'withdrawn_reason'])
      .where('ticket_id', '=', a.ticketId)
      .execute();
    expect(
      bindings
        .filter((b) => b.withdrawn_reason === 'ticket_closed')
        .map((b) => b.secret_id)
        .sort(),
    ).toEqual([s1.id, s2.id].sort());
    expect(bindings.find((b) => b.secret_id === viewed.id)).toMatchObject({ status: 'viewed', withdrawn_reason: null });

    // The customer's link (metadata and reveal) says it was withdrawn, and why.
    const meta = await metadata('zendesk', s1);
    expect(meta.status).toBe(410);
    expect(meta.json.error).toMatchObject({ code: 'secret_withdrawn', withdrawnReason: 'ticket_closed' });
    expect(meta.json.error.message).toMatch(/withdrawn because the ticket it was sent from was closed/);
    const reveal = await customerReveal(w, 'zendesk', s2);
    expect(reveal.status).toBe(410);
    expect(reveal.json.error.code).toBe('secret_withdrawn');
    // A secret that was merely viewed still answers the one "gone" body (no new oracle).
    expect((await metadata('zendesk', viewed)).json.error.code).toBe('secret_gone');

    // The agent's live sidebar sees the cancellation.
    const cancelled = await stream.next((v) => v.state === 'cancelled');
    expect(cancelled.reason).toMatch(/ticket was solved or closed/);
    stream.close();

    // Audit: one event per item (actor system, the reason) and the summary.
    const revoked = await sql<{ data: Record<string, unknown> }>`
      SELECT data FROM audit_events WHERE type = 'secret.revoked' AND secret_id IN (${s1.id}, ${s2.id})`.execute(w.t.db);
    expect(revoked.rows.map((r) => r.data)).toEqual([
      expect.objectContaining({ actor: 'system', reason: 'ticket_closed', source: 'webhook' }),
      expect.objectContaining({ actor: 'system', reason: 'ticket_closed', source: 'webhook' }),
    ]);
    expect(await auditOf('verification.cancelled', a.ticketId)).toEqual([
      expect.objectContaining({ actorId: 'system', lifecycleReason: 'ticket_closed', state: 'cancelled' }),
    ]);
    expect(await auditOf('ticket.closed', a.ticketId)).toEqual([
      expect.objectContaining({ actor: 'system', reason: 'ticket_closed', secretsWithdrawn: 2, verificationsCancelled: 1 }),
    ]);

    // One masked note, after commit.
    const note = await eventually(() => {
      const found = w.desks.state.notes('zendesk', a.ticketId).find((c) => c.body.startsWith('Vouchsafe · Ticket closed'));
      if (!found) throw new Error('no lifecycle note yet');
      return found.body;
    });
    expect(note).toContain('2 one-time links were withdrawn and 1 verification was cancelled because the ticket was solved or closed.');
    expect(note).not.toContain(s1.id);
    expect(note).not.toMatch(/@/);

    // Replays (the desk retries, the sweep repeats) do nothing: no event, no second note.
    expect(await lifecycle().handle(event(a, 'ticket.closed'))).toMatchObject({
      secretsWithdrawn: 0,
      verificationsCancelled: 0,
      isNoted: false,
    });
    await lifecycle().sweep.run();
    expect(await auditOf('ticket.closed', a.ticketId)).toHaveLength(1);
    expect(await lifecycleNotes(a.ticketId)).toBe('1');
  });
});

describe('a merged ticket', () => {
  it('moves its activity to the surviving ticket, where the note goes; a secret sent from the survivor is not touched', async () => {
    const merged = await ticketWithAgent();
    const survivor = await ticketWithAgent();
    const s = await send(w, merged);
    const own = await send(w, survivor);

    w.desks.state.mergeTicket('zendesk', merged.ticketId, survivor.ticketId);
    const result = await lifecycle().handle(event(merged, 'ticket.merged', { survivingTicketId: survivor.ticketId }));
    expect(result).toMatchObject({ secretsWithdrawn: 1, secretsMoved: 1, isNoted: true });

    const listed = await sidebar(w, survivor, 'GET', '/secrets');
    expect(listed.json.secrets.map((x: { id: string; status: string }) => [x.id, x.status]).sort()).toEqual(
      [
        [s.id, 'revoked'],
        [own.id, 'waiting'],
      ].sort(),
    );
    expect((await sidebar(w, merged, 'GET', '/secrets')).json.secrets).toEqual([]);
    expect((await metadata('zendesk', s)).json.error.withdrawnReason).toBe('ticket_merged');
    expect((await metadata('zendesk', own)).status).toBe(200);

    const note = await eventually(() => {
      const found = w.desks.state.notes('zendesk', survivor.ticketId).find((c) => c.body.includes('merged into this ticket'));
      if (!found) throw new Error('no merge note yet');
      return found.body;
    });
    expect(note).toContain(`1 one-time link was withdrawn because ticket ${merged.ticketId} was merged into this one.`);
    expect(note).toContain('now shows in this ticket’s sidebar');
    expect(await lifecycleNotes(merged.ticketId)).toBe('0');
    expect(await auditOf('ticket.merged', merged.ticketId)).toEqual([
      expect.objectContaining({ survivingTicketId: survivor.ticketId, secretsMoved: 1, actor: 'system' }),
    ]);
  });
});

describe('a deleted ticket', () => {
  it('withdraws its secrets and writes no note (the ticket is gone)', async () => {
    const a = await ticketWithAgent();
    const s = await send(w, a);
    w.desks.state.deleteTicket('zendesk', a.ticketId);
    expect(await lifecycle().handle(event(a, 'ticket.deleted'))).toMatchObject({ secretsWithdrawn: 1, isNoted: false });
    expect((await metadata('zendesk', s)).json.error.withdrawnReason).toBe('ticket_deleted');
    expect(await auditOf('ticket.deleted', a.ticketId)).toHaveLength(1);
    expect(await lifecycleNotes(a.ticketId)).toBe('0');
  });
});

describe('a desk webhook', () => {
  it('reaches the lifecycle handler: a signed "solved" event from Zendesk withdraws the ticket\'s secret', async () => {
    const secret = 'zendesk-webhook-signing-secret-lifecycle-5c1d';
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await api(w.t.url, 'PUT', DESK_EVENT_PATHS.adminWebhookSecret(SLUGS.zendesk), { secret }, auth)).status).toBe(204);
    const a = await ticketWithAgent();
    const s = await send(w, a);
    w.desks.state.closeTicket('zendesk', a.ticketId);
    const target = { url: `${w.t.url}${DESK_EVENT_PATHS.receiver('zendesk', SLUGS.zendesk)}`, secret };
    const { response } = await w.desks.webhooks.emitLifecycleWebhook('zendesk', target, { ticketId: a.ticketId, kind: 'closed' });
    expect(response.status).toBeLessThan(300);
    await w.t.graph.deskEvents.idle();
    await eventually(async () => expect((await metadata('zendesk', s)).json.error?.withdrawnReason).toBe('ticket_closed'));
    expect(await auditOf('ticket.closed', a.ticketId)).toHaveLength(1);
  });
});

describe('the reconciliation sweep', () => {
  it('does nothing while a desk is down, then finds the tickets the webhooks missed on every desk', async () => {
    const closed = await ticketWithAgent();
    const deleted = await ticketWithAgent();
    const open = await ticketWithAgent();
    const jira = await ticketWithAgent('jira');
    const servicenow = await ticketWithAgent('servicenow');
    const secrets = {
      closed: await send(w, closed),
      deleted: await send(w, deleted),
      open: await send(w, open),
      jira: await send(w, jira),
      servicenow: await send(w, servicenow),
    };
    w.desks.state.closeTicket('zendesk', closed.ticketId);
    w.desks.state.deleteTicket('zendesk', deleted.ticketId);
    w.desks.state.closeTicket('jira', jira.ticketId);
    w.desks.state.closeTicket('servicenow', servicenow.ticketId, 'closed');

    // Zendesk down: its tickets are skipped (never read as deleted); the other desks answer.
    w.desks.outage('zendesk', 60_000);
    const first = await lifecycle().sweep.run();
    w.desks.outage('zendesk', 0);
    expect(first.unavailable).toBeGreaterThanOrEqual(3);
    for (const s of [secrets.closed, secrets.deleted, secrets.open]) expect((await metadata('zendesk', s)).status).toBe(200);
    expect((await metadata('jira', secrets.jira)).json.error.withdrawnReason).toBe('ticket_closed');
    expect((await metadata('servicenow', secrets.servicenow)).json.error.withdrawnReason).toBe('ticket_closed');

    // Zendesk back: the closed and the deleted ticket end; the open one stays as it is.
    await lifecycle().sweep.run();
    expect((await metadata('zendesk', secrets.closed)).json.error.withdrawnReason).toBe('ticket_closed');
    expect((await metadata('zendesk', secrets.deleted)).json.error.withdrawnReason).toBe('ticket_deleted');
    expect((await metadata('zendesk', secrets.open)).status).toBe(200);
    expect(await auditOf('ticket.closed', closed.ticketId)).toEqual([expect.objectContaining({ source: 'sweep' })]);

    const metrics = await scrape(w);
    expect(metrics).toMatch(/vouchsafe_lifecycle_sweep_tickets_total\{outcome="desk_unavailable"\} [1-9]/);
    expect(metrics).toMatch(/vouchsafe_lifecycle_items_total\{event="ticket.closed",source="sweep",item="secret_withdrawn"\} [1-9]/);
  });
});
