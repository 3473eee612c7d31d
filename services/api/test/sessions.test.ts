import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_HEADER } from '@vouchsafe/contracts';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/** The session exchange over HTTP, against the desk stand-ins (real tokens, real connector calls). */

const REJECTED = 'This sidebar session could not be verified. Reopen the ticket to start a new one.';
const auth = { authorization: `Bearer ${TOKEN}` };
let t: TestApp;
let desks: StartedDeskStandIns;

beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp();
  for (const body of Object.values(desks.tenants())) {
    const res = await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth);
    if (res.status !== 201) throw new Error(`tenant: ${res.status} ${JSON.stringify(res.json)}`);
  }
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
});

const zendeskTicket = () => desks.state.zendesk.tickets[0]!;
const snTicket = () => desks.state.servicenow.tickets[0]!;
const jiraTicket = () => desks.state.jira.tickets[0]!;
const agent = (desk: 'zendesk' | 'servicenow' | 'jira') => desks.state[desk].agents[0]!;

async function rejections(): Promise<string> {
  const res = await fetch(`${t.url}/metrics`, { headers: auth });
  return (await res.text())
    .split('\n')
    .filter((l) => l.startsWith('vouchsafe_session_rejections_total{'))
    .join('\n');
}

function expectRejected(res: { status: number; json: any }) {
  expect(res.status).toBe(401);
  expect(res.json.error).toMatchObject({ code: 'session_rejected', message: REJECTED });
}

describe('POST /api/v1/sessions/zendesk', () => {
  it('exchanges a signed-URL token for a session with the ticket and people looked up in Zendesk', async () => {
    const ticket = zendeskTicket();
    const token = await desks.mint.zendesk({ agentId: agent('zendesk').id });
    const started = Date.now();
    const res = await api(t.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId: ticket.id });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const requester = desks.state.person('zendesk', ticket.requesterId)!;
    expect(res.json.context).toEqual({
      desk: 'zendesk',
      tenantName: 'Acme (Zendesk)',
      ticket: { id: ticket.id, displayId: ticket.displayId },
      requester: { label: expect.stringContaining(requester.name) },
      agent: { label: agent('zendesk').name },
    });
    expect(res.json.context.requester.label).not.toContain(requester.email);
    expect(res.json.context.requester.label).toMatch(/\*\*\*@/);
    const ttl = Date.parse(res.json.expiresAt) - started;
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000 + 2_000);
    expect(typeof res.json.session).toBe('string');
    expect(t.logs.join('')).not.toContain(token);
  });

  it("accepts exactly Zendesk's claims: aud/sub on {subdomain}.zendesk.com with either iss spelling, never the stand-in's URL", async () => {
    const ticketId = zendeskTicket().id;
    const agentId = agent('zendesk').id;
    for (const issuer of ['url', 'host'] as const) {
      const res = await api(t.url, 'POST', '/api/v1/sessions/zendesk', { token: await desks.mint.zendesk({ agentId, issuer }), ticketId });
      expect(res.status, `${issuer}: ${JSON.stringify(res.json)}`).toBe(200);
    }
    // The tenant's connector calls the stand-in (apiBaseUrl), but Zendesk never signs for that address.
    const standIn = `${desks.url}/zendesk`;
    const installation = `${standIn}/api/v2/apps/installations/${desks.tenants().zendesk.installationId}.json`;
    for (const claims of [
      { aud: installation },
      { iss: desks.url },
      { sub: `${standIn}/api/v2/users/${agentId}.json` },
      { sub: agentId },
    ]) {
      expectRejected(
        await api(t.url, 'POST', '/api/v1/sessions/zendesk', {
          token: await desks.mint.zendesk({ agentId, overrides: { claims } }),
          ticketId,
        }),
      );
    }
  });

  it('answers 404 for a ticket Zendesk does not have', async () => {
    const token = await desks.mint.zendesk({ agentId: agent('zendesk').id });
    const res = await api(t.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId: '987654321' });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: 'not_found', message: 'This ticket was not found in Zendesk.' });
  });

  it('refuses forged, expired, wrong-audience and alg-confused tokens with one 401, counted by reason, token never logged', async () => {
    const ticketId = zendeskTicket().id;
    const agentId = agent('zendesk').id;
    const cases: [string, Promise<string>][] = [
      ['bad_signature', desks.mint.zendesk({ agentId, overrides: { signWith: 'stranger' } })],
      ['expired', desks.mint.zendesk({ agentId, now: Math.floor(Date.now() / 1000) - 3600 })],
      ['unknown_tenant', desks.mint.zendesk({ agentId, installationId: '1' })],
      ['alg_not_allowed', desks.mint.zendesk({ agentId, overrides: { signWith: 'hs256-public-key' } })],
      ['alg_not_allowed', desks.mint.zendesk({ agentId, overrides: { signWith: 'none' } })],
      ['wrong_issuer', desks.mint.zendesk({ agentId, overrides: { claims: { iss: 'https://globex.zendesk.com' } } })],
    ];
    for (const [, pending] of cases) {
      const token = await pending;
      expectRejected(await api(t.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId }));
      expect(t.logs.join('')).not.toContain(token);
    }
    const metrics = await rejections();
    expect(metrics).toContain('vouchsafe_session_rejections_total{desk="zendesk",reason="bad_signature"} 1');
    expect(metrics).toContain('vouchsafe_session_rejections_total{desk="zendesk",reason="alg_not_allowed"} 2');
    expect(metrics).toContain('vouchsafe_session_rejections_total{desk="zendesk",reason="expired"} 1');
    expect(t.logs.join('')).toContain('"reason":"unknown_tenant"');
  });

  it('answers 502 when Zendesk is down, and never calls it for a bad token', async () => {
    const token = await desks.mint.zendesk({ agentId: agent('zendesk').id });
    desks.outage('zendesk', 60_000);
    try {
      const res = await api(t.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId: zendeskTicket().id });
      expect(res.status).toBe(502);
      expect(res.json.error.code).toBe('helpdesk_unavailable');
    } finally {
      desks.reset();
    }
    const forged = await desks.mint.zendesk({ agentId: agent('zendesk').id, overrides: { signWith: 'stranger' } });
    await api(t.url, 'POST', '/api/v1/sessions/zendesk', { token: forged, ticketId: zendeskTicket().id });
    expect(desks.state.requests('zendesk')).toEqual([]);
  });
});

describe('POST /api/v1/sessions/servicenow', () => {
  it('binds the record from the token and takes the agent name from it', async () => {
    const ticket = snTicket();
    const token = await desks.mint.servicenow({ sysId: ticket.id, agentSysId: agent('servicenow').id });
    const res = await api(t.url, 'POST', '/api/v1/sessions/servicenow', { token, table: ticket.table, sysId: ticket.id });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.context).toMatchObject({
      desk: 'servicenow',
      ticket: { id: ticket.id, displayId: ticket.displayId },
      agent: { label: agent('servicenow').name },
    });
  });

  it('refuses a token minted for another record, a forged one and a wrong audience', async () => {
    const [a, b] = desks.state.servicenow.tickets;
    const agentSysId = agent('servicenow').id;
    const forA = await desks.mint.servicenow({ sysId: a!.id, agentSysId });
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/servicenow', { token: forA, table: 'incident', sysId: b!.id }));
    const forged = await desks.mint.servicenow({ sysId: a!.id, agentSysId, overrides: { signWith: 'stranger' } });
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/servicenow', { token: forged, table: 'incident', sysId: a!.id }));
    const wrongAud = await desks.mint.servicenow({ sysId: a!.id, agentSysId, audience: 'not-vouchsafe' });
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/servicenow', { token: wrongAud, table: 'incident', sysId: a!.id }));
    const metrics = await rejections();
    expect(metrics).toContain('desk="servicenow",reason="ticket_mismatch"} 1');
    expect(metrics).toContain('desk="servicenow",reason="wrong_audience"} 1');
  });
});

describe('POST /api/v1/sessions/jira', () => {
  it('verifies the Forge Invocation Token from the JWKS and looks the issue up in JSM', async () => {
    const issue = jiraTicket();
    const token = await desks.mint.forge({ accountId: agent('jira').id, issueKey: issue.id });
    const res = await api(t.url, 'POST', '/api/v1/sessions/jira', { issueKey: issue.id }, { authorization: `Bearer ${token}` });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.context).toMatchObject({
      desk: 'jira',
      ticket: { id: issue.id, displayId: issue.id },
      agent: { label: agent('jira').name },
    });
  });

  it('refuses a missing FIT, another app, and a FIT naming another issue', async () => {
    const [a, b] = desks.state.jira.tickets;
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/jira', { issueKey: a!.id }));
    const otherApp = await desks.mint.forge({
      accountId: agent('jira').id,
      issueKey: a!.id,
      appId: 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000',
    });
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/jira', { issueKey: a!.id }, { authorization: `Bearer ${otherApp}` }));
    const forA = await desks.mint.forge({ accountId: agent('jira').id, issueKey: a!.id });
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/jira', { issueKey: b!.id }, { authorization: `Bearer ${forA}` }));
    const metrics = await rejections();
    expect(metrics).toContain('desk="jira",reason="token_missing"} 1');
    expect(metrics).toContain('desk="jira",reason="wrong_audience"} 1');
    expect(metrics).toContain('desk="jira",reason="ticket_mismatch"} 1');
  });
});

describe('requireSession on the sidebar routes', () => {
  it('lets a live session through and refuses a missing, tampered or host token with the same 401', async () => {
    const token = await desks.mint.zendesk({ agentId: agent('zendesk').id });
    const started = await api(t.url, 'POST', '/api/v1/sessions/zendesk', { token, ticketId: zendeskTicket().id });
    const ok = await api(t.url, 'GET', '/api/v1/sidebar/secrets', undefined, { [SESSION_HEADER]: started.json.session });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json.secrets).toEqual([]);
    const before = await rejections();
    expectRejected(await api(t.url, 'GET', '/api/v1/sidebar/secrets'));
    expectRejected(
      await api(t.url, 'GET', '/api/v1/sidebar/secrets', undefined, { [SESSION_HEADER]: `${started.json.session.slice(0, -2)}AA` }),
    );
    expectRejected(await api(t.url, 'GET', '/api/v1/sidebar/secrets', undefined, { [SESSION_HEADER]: token }));
    // Forge puts its own token in Authorization; it is never taken for a session.
    expectRejected(await api(t.url, 'GET', '/api/v1/sidebar/secrets', undefined, { authorization: `Bearer ${started.json.session}` }));
    expect(await rejections()).not.toBe(before);
    expect(await rejections()).toContain('desk="zendesk",reason="bad_signature"');
  });
});

describe('POST /api/v1/sessions/renew', () => {
  it('renews a live session for the same binding, refuses junk, and ends with the tenant', async () => {
    const token = await desks.mint.servicenow({ sysId: snTicket().id, agentSysId: agent('servicenow').id });
    const first = await api(t.url, 'POST', '/api/v1/sessions/servicenow', { token, table: 'incident', sysId: snTicket().id });
    expect(first.status).toBe(200);
    const renewed = await api(t.url, 'POST', '/api/v1/sessions/renew', undefined, { [SESSION_HEADER]: first.json.session });
    expect(renewed.status, JSON.stringify(renewed.json)).toBe(200);
    expect(renewed.json.context).toEqual(first.json.context);
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/renew'));
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/renew', undefined, { [SESSION_HEADER]: `${first.json.session}x` }));
    // A host token is not a session.
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/renew', undefined, { [SESSION_HEADER]: token }));

    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-servicenow', undefined, auth)).status).toBe(204);
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/renew', undefined, { [SESSION_HEADER]: renewed.json.session }));
    expectRejected(await api(t.url, 'POST', '/api/v1/sessions/servicenow', { token, table: 'incident', sysId: snTicket().id }));
  });
});
