import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// A relative path: test-support does not depend on contracts, but the bodies must pass the real schema.
import { TenantCreateRequestSchema } from '../../../contracts/src/sidebar';
import { DESK_ACCOUNTS } from './desk.accounts';
import { createDeskStandIns, startDeskStandIns, type StartedDeskStandIns } from './stand-ins';

const ZENDESK = `Basic ${Buffer.from(`${DESK_ACCOUNTS.zendesk.email}/token:${DESK_ACCOUNTS.zendesk.apiToken}`).toString('base64')}`;
const SERVICENOW = `Basic ${Buffer.from(`${DESK_ACCOUNTS.servicenow.username}:${DESK_ACCOUNTS.servicenow.password}`).toString('base64')}`;
const JIRA = `Basic ${Buffer.from(`${DESK_ACCOUNTS.jira.email}:${DESK_ACCOUNTS.jira.apiToken}`).toString('base64')}`;

let desks: StartedDeskStandIns;
beforeAll(async () => {
  desks = await startDeskStandIns();
});
beforeEach(() => desks.reset());
afterAll(() => desks.close());

const addZendeskNote = (body = 'note') =>
  fetch(`${desks.url}/zendesk/api/v2/tickets/101.json`, {
    method: 'PUT',
    headers: { authorization: ZENDESK, 'content-type': 'application/json' },
    body: JSON.stringify({ ticket: { comment: { body, public: false } } }),
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fault injection', () => {
  it('outage: 503 with the vendor body for that desk only, nothing applied, then back', async () => {
    desks.outage('zendesk', 60_000);
    const down = await addZendeskNote();
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: 'ServiceUnavailable' });
    const other = await fetch(`${desks.url}/jira/rest/servicedeskapi/request/HELP-1`, { headers: { authorization: JIRA } });
    expect(other.status).toBe(200);
    expect(desks.state.notes('zendesk', 101)).toEqual([]);
    desks.outage('zendesk', 50);
    await sleep(100);
    expect((await addZendeskNote()).status).toBe(200);
    expect(desks.state.notes('zendesk', 101)).toHaveLength(1);
  });

  it('outage in destroy mode closes the socket without an answer', async () => {
    desks.outage('servicenow', 10_000, { mode: 'destroy' });
    await expect(fetch(`${desks.url}/servicenow/api/now/table/incident`, { headers: { authorization: SERVICENOW } })).rejects.toThrow();
    expect(desks.state.requests('servicenow').map((r) => r.status)).toEqual([0]);
    desks.reset();
    expect((await fetch(`${desks.url}/servicenow/api/now/table/incident`, { headers: { authorization: SERVICENOW } })).status).toBe(200);
  });

  it('dropResponses: the write lands, the reply is lost, reads are untouched', async () => {
    desks.dropResponses('zendesk', 1);
    expect((await fetch(`${desks.url}/zendesk/api/v2/tickets/101.json`, { headers: { authorization: ZENDESK } })).status).toBe(200);
    expect((await addZendeskNote('first')).status).toBe(503);
    expect(desks.state.notes('zendesk', 101).map((n) => n.body)).toEqual(['first']);
    expect((await addZendeskNote('second')).status).toBe(200);
    expect(desks.state.notes('zendesk', 101).map((n) => n.body)).toEqual(['first', 'second']);
  });

  it('dropResponses in destroy mode, and failed writes do not use up a drop', async () => {
    desks.dropResponses('jira', 1, { mode: 'destroy' });
    const post = (key: string) =>
      fetch(`${desks.url}/jira/rest/servicedeskapi/request/${key}/comment`, {
        method: 'POST',
        headers: { authorization: JIRA, 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'note', public: false }),
      });
    expect((await post('HELP-404')).status).toBe(404);
    await expect(post('HELP-1')).rejects.toThrow();
    expect(desks.state.notes('jira', 'HELP-1')).toHaveLength(1);
    expect((await post('HELP-1')).status).toBe(201);
  });
});

describe('request log', () => {
  it('records method, path, query and status per desk, without credentials', async () => {
    await addZendeskNote();
    await fetch(`${desks.url}/zendesk/api/v2/tickets/101.json?include=users`, { headers: { authorization: 'Basic bm9wZQ==' } });
    expect(desks.state.requests('zendesk').map(({ method, path, query, status }) => ({ method, path, query, status }))).toEqual([
      { method: 'PUT', path: '/api/v2/tickets/101.json', query: '', status: 200 },
      { method: 'GET', path: '/api/v2/tickets/101.json', query: 'include=users', status: 401 },
    ]);
    expect(desks.state.countRequests('zendesk', 'put', '/api/v2/tickets/101.json')).toBe(1);
    expect(desks.state.countRequests('zendesk', 'GET', /^\/api\/v2\/tickets\//)).toBe(1);
    expect(desks.state.requests('jira')).toEqual([]);
    expect(JSON.stringify(desks.state.requests())).not.toContain(DESK_ACCOUNTS.zendesk.apiToken);
  });
});

describe('tenants', () => {
  it('gives three bodies that pass the contracts schema and whose credentials the stand-ins accept', async () => {
    const tenants = desks.tenants();
    for (const body of Object.values(tenants)) expect(TenantCreateRequestSchema.safeParse(body).error).toBeUndefined();
    expect(Object.values(tenants).map((t) => t.slug)).toEqual(['acme-zendesk', 'acme-servicenow', 'acme-jira']);
    expect(tenants.jira.jwksUrl).toBe(`${desks.url}/jira/.well-known/jwks.json`);
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    const z = tenants.zendesk.credentials as { email: string; apiToken: string };
    const s = tenants.servicenow.credentials as { username: string; password: string };
    const j = tenants.jira.credentials;
    const answers = await Promise.all([
      fetch(`${tenants.zendesk.apiBaseUrl}/api/v2/tickets/101.json`, {
        headers: { authorization: basic(`${z.email}/token:${z.apiToken}`) },
      }),
      fetch(`${tenants.servicenow.apiBaseUrl}/api/now/table/incident?sysparm_limit=1`, {
        headers: { authorization: basic(`${s.username}:${s.password}`) },
      }),
      fetch(`${tenants.jira.apiBaseUrl}/rest/servicedeskapi/request/HELP-1`, {
        headers: { authorization: basic(`${j.email}:${j.apiToken}`) },
      }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});

describe('mounted in another server', () => {
  it('serves under / of a host app once told its URL', async () => {
    const standIns = await createDeskStandIns({ keys: desks.keys.export(), seed: false });
    const app = express();
    app.get('/health', (_req, res) => res.send('ok'));
    app.use(standIns.router);
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      standIns.setBaseUrl(url);
      expect(standIns.state.zendesk.tickets).toEqual([]);
      const added = standIns.state.addTicket('zendesk', { subject: 'Only one' });
      const res = await fetch(`${url}/zendesk/api/v2/tickets/${added.id}.json`, { headers: { authorization: ZENDESK } });
      expect(((await res.json()) as any).ticket.url).toBe(`${url}/zendesk/api/v2/tickets/${added.id}.json`);
      expect(await (await fetch(`${url}/health`)).text()).toBe('ok');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
