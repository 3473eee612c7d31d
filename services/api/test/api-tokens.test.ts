import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import type { IdpConfig } from '@vouchsafe/contracts';
import { generateApiToken } from '../src/modules/api-tokens/api-tokens';
import { AUTH_FAILURES } from '../src/modules/api-tokens/bearer-auth';
import { SCOPED_TOKENS, TOKEN, api, createSecret, startTestApp, type TestApp } from './harness';

/** Scoped API tokens (S13), the actor of admin changes, and failed-authentication throttling, over HTTP on a real database. */

let t: TestApp;
let desks: StartedDeskStandIns;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ALL_TOKENS = [TOKEN, ...Object.values(SCOPED_TOKENS)];
const okta: IdpConfig = { kind: 'okta', orgUrl: 'http://localhost:4711', auth: { apiToken: '00okta-api-token-for-scope-tests' } };
const attackerIdp: IdpConfig = { kind: 'okta', orgUrl: 'http://localhost:6666', auth: { apiToken: '00attacker-controlled-okta-token' } };
const secretBody = { kind: 'text', ciphertext: 'A'.repeat(40), keyCheck: 'A'.repeat(43) };

const count = async (table: 'secrets' | 'audit_events') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db)).rows[0]!.n;

/** Everything an admin endpoint could change. */
const snapshot = async () => ({
  tenants: await t.db.selectFrom('tenants').selectAll().orderBy('id').execute(),
  idps: await t.db.selectFrom('tenant_idps').selectAll().orderBy('tenant_id').orderBy('kind').execute(),
  policies: await t.db.selectFrom('verification_policies').selectAll().orderBy('tenant_id').orderBy('version').execute(),
  auditEvents: await count('audit_events'),
  secrets: await count('secrets'),
});

const scrape = async () => (await api(t.url, 'GET', '/metrics', undefined, bearer(SCOPED_TOKENS.metrics))).json as string;
const failures = (text: string, reason: string) =>
  Number(new RegExp(`vouchsafe_api_auth_failures_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1]);

beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp();
  const tenant = await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, bearer(TOKEN));
  expect(tenant.status, JSON.stringify(tenant.json)).toBe(201);
  expect((await api(t.url, 'PUT', '/api/v1/admin/tenants/acme-zendesk/idp/okta', okta, bearer(TOKEN))).status).toBe(204);
  expect((await api(t.url, 'PUT', '/api/v1/admin/tenants/acme-zendesk/policy', { methods: ['okta_push'] }, bearer(TOKEN))).status).toBe(
    200,
  );
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
});

describe('scopes', () => {
  it('a secrets-only token cannot repoint the IdP, change policy or supervisors, add or remove tenants, or read metrics (403, nothing changed)', async () => {
    const before = await snapshot();
    const as = bearer(SCOPED_TOKENS.secrets);
    const attempts: Array<[string, string, unknown?]> = [
      ['PUT', '/api/v1/admin/tenants/acme-zendesk/idp/okta', attackerIdp],
      ['DELETE', '/api/v1/admin/tenants/acme-zendesk/idp/okta'],
      ['GET', '/api/v1/admin/tenants/acme-zendesk/idp'],
      ['PUT', '/api/v1/admin/tenants/acme-zendesk/policy', { methods: ['okta_push'], supervisors: ['attacker-agent'] }],
      ['GET', '/api/v1/admin/tenants/acme-zendesk/policy'],
      ['POST', '/api/v1/admin/tenants', desks.tenants().jira],
      ['GET', '/api/v1/admin/tenants'],
      ['DELETE', '/api/v1/admin/tenants/acme-zendesk'],
      ['GET', '/api/v1/admin/anything-else'],
    ];
    for (const [method, path, body] of attempts) {
      const res = await api(t.url, method, path, body, as);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
      expect(res.json.error.message).toBe('This API token does not have the "admin" scope this endpoint needs.');
    }
    const metrics = await api(t.url, 'GET', '/metrics', undefined, as);
    expect(metrics.status).toBe(403);
    expect(metrics.json.error.message).toContain('"metrics" scope');
    expect(await snapshot()).toEqual(before);
    for (const token of ALL_TOKENS) expect(JSON.stringify(metrics.json)).not.toContain(token);
  });

  it('admin and metrics tokens cannot create secrets, in the default tenant or a desk tenant (403, nothing stored)', async () => {
    const before = await count('secrets');
    for (const token of [SCOPED_TOKENS.admin, SCOPED_TOKENS.metrics]) {
      for (const path of ['/api/v1/secrets', '/api/v1/t/acme-zendesk/secrets']) {
        const res = await api(t.url, 'POST', path, secretBody, bearer(token));
        expect(res.status, path).toBe(403);
        expect(res.json.error.message).toBe('This API token does not have the "secrets" scope this endpoint needs.');
      }
    }
    expect(await count('secrets')).toBe(before);
  });

  it('each scope works for its own endpoints', async () => {
    const secrets = bearer(SCOPED_TOKENS.secrets);
    expect((await createSecret(t.url, undefined, {}, SCOPED_TOKENS.secrets)).id).toHaveLength(22);
    const inTenant = await api(t.url, 'POST', '/api/v1/t/acme-zendesk/secrets', { ...secretBody, ciphertext: 'A'.repeat(60) }, secrets);
    expect(inTenant.status, JSON.stringify(inTenant.json)).toBe(201);

    const admin = bearer(SCOPED_TOKENS.admin);
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants', undefined, admin)).status).toBe(200);
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants/acme-zendesk/idp', undefined, admin)).status).toBe(200);
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants/acme-zendesk/policy', undefined, admin)).status).toBe(200);

    const metrics = await api(t.url, 'GET', '/metrics', undefined, bearer(SCOPED_TOKENS.metrics));
    expect(metrics.status).toBe(200);
    expect(metrics.json).toContain('vouchsafe_api_auth_failures_total');
  });

  it("logs the token's name with each request, never the token", async () => {
    await createSecret(t.url, undefined, {}, SCOPED_TOKENS.secrets);
    const lines = t.logs.map((l) => JSON.parse(l) as { msg: string; tokenName?: string; route?: string });
    expect(lines.some((l) => l.msg === 'request' && l.tokenName === 'only-secrets' && l.route === '/secrets')).toBe(true);
    expect(lines.some((l) => l.msg === 'secret created' && l.tokenName === 'only-secrets')).toBe(true);
    for (const token of ALL_TOKENS) expect(t.logs.join('\n')).not.toContain(token);
  });
});

describe('the actor of admin changes', () => {
  it('is the token name in every audit event and policy version, never the token', async () => {
    const admin = bearer(SCOPED_TOKENS.admin);
    const actor = 'api-token:only-admin';
    expect((await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().jira, admin)).status).toBe(201);
    expect((await api(t.url, 'PUT', '/api/v1/admin/tenants/acme-jira/idp/okta', okta, admin)).status).toBe(204);
    expect(
      (await api(t.url, 'PUT', '/api/v1/admin/tenants/acme-jira/policy', { methods: ['okta_push'], supervisors: ['agent-7'] }, admin))
        .status,
    ).toBe(200);
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-jira/idp/okta', undefined, admin)).status).toBe(204);
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-jira', undefined, admin)).status).toBe(204);

    const jira = await t.db.selectFrom('tenants').select('id').where('slug', '=', 'acme-jira').executeTakeFirstOrThrow();
    const events = await t.db.selectFrom('audit_events').select(['type', 'data']).where('tenant_id', '=', jira.id).orderBy('seq').execute();
    expect(events.map((e) => [e.type, e.data.actor])).toEqual([
      ['tenant.added', actor],
      ['idp.configured', actor],
      ['policy.changed', actor],
      ['idp.removed', actor],
      ['tenant.removed', actor],
    ]);
    const versions = await t.db.selectFrom('verification_policies').select('changed_by').where('tenant_id', '=', jira.id).execute();
    expect(versions).toEqual([{ changed_by: actor }]);
    const shown = await api(t.url, 'GET', '/api/v1/admin/tenants/acme-zendesk/policy', undefined, admin);
    expect(shown.json.changedBy).toBe('api-token:integration');

    const everything = JSON.stringify(await t.db.selectFrom('audit_events').select('data').execute());
    for (const token of ALL_TOKENS) expect(everything).not.toContain(token);
  });
});

describe('failed authentication', () => {
  const from = (network: string, token: string) => ({ 'x-forwarded-for': network, ...bearer(token) });
  const guess = (network: string) => api(t.url, 'GET', '/api/v1/admin/tenants', undefined, from(network, generateApiToken()));

  it('is counted by reason and throttled per network (429 + Retry-After, even for the right token); other networks are unaffected', async () => {
    const before = await scrape();
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants', undefined, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(401);
    for (let i = 0; i < AUTH_FAILURES.limit; i++) {
      const res = await guess('203.0.113.9');
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('unauthorized');
    }
    const blocked = await guess('203.0.113.9');
    expect(blocked.status).toBe(429);
    expect(blocked.json.error.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(AUTH_FAILURES.windowSeconds);
    // Checked before any comparison: the right token from that network is refused the same way…
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants', undefined, from('203.0.113.9', TOKEN))).status).toBe(429);
    // …and a correct token from another network (and another IPv6 /64) is never locked out.
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants', undefined, from('198.51.100.7', TOKEN))).status).toBe(200);
    expect((await api(t.url, 'POST', '/api/v1/secrets', secretBody, from('2001:db8:77:1::5', SCOPED_TOKENS.admin))).status).toBe(403);

    const after = await scrape();
    expect(failures(after, 'missing') - failures(before, 'missing')).toBe(1);
    expect(failures(after, 'unknown') - failures(before, 'unknown')).toBe(AUTH_FAILURES.limit);
    expect(failures(after, 'throttled') - failures(before, 'throttled')).toBe(2);
    expect(failures(after, 'scope') - failures(before, 'scope')).toBe(1);
  });

  it('is counted across API processes: failures on two instances add up to one limit', async () => {
    const b = await t.another();
    try {
      const on = (app: TestApp) => api(app.url, 'GET', '/metrics', undefined, from('192.0.2.44', generateApiToken()));
      for (let i = 0; i < AUTH_FAILURES.limit; i++) expect((await on(i % 2 === 0 ? t : b)).status).toBe(401);
      expect((await on(t)).status).toBe(429);
      expect((await on(b)).status).toBe(429);
      expect((await api(b.url, 'GET', '/metrics', undefined, from('192.0.2.45', SCOPED_TOKENS.metrics))).status).toBe(200);
    } finally {
      await b.close();
    }
  });

  it('throttles an IPv6 client by its /64, so rotating addresses buys no new guesses', async () => {
    for (let i = 0; i < AUTH_FAILURES.limit; i++) expect((await guess(`2001:db8:5:6::${(i + 1).toString(16)}`)).status).toBe(401);
    expect((await guess('2001:db8:5:6:ffff:1:2:3')).status).toBe(429);
    expect((await guess('2001:db8:5:7::1')).status).toBe(401);
  });
});
