import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from './graph.odata';
import { GRAPH_STANDIN_SCOPE, startGraphStandIn, type StartedGraphStandIn } from './graph.stand-in';

const TENANT = '0b5e7c1d-2f3a-4b6c-8d9e-0f1a2b3c4d5e';
const app = { clientId: 'vouchsafe-app', clientSecret: 'app-secret-value' };
const unconsented = { clientId: 'no-permission-app', clientSecret: 'other-secret', roles: [] };
let graph: StartedGraphStandIn;

beforeAll(async () => {
  graph = await startGraphStandIn({
    tenantId: TENANT,
    clients: [app, unconsented],
    directory: () => [
      {
        id: '11111111-1111-4111-8111-111111111111',
        displayName: 'Priya',
        mail: 'priya@customer.test',
        userPrincipalName: 'priya@bank.test',
        userType: 'Member',
        accountEnabled: true,
      },
    ],
  });
});
afterAll(() => graph.close());
afterEach(() => graph.reset());

async function token(body: Record<string, string>, tenant = TENANT): Promise<Response> {
  return fetch(`${graph.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
}

const grant = (client: { clientId: string; clientSecret: string } = app) => ({
  client_id: client.clientId,
  client_secret: client.clientSecret,
  scope: GRAPH_STANDIN_SCOPE,
  grant_type: 'client_credentials',
});

async function accessToken(client = app): Promise<string> {
  const res = await token(grant(client));
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const users = (query: string, bearer?: string, headers: Record<string, string> = {}) =>
  fetch(`${graph.url}/v1.0/users?${query}`, { headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers } });

const filter = (f: string) => `$filter=${encodeURIComponent(f)}&$select=id,userType,accountEnabled&$top=10`;

describe('Microsoft Graph stand-in: client-credentials token endpoint', () => {
  it('issues a bearer token for the Graph .default scope, with Entra’s response shape', async () => {
    const res = await token(grant());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: expect.any(String),
    });
    expect(graph.log.at(-1)?.params).not.toHaveProperty('client_secret');
  });

  it('refuses a wrong secret, an unknown app, another scope, another grant, another tenant — with AADSTS errors', async () => {
    const wrong = await token({ ...grant(), client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect((await (await token({ ...grant(), client_id: 'someone' })).json()) as object).toMatchObject({
      error: 'unauthorized_client',
      error_codes: [700016],
    });
    expect((await (await token({ ...grant(), scope: 'https://graph.microsoft.com/User.Read.All' })).json()) as object).toMatchObject({
      error: 'invalid_scope',
    });
    expect((await (await token({ ...grant(), grant_type: 'password' })).json()) as object).toMatchObject({
      error: 'unsupported_grant_type',
    });
    const tenant = await token(grant(), '9e9e9e9e-0000-4000-8000-000000000000');
    expect(tenant.status).toBe(400);
    expect(await tenant.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
  });
});

describe('Microsoft Graph stand-in: GET /v1.0/users', () => {
  it('finds by mail or userPrincipalName, case-insensitively, returning only the selected properties', async () => {
    const bearer = await accessToken();
    for (const address of ['priya@customer.test', 'PRIYA@bank.test']) {
      const res = await users(filter(`mail eq '${address}' or userPrincipalName eq '${address}'`), bearer);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,userType,accountEnabled)',
        value: [{ id: '11111111-1111-4111-8111-111111111111', userType: 'Member', accountEnabled: true }],
      });
    }
    const none = await users(filter("mail eq 'o''brien@customer.test' or userPrincipalName eq 'o''brien@customer.test'"), bearer);
    expect(((await none.json()) as { value: unknown[] }).value).toEqual([]);
  });

  it('lists guests and duplicates added by a test, and pages past $top with a nextLink', async () => {
    const bearer = await accessToken();
    graph.addUser({ mail: 'priya@customer.test', userType: 'Guest' });
    graph.addUser({ mail: 'priya@customer.test' });
    const res = await users(`$filter=${encodeURIComponent("mail eq 'priya@customer.test'")}&$select=userType&$top=2`, bearer);
    const body = (await res.json()) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(body.value).toHaveLength(2);
    expect(body['@odata.nextLink']).toMatch(/\$skiptoken=/);
  });

  it('refuses requests without a token (401) or without User.Read.All (403)', async () => {
    const anonymous = await users(filter("mail eq 'priya@customer.test'"));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    expect((await users(filter("mail eq 'priya@customer.test'"), 'forged.token.value')).status).toBe(401);
    const denied = await users(filter("mail eq 'priya@customer.test'"), await accessToken(unconsented));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      error: { code: 'Authorization_RequestDenied', innerError: { 'request-id': expect.any(String) } },
    });
  });

  it('refuses query syntax it does not model, as Graph would', async () => {
    const bearer = await accessToken();
    const cases: Array<[string, string]> = [
      [`$filter=${encodeURIComponent("endsWith(mail,'@customer.test')")}`, 'Request_UnsupportedQuery'],
      [`$filter=${encodeURIComponent("mail ne 'x'")}`, 'Request_UnsupportedQuery'],
      [`$filter=${encodeURIComponent("otherMails eq 'x'")}`, 'Request_UnsupportedQuery'],
      [`$filter=${encodeURIComponent("(mail eq 'x')")}`, 'Request_UnsupportedQuery'],
      ['$search=%22mail:priya%22', 'Request_UnsupportedQuery'],
      ['$count=true', 'Request_UnsupportedQuery'],
      ['$select=id,passwordProfile', 'BadRequest'],
      ['$top=0', 'Request_BadRequest'],
    ];
    for (const [query, code] of cases) {
      const res = await users(query, bearer);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, query).toBe(code);
    }
  });

  it('answers a scripted fault with Graph’s error envelope, once', async () => {
    const bearer = await accessToken();
    graph.failUsers(503);
    const down = await users(filter("mail eq 'priya@customer.test'"), bearer);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { code: 'serviceNotAvailable' } });
    expect((await users(filter("mail eq 'priya@customer.test'"), bearer)).status).toBe(200);
  });
});

describe('the OData filter parser', () => {
  it('binds and tighter than or, and unescapes doubled quotes', () => {
    expect(parseFilter("mail eq 'a''b' and accountEnabled eq true or userPrincipalName eq 'c'")).toEqual([
      [
        { property: 'mail', value: "a'b" },
        { property: 'accountEnabled', value: true },
      ],
      [{ property: 'userPrincipalName', value: 'c' }],
    ]);
  });
});
