import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VerificationSchema, type Verification } from '@vouchsafe/contracts';
import { sql } from 'kysely';
import { api } from './harness';
import { eventually } from './sidebar-support';
import {
  OKTA,
  TWILIO,
  call,
  configureIdp,
  openAs,
  openEvents,
  scriptedIdp,
  setPolicy,
  startPeerApp,
  startVerifyWorld,
  type AgentSession,
  type ScriptedIdp,
  type VerifyWorld,
} from './verification-support';

let w: VerifyWorld;
let okta: ScriptedIdp;
let twilio: ScriptedIdp;
let ticket: string;
let jane: string;
let omar: string;

const basePolicy = {
  methods: ['okta_push', 'callback_sms'] as const,
  recentFactorHours: 0,
  attemptTimeoutSeconds: 60,
  pushLimit: { count: 20, windowSeconds: 60, cooldownSeconds: 60 },
};

beforeAll(async () => {
  okta = scriptedIdp('okta');
  twilio = scriptedIdp('twilio');
  w = await startVerifyWorld({ idps: [okta, twilio] });
  ticket = w.desks.state.zendesk.tickets[0]!.ticketId;
  jane = w.desks.state.zendesk.agents[0]!.id;
  omar = w.desks.state.zendesk.agents[1]!.id;
  await configureIdp(w, 'zendesk', OKTA);
  await configureIdp(w, 'zendesk', TWILIO);
  await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [omar] });
});
afterAll(() => w?.close());
afterEach(() => {
  okta.answer = { state: 'waiting' };
});

const notesOf = (ticketId: string) => w.desks.state.notes('zendesk', ticketId).map((c) => c.body);

async function startPush(a: AgentSession): Promise<Verification> {
  const res = await call(w.t.url, a, 'POST', '/verifications', { method: 'okta_push' });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return VerificationSchema.parse(res.json);
}

async function settle(a: AgentSession, id: string, state: string): Promise<Verification> {
  return eventually(async () => {
    const res = await call(w.t.url, a, 'GET', '/verifications');
    expect(res.json.current?.id).toBe(id);
    expect(res.json.current.state).toBe(state);
    return res.json.current as Verification;
  });
}

async function auditTypes(id: string): Promise<string[]> {
  const { rows } = await sql<{ type: string }>`SELECT type FROM audit_events WHERE data->>'verificationId' = ${id} ORDER BY seq`.execute(
    w.t.db,
  );
  return rows.map((r) => r.type);
}

describe('push lifecycle (scripted Okta behind the real provider factory)', () => {
  it('approve: waiting with the number to read, then verified for this agent only, with notes and audit', async () => {
    const a = await openAs(w, ticket, 0);
    const started = await startPush(a);
    expect(started.state).toBe('waiting');
    expect(started.binding).toEqual({ kind: 'number_challenge', number: '73' });
    expect(started.idpRef).toBe('v2mst000…');
    expect(started.expiresAt).toBeTruthy();
    okta.answer = { state: 'verified' };
    const done = await settle(a, started.id, 'verified');
    expect(done.validUntil).toBeTruthy();
    expect(Date.parse(done.validUntil!) - Date.now()).toBeGreaterThan(800_000);
    expect(done.receipt).toMatch(/^[0-9a-f-]{36}$/);
    // Another agent on the same ticket sees no verification of their own.
    const other = await call(w.t.url, await openAs(w, ticket, 1), 'GET', '/verifications');
    expect(other.json.current).toBeNull();
    expect(await auditTypes(started.id)).toEqual(['verification.started', 'verification.succeeded']);
    await eventually(() => expect(notesOf(ticket).filter((n) => n.includes('Caller verification'))).toHaveLength(2));
    const passed = notesOf(ticket).find((n) => n.includes('PASSED'))!;
    expect(passed).toContain('Okta Verify push (number challenge)');
    expect(passed).toContain('Agent: Jane Doe');
    expect(passed).toContain(`Receipt: ${done.receipt}`);
    expect(passed).toContain('IdP transaction: v2mst000…');
    expect(passed).not.toMatch(/customer\.test|\b73\b|QwErTy/);
  });

  it('Okta REJECTED: denied with what Okta reported (denial or wrong number, Okta does not say), flagged, 2 short notes', async () => {
    const t2 = w.desks.state.addTicket('zendesk', { requester: { name: 'Dana Deny', email: 'dana.deny@customer.test' } }).ticketId;
    const a = await openAs(w, t2, 0);
    const started = await startPush(a);
    okta.answer = { state: 'denied', detail: 'rejected_unspecified' };
    const done = await settle(a, started.id, 'denied');
    expect(done.isFraudSuspected).toBe(true);
    expect(done.outcomeDetail).toBe('rejected_unspecified');
    expect(done.reason).toMatch(
      /^Okta reported the push as rejected; Okta does not say whether the customer denied it or chose a wrong number/,
    );
    await eventually(() => expect(notesOf(t2)).toHaveLength(2));
    const denied = notesOf(t2).find((n) => n.includes('DENIED'))!;
    expect(denied).toContain(
      '⚠ Possible fraud: Okta reported the push as rejected; Okta does not say whether the customer denied it or chose a wrong number.',
    );
    expect(denied).not.toContain('FRAUD REPORTED');
    // Issue 16 item 4: one attempt = a 3-line start note + one outcome note of at most 5 lines (was 8 + 9).
    expect(notesOf(t2).map((n) => n.split('\n').length)).toEqual([3, expect.any(Number)]);
    expect(denied.split('\n').length).toBeLessThanOrEqual(5);
    expect(await auditTypes(started.id)).toEqual(['verification.started', 'verification.denied']);
    const { rows } = await sql<{ data: Record<string, unknown> }>`
      SELECT data FROM audit_events WHERE data->>'verificationId' = ${started.id} AND type = 'verification.denied'`.execute(w.t.db);
    expect(rows[0]!.data).toMatchObject({ outcomeDetail: 'rejected_unspecified', isFraudSuspected: true });
  });

  it('the fraud flag stays through later attempts until a supervisor (not the agent who raised it) acknowledges it', async () => {
    const t9 = w.desks.state.addTicket('zendesk', { requester: { name: 'Fred Flag', email: 'fred.flag@customer.test' } }).ticketId;
    const janeS = await openAs(w, t9, 0);
    const omarS = await openAs(w, t9, 1);
    const first = await startPush(janeS);
    okta.answer = { state: 'denied', detail: 'rejected_unspecified' };
    await settle(janeS, first.id, 'denied');
    okta.answer = { state: 'waiting' };
    // A later attempt started and ended, another that passes: the flag is still there, for every agent on the ticket.
    const second = await startPush(janeS);
    expect((await call(w.t.url, janeS, 'POST', `/verifications/${second.id}/cancel`)).status).toBe(200);
    const third = await startPush(janeS);
    okta.answer = { state: 'verified' };
    await settle(janeS, third.id, 'verified');
    for (const s of [janeS, omarS]) {
      const overview = await call(w.t.url, s, 'GET', '/verifications');
      expect(overview.json.fraudFlag).toMatchObject({
        kind: 'possible_fraud',
        detail: 'rejected_unspecified',
        method: 'okta_push',
        openCount: 1,
      });
    }
    const ack = '/verifications/fraud-flag/acknowledge';
    const reason = { reason: 'Called the customer back on the number on record' };
    // Jane is no supervisor; as one she still may not clear a flag her own attempt raised; a reason is required.
    expect((await call(w.t.url, janeS, 'POST', ack, reason)).status).toBe(403);
    await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [jane, omar] });
    // The overview tells each supervisor whether the flag is theirs to acknowledge, so the sidebar offers no form the API refuses.
    expect((await call(w.t.url, janeS, 'GET', '/verifications')).json.fraudFlag).toMatchObject({ raisedOnOwnAttempt: true });
    expect((await call(w.t.url, omarS, 'GET', '/verifications')).json.fraudFlag).not.toHaveProperty('raisedOnOwnAttempt');
    expect((await call(w.t.url, janeS, 'POST', ack, reason)).status).toBe(403);
    expect((await call(w.t.url, omarS, 'POST', ack, { reason: 'ok' })).status).toBe(422);
    const done = await call(w.t.url, omarS, 'POST', ack, reason);
    expect(done.status).toBe(200);
    expect(done.json.fraudFlag).toBeNull();
    expect((await call(w.t.url, janeS, 'GET', '/verifications')).json.fraudFlag).toBeNull();
    expect((await call(w.t.url, omarS, 'POST', ack, reason)).status).toBe(409);
    const { rows } = await sql<{ data: Record<string, unknown> }>`
      SELECT data FROM audit_events WHERE type = 'verification.fraud_flag_acknowledged' AND data->>'ticketId' = ${t9}`.execute(w.t.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({ verificationId: first.id, approverId: omar, flagCount: 1, acknowledgeReason: reason.reason });
    await eventually(() => {
      const note = notesOf(t9).find((n) => n.includes('Fraud flag ACKNOWLEDGED'));
      expect(note).toContain('Acknowledged by: Omar Haddad · Reason: Called the customer back on the number on record');
    });
    await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [omar] });
  });

  it('times IdP and desk calls with their outcome (the IdP answer, ok or the error kind), with no ids in labels', async () => {
    const t3 = w.desks.state.addTicket('zendesk', { requester: { name: 'Tim Timed', email: 'tim.timed@customer.test' } }).ticketId;
    const a = await openAs(w, t3, 0);
    const started = await startPush(a);
    okta.answer = { state: 'denied', detail: 'rejected_unspecified' };
    await settle(a, started.id, 'denied');
    await eventually(() => expect(notesOf(t3)).toHaveLength(2));
    const idp = await w.metrics.registry.getSingleMetricAsString('vouchsafe_idp_call_duration_seconds');
    expect(idp).toMatch(/vouchsafe_idp_call_duration_seconds_count\{idp="okta",operation="start",outcome="ok"\} [1-9]/);
    expect(idp).toMatch(/vouchsafe_idp_call_duration_seconds_count\{idp="okta",operation="poll",outcome="denied"\} [1-9]/);
    const desk = await w.metrics.registry.getSingleMetricAsString('vouchsafe_desk_call_duration_seconds');
    expect(desk).toMatch(/vouchsafe_desk_call_duration_seconds_count\{desk="zendesk",operation="read ticket",outcome="ok"\} [1-9]/);
    expect(desk).toMatch(/vouchsafe_desk_call_duration_seconds_count\{desk="zendesk",operation="add internal note",outcome="ok"\} [1-9]/);
    // The label sets only: a short numeric ticket id can also appear inside a sample's value (e.g. 0.106…).
    for (const text of [idp, desk]) {
      const labels = (text.match(/\{[^}]*\}/g) ?? []).join('\n');
      expect(labels).toContain('outcome=');
      expect(labels).not.toMatch(new RegExp(`(?<![\\d.])${t3}(?![\\d.])|${started.id}|customer\\.test`));
    }
  });

  it('IdP timeout → timed_out; unknown IdP state → failed; expiry → timed_out and the push is cancelled', async () => {
    const t3 = w.desks.state.addTicket('zendesk', { requester: { name: 'Tim Out', email: 'tim.out@customer.test' } }).ticketId;
    const a = await openAs(w, t3, 0);
    let v = await startPush(a);
    okta.answer = { state: 'timed_out' };
    await settle(a, v.id, 'timed_out');

    okta.answer = { state: 'MFA_WEIRD' } as never;
    v = await startPush(a);
    const failed = await settle(a, v.id, 'failed');
    expect(failed.reason).toMatch(/does not accept/);

    okta.answer = { state: 'waiting' };
    v = await startPush(a);
    await sql`UPDATE verifications SET expires_at = now() - interval '1 second' WHERE id = ${v.id}`.execute(w.t.db);
    const expired = await settle(a, v.id, 'timed_out');
    expect(expired.reason).toMatch(/did not answer/);
    await eventually(() => expect(okta.cancels.length).toBeGreaterThan(0));
    expect(await auditTypes(v.id)).toEqual(['verification.started', 'verification.timed_out']);
  });

  it('cancel by the agent: cancelled, IdP cancelled, and only the agent who started it may cancel', async () => {
    const t4 = w.desks.state.addTicket('zendesk', { requester: { name: 'Cay Cancel', email: 'cay@customer.test' } }).ticketId;
    const a = await openAs(w, t4, 0);
    const v = await startPush(a);
    const other = await openAs(w, t4, 1);
    expect((await call(w.t.url, other, 'POST', `/verifications/${v.id}/cancel`)).status).toBe(403);
    const before = okta.cancels.length;
    // `{}` is what the sidebar client sends when the agent gives no reason.
    const res = await call(w.t.url, a, 'POST', `/verifications/${v.id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(res.json.state).toBe('cancelled');
    expect(okta.cancels.length).toBe(before + 1);
    expect((await call(w.t.url, a, 'POST', `/verifications/${v.id}/cancel`)).status).toBe(409);
    await eventually(() => expect(notesOf(t4).find((n) => n.includes('ended early'))).toContain('Not proven. Why: no reason given.'));
  });

  it('ending early with a reason: recorded in the view, the audit event and the note; the push is withdrawn after commit', async () => {
    const t8 = w.desks.state.addTicket('zendesk', { requester: { name: 'Ed Early', email: 'ed.early@customer.test' } }).ticketId;
    const a = await openAs(w, t8, 0);
    const v = await startPush(a);
    expect((await call(w.t.url, a, 'POST', `/verifications/${v.id}/cancel`, { reason: 'hung_up' })).status).toBe(422);
    const before = okta.cancels.length;
    const res = await call(w.t.url, a, 'POST', `/verifications/${v.id}/cancel`, { reason: 'different_person' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ state: 'cancelled', endReason: 'different_person' });
    expect(res.json.reason).toBe('Ended by the agent: a different person came on the line.');
    expect(okta.cancels.length).toBe(before + 1);
    const { rows } = await sql<{ data: Record<string, unknown> }>`
      SELECT data FROM audit_events WHERE data->>'verificationId' = ${v.id} AND type = 'verification.cancelled'`.execute(w.t.db);
    expect(rows[0]!.data).toMatchObject({ endReason: 'different_person', actorId: jane });
    await eventually(() =>
      expect(notesOf(t8).find((n) => n.includes('ended early'))).toContain('Not proven. Why: A different person came on the line.'),
    );
  });
});

describe('nothing but the IdP sets verified', () => {
  it('no route writes a state: PATCH/PUT/POST variants answer 404, extra fields 422', async () => {
    const t5 = w.desks.state.addTicket('zendesk', { requester: { name: 'Nora None', email: 'nora@customer.test' } }).ticketId;
    const a = await openAs(w, t5, 0);
    const v = await startPush(a);
    const attempts: [string, string, unknown][] = [
      ['PATCH', `/verifications/${v.id}`, { state: 'verified' }],
      ['PUT', `/verifications/${v.id}`, { state: 'verified' }],
      ['POST', `/verifications/${v.id}`, { state: 'verified' }],
      ['POST', `/verifications/${v.id}/verify`, {}],
      ['POST', `/verifications/${v.id}/verified`, {}],
      ['POST', `/verifications/${v.id}/complete`, { state: 'verified' }],
      ['POST', `/verifications/${v.id}/state`, { state: 'verified' }],
      ['PUT', `/verifications/${v.id}/state`, { state: 'verified' }],
      ['PATCH', '/verifications', { state: 'verified' }],
      ['PUT', '/verifications', { state: 'verified' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(w.t.url, a, method, path, body);
      expect([404, 405], `${method} ${path}`).toContain(res.status);
    }
    expect((await call(w.t.url, a, 'POST', '/verifications', { method: 'okta_push', state: 'verified' })).status).toBe(422);
    // A link callback naming a push verification does nothing either.
    const cb = await fetch(`${w.t.url}/verify/callback/oidc?state=${v.id}.x&code=abc`);
    expect(cb.status).toBe(400);
    expect(cb.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(cb.headers.get('cache-control')).toBe('no-store');
    const res = await call(w.t.url, a, 'GET', '/verifications');
    expect(res.json.current.state).toBe('waiting');
    await call(w.t.url, a, 'POST', `/verifications/${v.id}/cancel`);
  });

  it('one open verification per agent and ticket, decided by the database: racing starts give one push', async () => {
    const t = w.desks.state.addTicket('zendesk', { requester: { name: 'Rae Race', email: 'rae.race@customer.test' } }).ticketId;
    const a = await openAs(w, t, 0);
    const starts = okta.starts;
    const results = await Promise.all(Array.from({ length: 8 }, () => call(w.t.url, a, 'POST', '/verifications', { method: 'okta_push' })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(okta.starts - starts).toBe(1);
    const open = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM verifications WHERE ticket_id = ${t} AND state IN ('started', 'waiting')`.execute(w.t.db);
    expect(open.rows[0]!.n).toBe(1);
    const created = results.find((r) => r.status === 201)!;
    await call(w.t.url, a, 'POST', `/verifications/${created.json.id}/cancel`);
    // Another agent on the same ticket is not blocked by it.
    expect((await call(w.t.url, await openAs(w, t, 1), 'POST', '/verifications', { method: 'okta_push' })).status).toBe(201);
  });

  it('a verification of another ticket answers 404', async () => {
    const a = await openAs(w, ticket, 0);
    const t6 = w.desks.state.addTicket('zendesk', { requester: { name: 'Ola Other', email: 'ola@customer.test' } }).ticketId;
    const b = await openAs(w, t6, 0);
    const v = await startPush(b);
    expect((await call(w.t.url, a, 'POST', `/verifications/${v.id}/cancel`)).status).toBe(404);
    expect((await call(w.t.url, a, 'POST', `/verifications/${v.id}/override`, { reason: 'caller lost their phone today' })).status).toBe(
      404,
    );
    await call(w.t.url, b, 'POST', `/verifications/${v.id}/cancel`);
  });
});

describe('supervisor override', () => {
  it('needs a second person who is a supervisor; overridden is not verified; the note names both', async () => {
    const t7 = w.desks.state.addTicket('zendesk', { requester: { name: 'Vic Override', email: 'vic@customer.test' } }).ticketId;
    const janeS = await openAs(w, t7, 0);
    const omarS = await openAs(w, t7, 1);
    const v = await startPush(janeS);
    okta.answer = { state: 'timed_out' };
    await settle(janeS, v.id, 'timed_out');
    // Only the agent who ran it may ask; a reason is required.
    expect((await call(w.t.url, omarS, 'POST', `/verifications/${v.id}/override`, { reason: 'lost phone, known voice' })).status).toBe(403);
    expect((await call(w.t.url, janeS, 'POST', `/verifications/${v.id}/override`, { reason: 'short' })).status).toBe(422);
    const asked = await call(w.t.url, janeS, 'POST', `/verifications/${v.id}/override`, {
      reason: 'Caller lost their phone; voice known to me',
    });
    expect(asked.status).toBe(200);
    expect(asked.json.override).toMatchObject({ state: 'requested', requestedBy: 'Jane Doe', approvedBy: null });
    expect(
      (await call(w.t.url, janeS, 'POST', `/verifications/${v.id}/override`, { reason: 'Caller lost their phone; again' })).status,
    ).toBe(409);
    // Jane is not a supervisor: 403. With Jane as a supervisor, still 403 (her own request), and the DB refuses it too.
    expect((await call(w.t.url, janeS, 'POST', `/verifications/${v.id}/override/approve`)).status).toBe(403);
    await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [jane, omar] });
    expect((await call(w.t.url, janeS, 'POST', `/verifications/${v.id}/override/approve`)).status).toBe(403);
    await expect(
      sql`UPDATE verification_overrides SET approved_by_id = ${jane} WHERE verification_id = ${v.id}`.execute(w.t.db),
    ).rejects.toThrow(/verification_overrides_two_people/);
    // Omar sees the pending request in his overview and approves from his own session.
    const overview = await call(w.t.url, omarS, 'GET', '/verifications');
    expect(overview.json.isSupervisor).toBe(true);
    expect(overview.json.pendingOverrides.map((p: Verification) => p.id)).toContain(v.id);
    const approved = await call(w.t.url, omarS, 'POST', `/verifications/${v.id}/override/approve`);
    expect(approved.status).toBe(200);
    expect(approved.json.state).toBe('overridden');
    expect(approved.json.state).not.toBe('verified');
    expect(approved.json.override).toMatchObject({ state: 'approved', requestedBy: 'Jane Doe', approvedBy: 'Omar Haddad' });
    expect((await call(w.t.url, omarS, 'POST', `/verifications/${v.id}/override/approve`)).status).toBe(409);
    expect(await auditTypes(v.id)).toEqual([
      'verification.started',
      'verification.timed_out',
      'verification.override_requested',
      'verification.override_approved',
    ]);
    await eventually(() => {
      const note = notesOf(t7).find((n) => n.includes('SUPERVISOR OVERRIDE'));
      expect(note).toContain('NOT verified');
      expect(note).toContain('Requested by: Jane Doe');
      expect(note).toContain('Approved by: Omar Haddad');
      expect(note).toContain('Override reason: Caller lost their phone; voice known to me');
    });
    await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [omar] });
  });
});

describe('supervisor decline and queue (issue 16)', () => {
  it('a supervisor declines with a reason (audited, noted, seen by the agent); the queue lists pending requests across tickets to supervisors only', async () => {
    const t8 = w.desks.state.addTicket('zendesk', { requester: { name: 'Dee Decline', email: 'dee@customer.test' } }).ticketId;
    const t9 = w.desks.state.addTicket('zendesk', { requester: { name: 'Quin Queue', email: 'quin@customer.test' } }).ticketId;
    const [jane8, jane9, omar8, omar9] = await Promise.all([openAs(w, t8, 0), openAs(w, t9, 0), openAs(w, t8, 1), openAs(w, t9, 1)]);
    const denied = await startPush(jane8);
    okta.answer = { state: 'denied' };
    await settle(jane8, denied.id, 'denied');
    okta.answer = { state: 'timed_out' };
    const timedOut = await startPush(jane9);
    await settle(jane9, timedOut.id, 'timed_out');
    for (const [a, v] of [
      [jane8, denied],
      [jane9, timedOut],
    ] as const) {
      expect(
        (await call(w.t.url, a, 'POST', `/verifications/${v.id}/override`, { reason: 'Caller lost their phone; voice known' })).status,
      ).toBe(200);
    }
    // The queue: supervisors only, every ticket of the tenant, with what a confirmation shows (fraud flag, reason).
    expect((await call(w.t.url, jane8, 'GET', '/overrides')).status).toBe(403);
    const queue = await call(w.t.url, omar8, 'GET', '/overrides');
    expect(queue.status).toBe(200);
    const mine = queue.json.overrides.filter((o: { id: string }) => o.id === denied.id || o.id === timedOut.id);
    expect(mine).toEqual([
      expect.objectContaining({ id: timedOut.id, ticketId: t9, state: 'timed_out', isFraudSuspected: false }),
      expect.objectContaining({
        id: denied.id,
        ticketId: t8,
        state: 'denied',
        isFraudSuspected: true,
        agentLabel: 'Jane Doe',
        override: expect.objectContaining({ state: 'requested', reason: 'Caller lost their phone; voice known' }),
      }),
    ]);
    // Deciding happens on the request's own ticket: another ticket's (or an unknown) id answers 404.
    expect(
      (await call(w.t.url, omar8, 'POST', `/verifications/${timedOut.id}/override/decline`, { reason: 'not on this call' })).status,
    ).toBe(404);
    expect(
      (await call(w.t.url, omar8, 'POST', '/verifications/00000000-0000-4000-8000-000000000000/override/decline', { reason: 'unknown id' }))
        .status,
    ).toBe(404);
    expect((await call(w.t.url, omar8, 'POST', `/verifications/${denied.id}/override/decline`, { reason: 'no' })).status).toBe(422);
    expect((await call(w.t.url, jane8, 'POST', `/verifications/${denied.id}/override/decline`, { reason: 'my own request' })).status).toBe(
      403,
    );
    const declined = await call(w.t.url, omar8, 'POST', `/verifications/${denied.id}/override/decline`, {
      reason: 'Possible fraud: the customer denied the push',
    });
    expect(declined.status).toBe(200);
    expect(declined.json).toMatchObject({
      state: 'denied',
      override: {
        state: 'declined',
        declinedBy: 'Omar Haddad',
        declineReason: 'Possible fraud: the customer denied the push',
        approvedBy: null,
      },
    });
    // The requesting agent sees it; it can be neither approved nor declined again; it leaves the queue.
    expect((await call(w.t.url, jane8, 'GET', '/verifications')).json.current.override).toMatchObject({
      state: 'declined',
      declinedBy: 'Omar Haddad',
    });
    expect((await call(w.t.url, omar8, 'POST', `/verifications/${denied.id}/override/approve`)).status).toBe(409);
    expect((await call(w.t.url, omar8, 'POST', `/verifications/${denied.id}/override/decline`, { reason: 'declined twice' })).status).toBe(
      409,
    );
    await expect(
      sql`UPDATE verification_overrides SET approved_by_id = ${omar} WHERE verification_id = ${denied.id}`.execute(w.t.db),
    ).rejects.toThrow(/verification_overrides_decided_once/);
    const after = await call(w.t.url, omar9, 'GET', '/overrides');
    expect(after.json.overrides.map((o: { id: string }) => o.id)).toContain(timedOut.id);
    expect(after.json.overrides.map((o: { id: string }) => o.id)).not.toContain(denied.id);
    expect((await call(w.t.url, omar8, 'GET', '/verifications')).json.pendingOverrides).toEqual([]);
    expect(await auditTypes(denied.id)).toEqual([
      'verification.started',
      'verification.denied',
      'verification.override_requested',
      'verification.override_declined',
    ]);
    await eventually(() => {
      const note = notesOf(t8).find((n) => n.includes('DECLINED'));
      expect(note).toContain('NOT verified');
      expect(note).toContain('Declined by: Omar Haddad');
      expect(note).toContain('Decline reason: Possible fraud: the customer denied the push');
    });
    expect((await call(w.t.url, omar9, 'POST', `/verifications/${timedOut.id}/override/approve`)).json.state).toBe('overridden');
  });
});

describe('push limit per customer', () => {
  it('counts across agents and tickets of the same requester and refuses with a sentence and retryAfterSeconds', async () => {
    const person = w.desks.state.addTicket('zendesk', { requester: { name: 'Pat Push', email: 'pat.push@customer.test' } });
    const second = w.desks.state.addTicket('zendesk', { requester: person.requesterId });
    await setPolicy(w, 'zendesk', {
      ...basePolicy,
      methods: [...basePolicy.methods],
      supervisors: [omar],
      pushLimit: { count: 2, windowSeconds: 600, cooldownSeconds: 900 },
    });
    try {
      const janeOnFirst = await openAs(w, person.ticketId, 0);
      const omarOnSecond = await openAs(w, second.ticketId, 1);
      const v1 = await startPush(janeOnFirst);
      await call(w.t.url, janeOnFirst, 'POST', `/verifications/${v1.id}/cancel`);
      const v2 = await startPush(omarOnSecond);
      await call(w.t.url, omarOnSecond, 'POST', `/verifications/${v2.id}/cancel`);
      const refused = await call(w.t.url, janeOnFirst, 'POST', '/verifications', { method: 'okta_push' });
      expect(refused.status).toBe(429);
      expect(refused.json.error.code).toBe('rate_limited');
      expect(refused.json.error.retryAfterSeconds).toBeGreaterThan(800);
      expect(refused.json.error.message).toMatch(/This customer has had 2 pushes in 10 minutes; try again in \d+ minutes/);
      // Audited (possible push bombing; the SIEM forwards it as high), naming the ticket and agent, never the customer.
      const { rows } = await sql<{ data: Record<string, unknown> }>`
        SELECT data FROM audit_events WHERE type = 'verification.rate_limited' AND data->>'ticketId' = ${person.ticketId}`.execute(w.t.db);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.data).toMatchObject({ purpose: 'caller', method: 'okta_push', outcome: 'rate_limited', agent: 'Jane Doe' });
      expect(rows[0]!.data.retryAfterSeconds).toBeGreaterThan(800);
      expect(JSON.stringify(rows[0]!.data)).not.toMatch(/pat|customer\.test/i);
      const overview = await call(w.t.url, omarOnSecond, 'GET', '/verifications');
      expect(overview.json.methods.find((m: { method: string }) => m.method === 'okta_push').isAvailable).toBe(false);
    } finally {
      await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [omar] });
    }
  });

  it('is race-safe: agents pressing at once on several tickets of one customer get exactly count pushes', async () => {
    const person = w.desks.state.addTicket('zendesk', { requester: { name: 'Ray Race', email: 'ray.race@customer.test' } });
    const tickets = [person, ...Array.from({ length: 4 }, () => w.desks.state.addTicket('zendesk', { requester: person.requesterId }))];
    await setPolicy(w, 'zendesk', {
      ...basePolicy,
      methods: [...basePolicy.methods],
      supervisors: [omar],
      pushLimit: { count: 2, windowSeconds: 600, cooldownSeconds: 900 },
    });
    try {
      const sessions = await Promise.all(tickets.map((t, i) => openAs(w, t.ticketId, i % 2)));
      const before = okta.starts;
      const answers = await Promise.all(sessions.map((s) => call(w.t.url, s, 'POST', '/verifications', { method: 'okta_push' })));
      expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 429, 429, 429]);
      expect(okta.starts - before).toBe(2);
      for (const [i, r] of answers.entries())
        if (r.status === 201) await call(w.t.url, sessions[i]!, 'POST', `/verifications/${r.json.id}/cancel`);
    } finally {
      await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [omar] });
    }
  });
});

describe('callback code', () => {
  it('wrong codes are counted and end in failed after callbackMaxCodeAttempts; the right one verifies', async () => {
    const t8 = w.desks.state.addTicket('zendesk', {
      requester: { name: 'Cal Back', email: 'cal@customer.test', phone: '+1 555 0199 555' },
    }).ticketId;
    const a = await openAs(w, t8, 0);
    let res = await call(w.t.url, a, 'POST', '/verifications', { method: 'callback_sms' });
    expect(res.status).toBe(201);
    expect(res.json.binding).toMatchObject({ kind: 'callback_code', channel: 'sms' });
    const id = res.json.id as string;
    res = await call(w.t.url, a, 'POST', `/verifications/${id}/code`, { code: '111111' });
    expect(res.json).toMatchObject({ state: 'waiting', binding: { attemptsLeft: 2 } });
    // Two wrong codes at once: both counted, the verification fails exactly once.
    const both = await Promise.all([
      call(w.t.url, a, 'POST', `/verifications/${id}/code`, { code: '222222' }),
      call(w.t.url, a, 'POST', `/verifications/${id}/code`, { code: '333333' }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 200]);
    const final = await call(w.t.url, a, 'GET', '/verifications');
    expect(final.json.current).toMatchObject({ state: 'failed', reason: 'Too many wrong codes (3).' });
    expect((await call(w.t.url, a, 'POST', `/verifications/${id}/code`, { code: twilio.goodCode })).status).toBe(409);
    expect(await auditTypes(id)).toEqual(['verification.started', 'verification.failed']);

    res = await call(w.t.url, a, 'POST', '/verifications', { method: 'callback_sms' });
    expect(res.status).toBe(201);
    res = await call(w.t.url, a, 'POST', `/verifications/${res.json.id}/code`, { code: twilio.goodCode });
    expect(res.json.state).toBe('verified');
    await eventually(() => expect(notesOf(t8).some((n) => n.includes('PASSED') && n.includes('callback code'))).toBe(true));
    expect(notesOf(t8).join('\n')).not.toMatch(/424242|555 0199|cal@customer/);
  });
});

describe('callback number on record (S11): the IdP profile, a desk number only when policy allows and it is old', () => {
  const DAY = 24 * 3600 * 1000;
  afterEach(async () => {
    okta.profilePhone = undefined;
    await setPolicy(w, 'zendesk', { ...basePolicy, methods: [...basePolicy.methods], supervisors: [omar] });
  });

  const newTicket = (name: string, phone: string, phoneSetAt = new Date(Date.now() - 400 * DAY), isPhoneAudited?: boolean) =>
    w.desks.state.addTicket('zendesk', {
      requester: {
        name,
        email: `${name.toLowerCase().replace(/\s+/g, '.')}@customer.test`,
        phone,
        phoneSetAt,
        ...(isPhoneAudited === undefined ? {} : { isPhoneAudited }),
      },
    });
  const smsOption = async (a: AgentSession) =>
    (await call(w.t.url, a, 'GET', '/verifications')).json.methods.find((m: { method: string }) => m.method === 'callback_sms');
  const auditSource = async (id: string) =>
    (
      await sql<{
        source: string | null;
      }>`SELECT data->>'contactSource' AS source FROM audit_events WHERE data->>'verificationId' = ${id} AND type = 'verification.started'`.execute(
        w.t.db,
      )
    ).rows[0]?.source;

  it('sends the code to the number in the IdP profile, never to the desk number an agent just edited', async () => {
    const t = newTicket('Ida Profile', '+1 555 0101 201');
    okta.profilePhone = '+15550101999';
    // An attacker with agent rights points the desk profile at their own phone, just now.
    w.desks.state.setPhone('zendesk', t.requesterId, '+1 555 0666 666');
    const a = await openAs(w, t.ticketId, 0);
    const res = await call(w.t.url, a, 'POST', '/verifications', { method: 'callback_sms' });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(twilio.startedFor.at(-1)?.phone).toBe('+15550101999');
    expect(res.json.binding).toMatchObject({ kind: 'callback_code', source: 'idp' });
    expect(await auditSource(res.json.id)).toBe('idp');
    await eventually(() =>
      expect(notesOf(t.ticketId).some((n) => n.includes("Code sent to: the phone number in the identity provider's profile"))).toBe(true),
    );
    await call(w.t.url, a, 'POST', `/verifications/${res.json.id}/cancel`);
  });

  it('without an IdP number the desk number is not used unless the policy allows it', async () => {
    const t = newTicket('Ned Nonumber', '+1 555 0101 202');
    okta.profilePhone = null;
    const a = await openAs(w, t.ticketId, 0);
    const option = await smsOption(a);
    expect(option).toMatchObject({ isAvailable: false, reason: expect.stringMatching(/does not send codes to the help desk/) });
    const starts = twilio.starts;
    const res = await call(w.t.url, a, 'POST', '/verifications', { method: 'callback_sms' });
    expect(res.status).toBe(409);
    expect(twilio.starts).toBe(starts);
  });

  it('a policy that allows the desk number uses it only while unchanged for the window, and says so everywhere', async () => {
    await setPolicy(w, 'zendesk', {
      ...basePolicy,
      methods: [...basePolicy.methods],
      supervisors: [omar],
      deskPhoneFallback: { isAllowed: true, minUnchangedDays: 30 },
    });
    const t = newTicket('Olga Old', '+1 555 0101 203');
    okta.profilePhone = null;
    const a = await openAs(w, t.ticketId, 0);
    expect(await smsOption(a)).toMatchObject({ isAvailable: true });
    const res = await call(w.t.url, a, 'POST', '/verifications', { method: 'callback_sms' });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(twilio.startedFor.at(-1)?.phone).toBe('+1 555 0101 203');
    expect(res.json.binding).toMatchObject({ source: 'desk' });
    expect(await auditSource(res.json.id)).toBe('desk');
    await eventually(() => expect(notesOf(t.ticketId).some((n) => n.includes("Code sent to: the help desk's phone number"))).toBe(true));
    await call(w.t.url, a, 'POST', `/verifications/${res.json.id}/cancel`);

    // An agent changes the number: from now on it cannot receive a code.
    w.desks.state.setPhone('zendesk', t.requesterId, '+1 555 0666 667', new Date(Date.now() - 2 * DAY));
    const option = await smsOption(a);
    expect(option).toMatchObject({ isAvailable: false, reason: expect.stringMatching(/changed in the last 30 days/) });
    const starts = twilio.starts;
    expect((await call(w.t.url, a, 'POST', '/verifications', { method: 'callback_sms' })).status).toBe(409);
    expect(twilio.starts).toBe(starts);
  });

  it('a desk that cannot tell when its number changed counts as changed', async () => {
    await setPolicy(w, 'zendesk', {
      ...basePolicy,
      methods: [...basePolicy.methods],
      supervisors: [omar],
      deskPhoneFallback: { isAllowed: true, minUnchangedDays: 30 },
    });
    const t = newTicket('Una Undated', '+1 555 0101 204', new Date(Date.now() - 400 * DAY), false);
    okta.profilePhone = null;
    const a = await openAs(w, t.ticketId, 0);
    expect(await smsOption(a)).toMatchObject({ isAvailable: false, reason: expect.stringMatching(/cannot tell when/) });
  });
});

describe('live status', () => {
  it('SSE: no-store event stream, snapshot first, then changes recorded by ANOTHER API process (LISTEN/NOTIFY)', async () => {
    const peer = await startPeerApp(w);
    try {
      const t9 = w.desks.state.addTicket('zendesk', { requester: { name: 'Sam Stream', email: 'sam@customer.test' } }).ticketId;
      const onA = await openAs(w, t9, 0);
      const onB = await openAs(w, t9, 0, peer.url);
      const first = await startPush(onA);
      const stream = await openEvents(peer.url, onB);
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(stream.headers.get('cache-control')).toBe('no-store');
      // Snapshot: the current verification, as it is now.
      expect((await stream.next((v) => v.id === first.id)).state).toBe('waiting');
      // Another agent's verification on the same ticket never reaches this stream.
      const omarS = await openAs(w, t9, 1);
      const theirs = await startPush(omarS);
      okta.answer = { state: 'verified' };
      const verified = await stream.next((v) => v.id === first.id && v.state === 'verified');
      expect(verified.validUntil).toBeTruthy();
      await settle(omarS, theirs.id, 'verified');
      expect(stream.events.some((e) => e.id === theirs.id)).toBe(false);
      stream.close();
      await stream.done;
      await eventually(() => expect(peer.live.subscriberCount).toBe(0));
    } finally {
      await peer.close();
    }
  });

  it('the stream ends when the hub closes (shutdown) and refuses without a session', async () => {
    const peer = await startPeerApp(w);
    const a = await openAs(w, ticket, 0, peer.url);
    const stream = await openEvents(peer.url, a);
    await peer.live.close();
    await stream.done;
    await peer.close();
    const res = await api(w.t.url, 'GET', '/api/v1/sidebar/verifications/events');
    expect(res.status).toBe(401);
  });
});
