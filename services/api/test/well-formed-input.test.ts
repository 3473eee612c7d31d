import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/**
 * The well-formed text rule (contracts/text.ts) applied centrally (http/input.ts): a NUL or an unpaired
 * surrogate anywhere in the path, the query string or the body is a 400 that names where, before any
 * handler — these used to reach Postgres and answer 500.
 */

const auth = { authorization: `Bearer ${TOKEN}` };
let t: TestApp;
let desks: StartedDeskStandIns;
beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp();
  const res = await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, auth);
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
});

const count = async (table: 'tenants' | 'audit_events' | 'secrets') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db)).rows[0]!.n;

/** The raw JSON text: JSON.stringify keeps `\u0000` and a lone `\ud800` as escapes, as a client would send them. */
const post = (path: string, body: unknown, headers: Record<string, string> = auth) =>
  api(t.url, 'POST', path, JSON.stringify(body), { 'content-type': 'application/json', ...headers });

function expectRefused(res: { status: number; json: any }, path: string, where: RegExp) {
  expect(res.status).toBe(400);
  expect(res.json.error.code).toBe('bad_request');
  expect(res.json.error.message).toMatch(where);
  expect(res.json.error.issues).toEqual([{ path, message: 'must not contain a NUL character or an unpaired surrogate' }]);
}

describe('NUL and unpaired surrogates are refused with 400 before any handler', () => {
  it('in a body field: names the field, never echoes the text, stores nothing', async () => {
    const before = [await count('tenants'), await count('audit_events')];
    const body = { ...desks.tenants().servicenow, slug: 'evil-sn', name: 'Acme\u0000 Evil Corp' };
    const res = await post('/api/v1/admin/tenants', body);
    expectRefused(res, 'body.name', /body field "name"/);
    expect(JSON.stringify(res.json)).not.toContain('Evil Corp');
    const lone = await post('/api/v1/admin/tenants', {
      ...body,
      name: 'Acme',
      credentials: { username: 'x\ud800y', password: 'long enough' },
    });
    expectRefused(lone, 'body.credentials.username', /body field "credentials.username"/);
    expect([await count('tenants'), await count('audit_events')]).toEqual(before);
  });

  it('in a nested array element and in a field name', async () => {
    const res = await api(
      t.url,
      'PUT',
      '/api/v1/admin/tenants/acme-zendesk/policy',
      JSON.stringify({ methods: ['okta_push'], supervisors: ['a', 'b\udc00'] }),
      {
        'content-type': 'application/json',
        ...auth,
      },
    );
    expectRefused(res, 'body.supervisors[1]', /body field "supervisors\[1\]"/);
    const key = await post('/api/v1/secrets', { kind: 'text', 'la\u0000bel': 'x' });
    expect(key.status).toBe(400);
    expect(key.json.error.message).toMatch(/a field name in the body/);
  });

  it('in the query string (parameter value and name)', async () => {
    const value = await api(t.url, 'GET', '/api/v1/admin/tenants?x=%00', undefined, auth);
    expectRefused(value, 'query.x', /query parameter "x"/);
    const name = await api(t.url, 'GET', '/api/v1/admin/tenants?a%00b=1', undefined, auth);
    expect(name.status).toBe(400);
    expect(name.json.error.message).toMatch(/a parameter name in the query string/);
  });

  it('in a path parameter (a tenant slug reaches SQL): 400, and broken UTF-8 percent-encoding too', async () => {
    const nul = await api(t.url, 'GET', '/api/v1/admin/tenants/acme%00/idp', undefined, auth);
    expectRefused(nul, 'path.5', /path segment 5/);
    const lone = await api(t.url, 'GET', '/api/v1/admin/tenants/acme%ED%A0%80/policy', undefined, auth);
    expect(lone.status).toBe(400);
    expect(lone.json.error.message).toMatch(/path segment 5 is not valid percent-encoded UTF-8/);
    const tenant = await api(t.url, 'GET', '/api/v1/t/acme%00/secrets/AAAAAAAAAAAAAAAAAAAAAA');
    expectRefused(tenant, 'path.4', /path segment 4/);
  });

  it('in a sidebar session exchange', async () => {
    const res = await post('/api/v1/sessions/zendesk', { token: `${'x'.repeat(20)}\u0000`, ticketId: '101' }, {});
    expectRefused(res, 'body.token', /body field "token"/);
  });

  it('the IdP callback page answers a 400 page (HTML), not a 500', async () => {
    const res = await fetch(`${t.url}/verify/callback/oidc?state=%00${'a'.repeat(20)}&code=x`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('This link cannot be used');
    expect(html).toContain('query parameter &#34;state&#34;');
    expect(html).not.toContain('<script');
    const kind = await fetch(`${t.url}/verify/callback/oi%00dc?state=${'a'.repeat(20)}`);
    expect(kind.status).toBe(400);
    expect(kind.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('the Zendesk sidebar page refuses a form token with a NUL', async () => {
    const res = await fetch(`${t.url}/apps/zendesk/`, { method: 'POST', body: new URLSearchParams({ token: `abc\u0000def` }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues[0].path).toBe('body.token');
  });

  it('still accepts odd but well-formed text (RTL marks, emoji) where the field allows it', async () => {
    const res = await post('/api/v1/admin/tenants', { ...desks.tenants().servicenow, name: '\u202eAcme 😀\u200f' });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(res.json.name).toBe('\u202eAcme 😀\u200f');
  });
});
