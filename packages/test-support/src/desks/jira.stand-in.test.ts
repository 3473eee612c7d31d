import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DESK_ACCOUNTS } from './desk.accounts';
import { startDeskStandIns, type StartedDeskStandIns } from './stand-ins';

const { email, apiToken } = DESK_ACCOUNTS.jira;
const BASIC = `Basic ${Buffer.from(`${email}:${apiToken}`).toString('base64')}`;

let desks: StartedDeskStandIns;
const call = async (method: string, path: string, body?: unknown, authorization = BASIC): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${desks.url}/jira${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};

beforeAll(async () => {
  desks = await startDeskStandIns();
});
beforeEach(() => desks.reset());
afterAll(() => desks.close());

describe('jira stand-in', () => {
  it('serves a request with its reporter, and the reporter as a user', async () => {
    const seeded = desks.state.jira.tickets[0]!;
    const res = await call('GET', '/rest/servicedeskapi/request/HELP-1');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      issueId: '10001',
      issueKey: 'HELP-1',
      reporter: { accountId: seeded.requesterId, emailAddress: 'priya.natarajan@customer.test', displayName: 'Priya Natarajan' },
    });
    expect((await call('GET', '/rest/servicedeskapi/request/10001')).json.issueKey).toBe('HELP-1');
    const user = await call('GET', `/rest/api/3/user?accountId=${seeded.requesterId}`);
    expect(user.json).toMatchObject({
      accountId: seeded.requesterId,
      displayName: 'Priya Natarajan',
      emailAddress: 'priya.natarajan@customer.test',
    });
  });

  it('refuses wrong credentials and answers 404 for unknown requests and users', async () => {
    const wrong = `Basic ${Buffer.from(`${email}:nope`).toString('base64')}`;
    expect((await call('GET', '/rest/servicedeskapi/request/HELP-1', undefined, wrong)).status).toBe(401);
    expect((await call('GET', '/rest/servicedeskapi/request/HELP-99')).status).toBe(404);
    expect((await call('POST', '/rest/servicedeskapi/request/HELP-99/comment', { body: 'x', public: false })).status).toBe(404);
    expect((await call('GET', '/rest/api/3/user?accountId=nobody')).status).toBe(404);
  });

  it('creates internal comments (201) and lists them by visibility', async () => {
    const created = await call('POST', '/rest/servicedeskapi/request/HELP-2/comment', { body: 'internal note', public: false });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: expect.any(String),
      body: 'internal note',
      public: false,
      author: { accountId: desks.state.jira.apiUser.id },
    });
    await call('POST', '/rest/servicedeskapi/request/HELP-2/comment', { body: 'reply to the customer' });
    expect(desks.state.notes('jira', 'HELP-2').map((c) => c.body)).toEqual(['internal note']);
    const internal = await call('GET', '/rest/servicedeskapi/request/HELP-2/comment?public=false&internal=true');
    expect(internal.json).toMatchObject({ isLastPage: true, values: [{ id: created.json.id, body: 'internal note', public: false }] });
    expect((await call('GET', '/rest/servicedeskapi/request/HELP-2/comment')).json.values).toHaveLength(2);
  });

  it('answers 400 to bad JSON and to an empty body', async () => {
    expect((await call('POST', '/rest/servicedeskapi/request/HELP-1/comment', '{"body"')).status).toBe(400);
    expect((await call('POST', '/rest/servicedeskapi/request/HELP-1/comment', { public: false })).status).toBe(400);
    expect(desks.state.comments('jira', 'HELP-1')).toEqual([]);
  });

  it('serves the JWKS without credentials', async () => {
    const res = await fetch(`${desks.url}/jira/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as any;
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: desks.keys.forgeKid, alg: 'RS256' })]);
    expect(jwks.keys[0].d).toBeUndefined();
  });
});
