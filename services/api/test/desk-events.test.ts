import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESK_EVENT_PATHS, type Desk } from '@vouchsafe/contracts';
import { ensurePgDump } from '@vouchsafe/test-support';
import { startDeskStandIns, type StartedDeskStandIns, type WebhookTarget } from '@vouchsafe/test-support/desks';
import type { TicketLifecycleEvent } from '../src/modules/desk-events/desk-event.types';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/**
 * Issue 12, "after it got in": the desks' signed webhooks against the real app on a fresh database, with the three
 * desk stand-ins as tenants. Signatures (good / bad / stale / replayed / unknown and foreign tenant / malformed) per
 * desk; the redaction policy (report vs redact) per tenant; the redaction at the stand-in, the masked note and the
 * audit events, and that no full number is anywhere (logs, audit rows, notes, pg_dump); a desk's retry and a lost
 * answer handled once; ServiceNow report-only; the ticket-lifecycle handler called with the right event.
 */

const auth = { authorization: `Bearer ${TOKEN}` };
const SLUG: Record<Desk, string> = { zendesk: 'acme-zendesk', servicenow: 'acme-servicenow', jira: 'acme-jira' };
const SECRET: Record<Desk, string> = {
  zendesk: 'zendesk-webhook-signing-secret-0b7f3c',
  servicenow: 'servicenow-shared-secret-19d2e4a7c6',
  jira: 'jira-admin-webhook-secret-6e1a9d',
};
// Canaries: a Visa test card and the IBAN registry's German example, as customers type them.
const CARD = '4242 4242 4242 4242';
const IBAN = 'DE89 3704 0044 0532 0130 00';
const CANARIES = [CARD, CARD.replace(/ /g, ''), IBAN, IBAN.replace(/ /g, ''), '424242424242'];
const found = (haystack: string) => CANARIES.filter((c) => haystack.includes(c));

let t: TestApp;
let desks: StartedDeskStandIns;
const lifecycle: TicketLifecycleEvent[] = [];
const target = (desk: Desk, slug = SLUG[desk]): WebhookTarget => ({
  url: `${t.url}${DESK_EVENT_PATHS.receiver(desk, slug)}`,
  secret: SECRET[desk],
});
const ticketOf = (desk: Desk) => desks.state[desk].tickets[0]!;
/** Everything the receivers handed over is handled, every redaction run is over and every note is delivered. */
const settled = async () => {
  await t.graph.deskEvents.idle();
  await t.graph.notes.idle();
};
const setPolicy = async (desk: Desk, commentRedaction: string) => {
  const res = await api(t.url, 'PUT', `/api/v1/admin/tenants/${SLUG[desk]}/policy`, { methods: ['okta_push'], commentRedaction }, auth);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
};
const auditOf = async (type: string) =>
  (await t.db.selectFrom('audit_events').select(['type', 'data']).where('type', '=', type).execute()).map((r) => r.data);
const metricsText = async () => (await fetch(`${t.url}/metrics`, { headers: auth })).text();

beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp({
    config: { noteBackoffMs: 50 },
    deskEventHandlers: { onTicketLifecycle: (e) => Promise.resolve(void lifecycle.push(e)) },
  });
  for (const [desk, body] of Object.entries(desks.tenants()) as [Desk, unknown][]) {
    expect((await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth)).status).toBe(201);
    const idp = { kind: 'okta', orgUrl: 'http://localhost:4711', auth: { apiToken: '00okta-secret-api-token-4711' } };
    expect((await api(t.url, 'PUT', `/api/v1/admin/tenants/${SLUG[desk]}/idp/okta`, idp, auth)).status).toBe(204);
    const put = await api(t.url, 'PUT', DESK_EVENT_PATHS.adminWebhookSecret(SLUG[desk]), { secret: SECRET[desk] }, auth);
    expect(put.status, JSON.stringify(put.json)).toBe(204);
  }
});
afterAll(async () => {
  await t.close();
  await desks.close();
});

describe('the admin API for webhook secrets', () => {
  it('says whether one is set, never what it is, and audits the change without it', async () => {
    const view = await api(t.url, 'GET', DESK_EVENT_PATHS.adminWebhookSecret(SLUG.zendesk), undefined, auth);
    expect(view.json).toMatchObject({ isSet: true, updatedBy: 'api-token:integration' });
    expect(JSON.stringify(view.json)).not.toContain(SECRET.zendesk);
    expect((await api(t.url, 'GET', DESK_EVENT_PATHS.adminWebhookSecret('nobody-here'), undefined, auth)).status).toBe(404);
    expect((await api(t.url, 'PUT', DESK_EVENT_PATHS.adminWebhookSecret(SLUG.zendesk), { secret: 'short' }, auth)).status).toBe(422);
    const events = await auditOf('desk_events.webhook_secret_set');
    expect(events).toHaveLength(3);
    expect(JSON.stringify(events)).not.toMatch(/webhook-signing-secret|shared-secret|admin-webhook-secret/);
    // Stored as an envelope: the secret is not in the row.
    const rows = await t.db.selectFrom('desk_webhook_secrets').select(['ciphertext']).execute();
    expect(rows.map((r) => r.ciphertext.toString('latin1')).join('')).not.toContain(SECRET.zendesk);
  });
});

describe.each(['zendesk', 'jira', 'servicenow'] as const)('%s webhooks', (desk) => {
  it('accepts a good signature (202) and refuses a bad one (401), a stale one (401), a replay (nothing done)', async () => {
    const ticketId = ticketOf(desk).ticketId;
    const good = await desks.emitCommentWebhook(desk, target(desk), { ticketId, body: 'Thanks, that fixed it.' });
    expect(good.response.status).toBe(202);

    const forged = await desks.emitCommentWebhook(
      desk,
      { ...target(desk), secret: 'not-the-tenants-secret-at-all' },
      { ticketId, body: 'x' },
    );
    expect(forged.response.status).toBe(401);
    expect(((await forged.response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    const stale = await desks.emitCommentWebhook(desk, target(desk), { ticketId, body: 'late', at: new Date(Date.now() - 15 * 60_000) });
    expect(stale.response.status).toBe(401);

    const replay = await desks.webhooks.send(target(desk), good.delivery);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: 'duplicate' });

    // Signed with the right secret but not the documented payload: 400.
    const odd = desks.webhooks.sign(desk, { hello: 'world' }, SECRET[desk]);
    expect((await desks.webhooks.send(target(desk), odd)).status).toBe(400);

    const metrics = await metricsText();
    for (const outcome of ['accepted', 'bad_signature', 'stale', 'duplicate', 'malformed']) {
      expect(metrics).toContain(`vouchsafe_desk_events_total{desk="${desk}",outcome="${outcome}"} 1`);
    }
  });

  it('answers 404 for an unknown tenant and for a tenant of another desk, whatever the signature', async () => {
    const ticketId = ticketOf(desk).ticketId;
    const unknown = await desks.emitCommentWebhook(desk, target(desk, 'no-such-tenant'), { ticketId, body: 'x' });
    expect(unknown.response.status).toBe(404);
    const other: Desk = desk === 'zendesk' ? 'jira' : 'zendesk';
    // A delivery in this desk's format, signed with the other tenant's own secret, sent to the other tenant's slug.
    const foreign = await desks.emitCommentWebhook(
      desk,
      { url: target(desk, SLUG[other]).url, secret: SECRET[other] },
      { ticketId, body: 'x' },
    );
    expect(foreign.response.status).toBe(404);
  });
});

describe('a second tenant of the same desk', () => {
  it("cannot be spoken for with the first tenant's secret: the path's tenant must have signed (401)", async () => {
    const other = {
      ...desks.tenants().zendesk,
      slug: 'globex-zendesk',
      name: 'Globex',
      subdomain: 'globex',
      installationId: '360009999999',
    };
    expect((await api(t.url, 'POST', '/api/v1/admin/tenants', other, auth)).status).toBe(201);
    const secret = 'globex-zendesk-webhook-secret-77aa';
    expect((await api(t.url, 'PUT', DESK_EVENT_PATHS.adminWebhookSecret('globex-zendesk'), { secret }, auth)).status).toBe(204);
    const ticketId = ticketOf('zendesk').id;
    const globex = target('zendesk', 'globex-zendesk').url;
    const spoofed = await desks.emitCommentWebhook('zendesk', { url: globex, secret: SECRET.zendesk }, { ticketId, body: 'x' });
    expect(spoofed.response.status).toBe(401);
    const own = await desks.emitCommentWebhook('zendesk', { url: globex, secret }, { ticketId, body: 'hello' });
    expect(own.response.status).toBe(202);
  });
});

describe('redaction', () => {
  it('Zendesk, policy redact: the card and IBAN are redacted at the desk, one masked note, audit events; a retry changes nothing', async () => {
    await setPolicy('zendesk', 'redact');
    const ticket = ticketOf('zendesk');
    const body = `My card is ${CARD} and my IBAN ${IBAN}, please refund.`;
    const sent = await desks.emitCommentWebhook('zendesk', target('zendesk'), { ticketId: ticket.id, body });
    expect(sent.response.status).toBe(202);
    await settled();

    const stored = desks.state.comments('zendesk', ticket.id).find((c) => c.id === sent.comment.id)!;
    expect(found(stored.body)).toEqual([]);
    expect(stored.body).toMatch(/^My card is \u2587+ and my IBAN \u2587+, please refund\.$/);
    const notes = desks.state.notes('zendesk', ticket.id).filter((n) => n.body.includes('Secret in a comment'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(
      `Redacted a card number ending 4242 and an IBAN (DE) ending 3000 from public comment ${sent.comment.id}.`,
    );

    expect(await auditOf('comment.secret_found')).toEqual([
      expect.objectContaining({ desk: 'zendesk', ticketId: ticket.id, mode: 'redact' }),
    ]);
    expect(await auditOf('comment.redacted')).toEqual([expect.objectContaining({ outcome: 'redacted', commentId: sent.comment.id })]);

    // The desk retries (same delivery) and sends a second event for the same comment: noted and redacted once.
    expect((await desks.webhooks.send(target('zendesk'), sent.delivery)).status).toBe(200);
    const again = desks.webhooks.sign('zendesk', { ...JSON.parse(sent.delivery.body), id: 'ANOTHER-EVENT-ID' }, SECRET.zendesk);
    expect((await desks.webhooks.send(target('zendesk'), again)).status).toBe(202);
    await settled();
    expect(desks.state.notes('zendesk', ticket.id).filter((n) => n.body.includes('Secret in a comment'))).toHaveLength(1);
    expect(await auditOf('comment.redacted')).toHaveLength(1);
  });

  it('Zendesk: a redaction whose answer was lost is retried, finds nothing left and is noted once', async () => {
    const ticket = desks.state.zendesk.tickets[1]!;
    desks.dropResponses('zendesk', 1); // the redaction PUT lands, its answer is a 503
    const sent = await desks.emitCommentWebhook('zendesk', target('zendesk'), { ticketId: ticket.id, body: `card ${CARD}` });
    expect(sent.response.status).toBe(202);
    await settled();
    const scan = () => t.db.selectFrom('comment_scans').selectAll().where('comment_id', '=', sent.comment.id).executeTakeFirstOrThrow();
    expect((await scan()).status).toBe('pending');
    expect(found(desks.state.comments('zendesk', ticket.id).at(-1)!.body)).toEqual([]);
    await expect
      .poll(async () => {
        await t.graph.deskEvents.redactions.runDue();
        return (await scan()).status;
      })
      .toBe('already_clean');
    await t.graph.notes.idle();
    const notes = desks.state.notes('zendesk', ticket.id).filter((n) => n.body.includes('Secret in a comment'));
    expect(notes.map((n) => n.body.split('\n')[1])).toEqual([`Redacted a card number ending 4242 from public comment ${sent.comment.id}.`]);
  });

  it('Jira, policy report: the comment stays, the note says so; then redact: the comment is edited (ADF) to a masked placeholder', async () => {
    await setPolicy('jira', 'report');
    const ticket = ticketOf('jira');
    const reported = await desks.emitCommentWebhook('jira', target('jira'), { ticketId: ticket.id, body: `IBAN: ${IBAN}` });
    await settled();
    expect(desks.state.comments('jira', ticket.id).find((c) => c.id === reported.comment.id)!.body).toBe(`IBAN: ${IBAN}`);
    expect(desks.state.notes('jira', ticket.id).at(-1)!.body).toContain(
      `Found an IBAN (DE) ending 3000 in public comment ${reported.comment.id}. It is still there: the policy reports only.`,
    );

    await setPolicy('jira', 'redact_and_offer_upload');
    const redacted = await desks.emitCommentWebhook('jira', target('jira'), { ticketId: ticket.id, body: `card ${CARD} thanks` });
    await settled();
    expect(desks.state.comments('jira', ticket.id).find((c) => c.id === redacted.comment.id)!.body).toBe(
      'card [Redacted by Vouchsafe: •••• 4242] thanks',
    );
    const note = desks.state.notes('jira', ticket.id).at(-1)!.body;
    expect(note).toContain(`Redacted a card number ending 4242 from public comment ${redacted.comment.id}.`);
    expect(note).toContain('No upload link was offered: the document exchange is not available yet.');
  });

  it('ServiceNow: journal entries cannot be edited, so the secret is reported with a note saying to remove it by hand', async () => {
    await setPolicy('servicenow', 'redact');
    const ticket = ticketOf('servicenow');
    const sent = await desks.emitCommentWebhook('servicenow', target('servicenow'), { ticketId: ticket.ticketId, body: `my card ${CARD}` });
    expect(sent.response.status).toBe(202);
    await settled();
    expect(desks.state.comments('servicenow', ticket.id).find((c) => c.id === sent.comment.id)!.body).toContain(CARD);
    expect(desks.state.notes('servicenow', ticket.id).at(-1)!.body).toContain(
      'This desk does not let Vouchsafe edit comments: remove it by hand.',
    );
    expect(await auditOf('comment.redaction_failed')).toEqual([expect.objectContaining({ desk: 'servicenow', outcome: 'not_redactable' })]);
  });

  it('policy off: nothing is recorded', async () => {
    await setPolicy('zendesk', 'off');
    const before = (await auditOf('comment.secret_found')).length;
    await desks.emitCommentWebhook('zendesk', target('zendesk'), { ticketId: ticketOf('zendesk').id, body: `card ${CARD}` });
    await settled();
    expect(await auditOf('comment.secret_found')).toHaveLength(before);
  });
});

describe('ticket lifecycle', () => {
  it('hands each desk\'s "closed", "merged" and "deleted" events to the lifecycle handler', async () => {
    const zendesk = ticketOf('zendesk');
    lifecycle.length = 0;
    await desks.webhooks.emitLifecycleWebhook('zendesk', target('zendesk'), { ticketId: zendesk.id, kind: 'closed' });
    await desks.webhooks.emitLifecycleWebhook('zendesk', target('zendesk'), {
      ticketId: zendesk.id,
      kind: 'merged',
      survivingTicketId: '102',
    });
    await desks.webhooks.emitLifecycleWebhook('jira', target('jira'), { ticketId: ticketOf('jira').id, kind: 'deleted' });
    await desks.webhooks.emitLifecycleWebhook('servicenow', target('servicenow'), {
      ticketId: ticketOf('servicenow').ticketId,
      kind: 'closed',
    });
    await settled();
    const tenantIds = Object.fromEntries((await t.db.selectFrom('tenants').select(['id', 'slug']).execute()).map((r) => [r.slug, r.id]));
    expect(lifecycle).toEqual([
      expect.objectContaining({
        kind: 'ticket.closed',
        desk: 'zendesk',
        ticketId: zendesk.id,
        tenantId: tenantIds[SLUG.zendesk],
        source: 'webhook',
      }),
      expect.objectContaining({ kind: 'ticket.merged', desk: 'zendesk', ticketId: zendesk.id, survivingTicketId: '102' }),
      expect.objectContaining({ kind: 'ticket.deleted', desk: 'jira', ticketId: ticketOf('jira').id, tenantId: tenantIds[SLUG.jira] }),
      expect.objectContaining({ kind: 'ticket.closed', desk: 'servicenow', ticketId: ticketOf('servicenow').ticketId }),
    ]);
  });
});

describe('no full number anywhere', () => {
  it('logs, audit rows, notes, outbox rows and a pg_dump hold no canary (and the dump is a real one)', async () => {
    expect(found(t.logs.join('\n'))).toEqual([]);
    const audit = await t.db.selectFrom('audit_events').select(['data']).execute();
    expect(found(JSON.stringify(audit))).toEqual([]);
    const notes = (['zendesk', 'jira', 'servicenow'] as const).flatMap((d) =>
      desks.state[d].tickets.flatMap((x) => desks.state.notes(d, x.id)),
    );
    expect(notes.length).toBeGreaterThan(3);
    expect(found(notes.map((n) => n.body).join('\n'))).toEqual([]);
    const pgDump = await ensurePgDump();
    const { stdout: dump } = await promisify(execFile)(pgDump, ['--data-only', '--no-password', `--dbname=${t.database.url}`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 30_000,
    });
    expect(dump).toContain('comment.secret_found');
    expect(dump).toContain('"tail": "4242"');
    expect(found(dump)).toEqual([]);
  });
});
