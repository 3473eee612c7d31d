import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  customerReveal,
  eventually,
  notesOn,
  openSidebar,
  scrape,
  send,
  sidebar,
  startSidebarWorld,
  type SidebarWorld,
} from './sidebar-support';

/** Secrets sent from a ticket sidebar and the masked internal notes each step leaves on that ticket. */

const GONE = 'This secret does not exist or is no longer available: it expired, was already viewed, or was revoked.';
let w: SidebarWorld;

beforeAll(async () => {
  w = await startSidebarWorld();
});
afterAll(async () => {
  await w?.close();
});

const receiptOf = (body: string) => /^Receipt: ([0-9a-f-]{36})$/m.exec(body)?.[1];

describe('GET /api/v1/sidebar/secrets (polled every 5 s by an open sidebar)', () => {
  it('logs a successful poll at debug, not info (issue 16 item 13); a refused one stays at info', async () => {
    const a = await openSidebar(w, 'zendesk');
    const before = w.t.logs.length;
    expect((await sidebar(w, a, 'GET', '/secrets')).status).toBe(200);
    expect((await fetch(`${w.t.url}/api/v1/sidebar/secrets`)).status).toBe(401);
    const lines = await eventually(() => {
      const requests = w.t.logs
        .slice(before)
        .map((l) => JSON.parse(l) as { msg: string; level: string; method?: string; status?: number })
        .filter((l) => l.msg === 'request' && l.method === 'GET');
      expect(requests).toHaveLength(2);
      return requests;
    });
    expect(lines.map((l) => [l.status, l.level])).toEqual([
      [200, 'debug'],
      [401, 'info'],
    ]);
  });
});

describe('POST /api/v1/sidebar/secrets', () => {
  it('needs a session', async () => {
    const res = await fetch(`${w.t.url}/api/v1/sidebar/secrets`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('session_rejected');
  });

  it('creates a ticket-bound secret, answers with the tenant link base, and the "sent" note lands once', async () => {
    const a = await openSidebar(w, 'zendesk');
    const s = await send(w, a, { kind: 'text', text: 'hunter2' }, { views: 1, ttlSeconds: 3600 });
    expect(s.linkBase).toBe(`${w.t.url}/t/acme-zendesk`);
    expect(s.fingerprint).toBe(createHash('sha256').update(`vouchsafe:fingerprint:${s.id}`).digest('hex').slice(0, 8));
    const [body] = await eventually(() => {
      const notes = notesOn(w, a).filter((n) => n.includes(s.fingerprint));
      expect(notes).toHaveLength(1);
      return notes;
    });
    const lines = body!.split('\n');
    expect(lines[0]).toBe('Vouchsafe · Secret sent');
    expect(lines[1]).toBe(`Agent: ${w.desks.state.zendesk.agents[0]!.name}`);
    expect(lines[2]).toMatch(/^Time: \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(lines[3]).toMatch(
      new RegExp(`^Secret: fingerprint ${s.fingerprint} \\(text, 1 view, expires \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\)$`),
    );
    const receipt = receiptOf(body!);
    const event = await w.t.db.selectFrom('audit_events').selectAll().where('id', '=', receipt!).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ type: 'secret.created', secret_id: s.id });
    expect(event.data).toMatchObject({ desk: 'zendesk', ticketId: a.ticketId });

    // The desk stores the note before the outbox row is marked delivered: wait for the mark too.
    await eventually(async () => {
      const list = await sidebar(w, a, 'GET', '/secrets');
      expect(list.status).toBe(200);
      expect(list.json.secrets[0]).toMatchObject({
        id: s.id,
        fingerprint: s.fingerprint,
        kind: 'text',
        viewsTotal: 1,
        viewsUsed: 0,
        status: 'waiting',
        noteStatus: 'delivered',
      });
    });
  });

  it('keeps the vault size limit', async () => {
    const a = await openSidebar(w, 'zendesk');
    const big = 'x'.repeat(70 * 1024);
    await expect(send(w, a, { kind: 'text', text: big })).rejects.toThrow(/413/);
  });

  it('is one statement: when the outbox insert fails, no secret, binding or audit event is left', async () => {
    const a = await openSidebar(w, 'zendesk');
    const count = async () => {
      const { rows } = await sql<{ n: string }>`
        SELECT (SELECT count(*) FROM secrets) + (SELECT count(*) FROM ticket_secrets) + (SELECT count(*) FROM audit_events) AS n`.execute(
        w.t.db,
      );
      return Number(rows[0]!.n);
    };
    await sql`CREATE FUNCTION refuse_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox refused'; END $$`.execute(
      w.t.db,
    );
    await sql`CREATE TRIGGER refuse_note BEFORE INSERT ON note_outbox FOR EACH ROW EXECUTE FUNCTION refuse_note()`.execute(w.t.db);
    try {
      const before = await count();
      await expect(send(w, a)).rejects.toThrow(/500/);
      expect(await count()).toBe(before);
    } finally {
      await sql`DROP TRIGGER refuse_note ON note_outbox`.execute(w.t.db);
      await sql`DROP FUNCTION refuse_note()`.execute(w.t.db);
    }
  });
});

describe('notes for reveal, revoke and expiry', () => {
  it('a reveal adds exactly one "viewed" note, and a used-up reveal none', async () => {
    const a = await openSidebar(w, 'servicenow');
    const s = await send(w, a, undefined, { views: 2 });
    expect((await customerReveal(w, 'servicenow', s)).status).toBe(200);
    await eventually(() =>
      expect(notesOn(w, a).filter((n) => n.includes(`${s.fingerprint}`) && n.startsWith('Vouchsafe · Secret viewed 1 of 2'))).toHaveLength(
        1,
      ),
    );
    expect((await customerReveal(w, 'servicenow', s)).status).toBe(200);
    await eventually(() =>
      expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint) && n.startsWith('Vouchsafe · Secret viewed and purged'))).toHaveLength(
        1,
      ),
    );
    expect((await customerReveal(w, 'servicenow', s)).status).toBe(404);
    await w.notes.idle();
    await new Promise((r) => setTimeout(r, 100));
    expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint))).toHaveLength(3);
    const list = await sidebar(w, a, 'GET', '/secrets');
    expect(list.json.secrets.find((x: any) => x.id === s.id)).toMatchObject({ status: 'viewed', viewsUsed: 2, noteStatus: 'delivered' });
  });

  it('revoke by session adds one "revoked" note naming the agent', async () => {
    const a = await openSidebar(w, 'jira');
    const s = await send(w, a);
    expect((await sidebar(w, a, 'DELETE', `/secrets/${s.id}`)).status).toBe(204);
    await eventually(() =>
      expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint) && n.startsWith('Vouchsafe · Secret revoked'))).toHaveLength(1),
    );
    expect((await customerReveal(w, 'jira', s)).status).toBe(404);
    const again = await sidebar(w, a, 'DELETE', `/secrets/${s.id}`);
    expect(again.status).toBe(404);
    const list = await sidebar(w, a, 'GET', '/secrets');
    expect(list.json.secrets.find((x: any) => x.id === s.id)).toMatchObject({ status: 'revoked' });
    expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint))).toHaveLength(2);
  });

  it('expiry adds one "expired (purged unread)" note', async () => {
    const a = await openSidebar(w, 'zendesk', 1);
    const s = await send(w, a);
    await sql`UPDATE secrets SET expires_at = now() - interval '1 second' WHERE id = ${s.id}`.execute(w.t.db);
    await eventually(() =>
      expect(
        notesOn(w, a).filter((n) => n.includes(s.fingerprint) && n.startsWith('Vouchsafe · Secret expired (purged unread)')),
      ).toHaveLength(1),
    );
    await eventually(async () => {
      const list = await sidebar(w, a, 'GET', '/secrets');
      expect(list.json.secrets.find((x: any) => x.id === s.id)).toMatchObject({ status: 'expired', noteStatus: 'delivered' });
    });
    expect(await scrape(w)).toMatch(/vouchsafe_secrets_expired_total [1-9]/);
  });

  it("a session for one ticket cannot revoke or list another ticket's secret (404, same body as gone)", async () => {
    const a = await openSidebar(w, 'zendesk', 0);
    const b = await openSidebar(w, 'zendesk', 1);
    const other = await openSidebar(w, 'servicenow', 0);
    const s = await send(w, a);
    for (const who of [b, other]) {
      const res = await sidebar(w, who, 'DELETE', `/secrets/${s.id}`);
      expect(res.status).toBe(404);
      expect(res.json.error).toMatchObject({ code: 'secret_gone', message: GONE });
      expect((await sidebar(w, who, 'GET', '/secrets')).json.secrets.map((x: any) => x.id)).not.toContain(s.id);
    }
    const unknown = await sidebar(w, a, 'DELETE', '/secrets/AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(404);
    const { requestId: _a, ...unknownBody } = unknown.json.error;
    const { requestId: _b, ...foreignBody } = (await sidebar(w, b, 'DELETE', `/secrets/${s.id}`)).json.error;
    expect(foreignBody).toEqual(unknownBody);
    expect((await customerReveal(w, 'zendesk', s)).status).toBe(200);
  });

  it('a vault secret (no ticket) reveals without any note', async () => {
    const before = await w.t.db
      .selectFrom('note_outbox')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    const { createSecret, reveal } = await import('./harness');
    const c = await createSecret(w.t.url);
    expect((await reveal(w.t.url, c)).status).toBe(200);
    const after = await w.t.db
      .selectFrom('note_outbox')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe('S1: the secret and full identifiers never reach a note, the audit log or the logs', () => {
  it('canary content, label and passphrase stay out', async () => {
    const a = await openSidebar(w, 'zendesk', 2);
    const canary = `CANARY-${Math.random().toString(36).slice(2)}`;
    const email = 'canary.person@secret-bank.example';
    const account = '4000123412341234';
    const s = await send(w, a, { kind: 'text', text: canary }, { label: `for ${email} acct ${account}`, passphrase: `pass-${canary}` });
    expect((await customerReveal(w, 'zendesk', s)).json.error.code).toBe('passphrase_required');
    await eventually(() => expect(notesOn(w, a).filter((n) => n.includes(s.fingerprint))).toHaveLength(1));
    const note = notesOn(w, a).find((n) => n.includes(s.fingerprint))!;
    // Zendesk renders the body as Markdown: the masks' asterisks are escaped (they show as c***@s***.example).
    expect(note).toContain('Label: for c\\*\\*\\*@s\\*\\*\\*.example acct \\*\\*\\*1234');
    const everything = [
      ...notesOn(w, a),
      JSON.stringify(await w.t.db.selectFrom('audit_events').select('data').execute()),
      JSON.stringify(await w.t.db.selectFrom('note_outbox').select(['note', 'last_error']).execute()),
      JSON.stringify(await w.t.db.selectFrom('ticket_secrets').selectAll().execute()),
      w.t.logs.join(''),
    ].join('\n');
    for (const needle of [canary, email, account]) expect(everything).not.toContain(needle);
  });
});
