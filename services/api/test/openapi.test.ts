import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PATHS, OPERATOR_CSRF_HEADER, REVOKE_TOKEN_HEADER, SESSION_HEADER } from '@vouchsafe/contracts';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { createOperatorTokens } from '../src/modules/operators/operator-session';
import { buildOpenApiDocument, renderOpenApiDocument } from '../src/openapi/document';
import { appRoutes } from './fuzz-support';
import { TOKEN, createSecret, revealBody, startTestApp, type TestApp } from './harness';

/**
 * The OpenAPI document (src/openapi) against the real app: the committed file is what the generator builds now, it
 * names exactly the routes the app's router has, and real answers of every route — successes and refusals, over HTTP
 * against a real Postgres and the desk stand-ins — match the schema the document gives for that route and status.
 */

type Json = Record<string, any>;
const doc = buildOpenApiDocument() as Json;
const COMMITTED = path.join(import.meta.dirname, '..', 'openapi.json');
const auth = { authorization: `Bearer ${TOKEN}` };

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(doc, 'openapi.json');
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** `METHOD /express/:pattern` → the document's `METHOD /openapi/{pattern}`. */
const toOpenApi = (route: string) => route.replace(/:([A-Za-z]+)/g, '{$1}').replace(/\*([A-Za-z]+)/g, '{$1}');
const documented = () => Object.entries(doc.paths as Json).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));

let t: TestApp;
/** The same database in four-eyes mode (issue 10): policy and IdP changes answer 202 and wait in the change queue. */
let fourEyes: TestApp;
let desks: StartedDeskStandIns;
let dir: string;
/** Every `METHOD /template status` a real answer was checked for. */
const checked = new Set<string>();

/** Sends one request and checks its answer against the document; returns the parsed body. */
async function call(
  method: string,
  template: string,
  opts: { params?: Record<string, string>; headers?: Record<string, string>; body?: unknown; form?: string; base?: string } = {},
): Promise<{ status: number; json: any }> {
  const url = template.replace(/\{([A-Za-z]+)\}/g, (_m, n: string) => encodeURIComponent(opts.params?.[n] ?? 'no-such-thing'));
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = opts.form;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const ac = new AbortController();
  const res = await fetch(`${opts.base ?? t.url}${url}`, { method, headers, body, redirect: 'manual', signal: ac.signal });
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  let text = '';
  if (type === 'text/event-stream') ac.abort();
  else text = await res.text();
  const where = `${method} ${template} ${res.status}`;
  const operation = doc.paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is not in the document`).toBeDefined();
  let response = operation.responses[String(res.status)];
  expect(response, `${where} is not documented (${text.slice(0, 200)})`).toBeDefined();
  let base = pointer('paths', template, method.toLowerCase(), 'responses', String(res.status));
  if (response.$ref) {
    base = (response.$ref as string).slice(2);
    response = base.split('/').reduce((o: Json, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  checked.add(where);
  if (response.headers?.Location) expect(res.headers.get('location'), `${where} without Location`).toBeTruthy();
  if (!response.content) {
    if (res.status >= 300 && res.status < 400) return { status: res.status, json: undefined };
    expect(text, `${where} has a body the document does not describe`).toBe('');
    return { status: res.status, json: undefined };
  }
  const documentedTypes = Object.keys(response.content as Json);
  expect(documentedTypes, `${where} answered ${type}`).toContain(type === 'text/csv' ? 'application/x-ndjson' : type);
  if (type !== 'application/json') return { status: res.status, json: undefined };
  const json = JSON.parse(text);
  const validate = ajv.getSchema(`openapi.json#/${base}/${pointer('content', 'application/json', 'schema')}`)!;
  if (!validate(json))
    throw new Error(`${where}: the body does not match the document: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`);
  return { status: res.status, json };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vs-openapi-'));
  // A built portal, sidebars and operator consoles (one file each), so their routes exist and answer.
  mkdirSync(path.join(dir, 'portal'));
  writeFileSync(path.join(dir, 'portal', 'index.html'), '<!doctype html><title>portal</title>');
  for (const app of ['zendesk', 'servicenow', 'review', 'admin']) {
    mkdirSync(path.join(dir, 'apps', app, 'dist'), { recursive: true });
    writeFileSync(path.join(dir, 'apps', app, 'dist', 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  }
  desks = await startDeskStandIns();
  t = await startTestApp({
    config: { portalDir: path.join(dir, 'portal'), appsDir: path.join(dir, 'apps') },
    isLive: true,
    rateLimitPerMinute: 10_000,
  });
  fourEyes = await t.another({
    config: {
      approvals: 'four_eyes',
      // Sessions are minted below; the issuer is never contacted.
      operators: {
        issuer: 'https://idp.bank.invalid',
        clientId: 'vouchsafe',
        clientSecret: 'unused',
        scopes: ['openid'],
        rolesClaim: 'roles',
        roleValues: { admin: ['a'], policy_approver: [], auditor: [] },
        tenants: null,
        isSecure: false,
      },
    },
  });
});
afterAll(async () => {
  await fourEyes?.close();
  await t?.close();
  await desks?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the OpenAPI document', () => {
  it('is committed as the generator builds it now (run `pnpm openapi` after changing a contract or a route)', () => {
    expect(readFileSync(COMMITTED, 'utf8') === renderOpenApiDocument(), 'services/api/openapi.json is stale: run `pnpm openapi`').toBe(
      true,
    );
  });

  it('names exactly the routes the app has', () => {
    expect(documented().sort()).toEqual(appRoutes(t.app).map(toOpenApi).sort());
  });

  it('is served without credentials, cacheable, as committed', async () => {
    const res = await fetch(`${t.url}${API_PATHS.openapi}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await res.text()).toBe(readFileSync(COMMITTED, 'utf8'));
  });
});

describe('real answers of every route match the document', () => {
  it('successes, along the way a desk and its agents use the product', async () => {
    await call('GET', '/healthz');
    await call('GET', '/readyz');
    await call('GET', '/metrics', { headers: auth });
    await call('GET', '/api/v1/openapi.json');

    // Admin: tenants, IdP connections, policy, API tokens.
    for (const body of Object.values(desks.tenants()))
      expect((await call('POST', '/api/v1/admin/tenants', { headers: auth, body })).status).toBe(201);
    const spare = { ...desks.tenants().jira, slug: 'spare-jira', cloudId: '00000000-0000-4000-8000-000000000000' };
    expect((await call('POST', '/api/v1/admin/tenants', { headers: auth, body: spare })).status).toBe(201);
    expect((await call('DELETE', '/api/v1/admin/tenants/{slug}', { headers: auth, params: { slug: 'spare-jira' } })).status).toBe(204);
    expect((await call('GET', '/api/v1/admin/tenants', { headers: auth })).status).toBe(200);
    const slug = { slug: 'acme-zendesk' };
    const okta = { kind: 'okta', orgUrl: 'https://acme.okta.com', auth: { apiToken: 'okta-api-token-for-tests' } };
    expect(
      (await call('PUT', '/api/v1/admin/tenants/{slug}/idp/{kind}', { headers: auth, params: { ...slug, kind: 'okta' }, body: okta }))
        .status,
    ).toBe(204);
    expect((await call('GET', '/api/v1/admin/tenants/{slug}/idp', { headers: auth, params: slug })).status).toBe(200);
    expect((await call('GET', '/api/v1/admin/tenants/{slug}/policy', { headers: auth, params: slug })).status).toBe(200);
    const policy = { methods: ['okta_push'], supervisors: [] };
    expect((await call('PUT', '/api/v1/admin/tenants/{slug}/policy', { headers: auth, params: slug, body: policy })).status).toBe(200);
    expect((await call('GET', '/api/v1/admin/tenants/{slug}/policy', { headers: auth, params: slug })).status).toBe(200);
    expect(
      (await call('DELETE', '/api/v1/admin/tenants/{slug}/idp/{kind}', { headers: auth, params: { ...slug, kind: 'okta' } })).status,
    ).toBe(204);
    const token = { name: 'openapi-token', scopes: ['metrics'] };
    expect((await call('POST', '/api/v1/admin/api-tokens', { headers: auth, body: token })).status).toBe(201);
    expect((await call('GET', '/api/v1/admin/api-tokens', { headers: auth })).status).toBe(200);
    expect((await call('DELETE', '/api/v1/admin/api-tokens/{name}', { headers: auth, params: { name: 'openapi-token' } })).status).toBe(
      204,
    );

    // Secrets, at the default tenant and at a desk's: create, metadata, reveal, recipient verify (refused: not a
    // verified-only secret), revoke.
    const sealed = await createSecret(t.url);
    for (const [prefix, tenant] of [
      ['/api/v1', 'default'],
      ['/api/v1/t/{tenant}', 'acme-zendesk'],
    ] as const) {
      const made = await call('POST', `${prefix}/secrets`, {
        headers: auth,
        params: { tenant },
        body: { kind: 'text', ciphertext: 'A'.repeat(64), keyCheck: 'B'.repeat(43), views: 2 },
      });
      expect(made.status).toBe(201);
      const params = { tenant, id: made.json.id as string };
      expect((await call('GET', `${prefix}/secrets/{id}`, { params })).status).toBe(200);
      expect((await call('POST', `${prefix}/secrets/{id}/reveal`, { params, body: { keyCheck: 'B'.repeat(43) } })).status).toBe(200);
      await call('POST', `${prefix}/secrets/{id}/verify`, { params, body: { method: 'oidc' } });
      expect(
        (await call('DELETE', `${prefix}/secrets/{id}`, { params, headers: { [REVOKE_TOKEN_HEADER]: made.json.revokeToken } })).status,
      ).toBe(204);
    }
    const revealed = await call('POST', '/api/v1/secrets/{id}/reveal', {
      params: { id: sealed.id },
      body: await revealBody(sealed.linkKey),
    });
    expect(revealed.status).toBe(200);

    // Sidebar sessions at each desk, then the sidebar itself.
    const zAgent = desks.state.zendesk.agents[0]!;
    const zendesk = await call('POST', '/api/v1/sessions/zendesk', {
      body: { token: await desks.mint.zendesk({ agentId: zAgent.id }), ticketId: desks.state.zendesk.tickets[0]!.id },
    });
    expect(zendesk.status).toBe(200);
    const snTicket = desks.state.servicenow.tickets[0]!;
    const snToken = await desks.mint.servicenow({ sysId: snTicket.id, agentSysId: desks.state.servicenow.agents[0]!.id });
    expect(
      (await call('POST', '/api/v1/sessions/servicenow', { body: { token: snToken, table: 'incident', sysId: snTicket.id } })).status,
    ).toBe(200);
    const jiraTicket = desks.state.jira.tickets[0]!;
    const forge = await desks.mint.forge({ accountId: desks.state.jira.agents[0]!.id, issueKey: jiraTicket.id });
    expect(
      (await call('POST', '/api/v1/sessions/jira', { headers: { authorization: `Bearer ${forge}` }, body: { issueKey: jiraTicket.id } }))
        .status,
    ).toBe(200);
    const session = { [SESSION_HEADER]: zendesk.json.session as string };
    expect((await call('POST', '/api/v1/sessions/renew', { headers: session })).status).toBe(200);
    const ticketSecret = { kind: 'text', ciphertext: 'A'.repeat(64), keyCheck: 'B'.repeat(43), requiresVerification: false };
    const made = await call('POST', '/api/v1/sidebar/secrets', { headers: session, body: ticketSecret });
    expect(made.status).toBe(201);
    expect((await call('GET', '/api/v1/sidebar/secrets', { headers: session })).status).toBe(200);
    expect((await call('DELETE', '/api/v1/sidebar/secrets/{id}', { headers: session, params: { id: made.json.id } })).status).toBe(204);
    expect((await call('GET', '/api/v1/sidebar/verifications', { headers: session })).status).toBe(200);
    const draftFindings = {
      ticketId: desks.state.zendesk.tickets[0]!.id,
      findings: [{ kind: 'card', tail: '4242', country: null }],
      reason: 'Customer asked for it in writing',
    };
    expect((await call('POST', '/api/v1/sidebar/draft-findings', { headers: session, body: draftFindings })).status).toBe(201);
    expect((await call('GET', '/api/v1/sidebar/verifications/events', { headers: session })).status).toBe(200);
    // No IdP is connected to this tenant now: starting is refused (its error body is checked).
    await call('POST', '/api/v1/sidebar/verifications', { headers: session, body: { method: 'okta_push' } });
    const unknown = { id: '00000000-0000-4000-8000-000000000000' };
    await call('POST', '/api/v1/sidebar/verifications/{id}/cancel', { headers: session, params: unknown });
    await call('POST', '/api/v1/sidebar/verifications/{id}/code', { headers: session, params: unknown, body: { code: '123456' } });
    await call('POST', '/api/v1/sidebar/verifications/{id}/override', {
      headers: session,
      params: unknown,
      body: { reason: 'the caller lost their phone' },
    });
    await call('POST', '/api/v1/sidebar/verifications/{id}/override/approve', { headers: session, params: unknown });

    // The reviewer API sees what happened above.
    const tenant = { tenant: 'acme-zendesk' };
    expect((await call('GET', '/api/v1/audit/tenants', { headers: auth })).status).toBe(200);
    const events = await call('GET', '/api/v1/audit/t/{tenant}/events', { headers: auth, params: tenant });
    expect(events.status).toBe(200);
    const ticketId = desks.state.zendesk.tickets[0]!.id;
    expect(
      (await call('GET', '/api/v1/audit/t/{tenant}/tickets/{ticketId}/timeline', { headers: auth, params: { ...tenant, ticketId } }))
        .status,
    ).toBe(200);
    await call('GET', '/api/v1/audit/t/{tenant}/receipts/{receipt}', {
      headers: auth,
      params: { ...tenant, receipt: 'vs1-not-a-receipt' },
    });
    expect((await call('GET', '/api/v1/audit/t/{tenant}/export', { headers: auth, params: tenant })).status).toBe(200);

    // Pages people open, and operator sign-in (not configured in this app).
    await call('GET', '/verify/callback/{kind}', { params: { kind: 'oidc' } });
    await call('GET', '/auth/operator/sign-in');
    await call('GET', '/auth/operator/callback');
    await call('POST', '/auth/operator/sign-out');
    await call('GET', '/api/v1/operator/me');
    await call('GET', '/apps/zendesk');
    await call('POST', '/apps/zendesk', { form: 'token=x' });
    await call('GET', '/apps/servicenow');
    await call('GET', '/review');
    expect((await call('GET', '/review/{splat}', { params: { splat: 'tenants' } })).status).toBe(200);
    await call('GET', '/admin');
    expect((await call('GET', '/admin/{splat}', { params: { splat: 'changes' } })).status).toBe(200);
    expect((await call('GET', '/')).status).toBe(200);
    expect((await call('GET', '/s/{id}', { params: { id: sealed.id } })).status).toBe(200);
    expect((await call('GET', '/t/{tenant}/s/{id}', { params: { ...tenant, id: sealed.id } })).status).toBe(200);

    // Four eyes (issue 10): the same admin routes answer 202 and the change queue decides; a second person approves.
    const four = { base: fourEyes.url, headers: auth };
    const minted = await createOperatorTokens(t.keyring).mintSession({ subject: 'openapi-approver', label: 'A', roles: ['admin'] });
    const approver = { cookie: `vouchsafe-operator=${minted.token}`, [OPERATOR_CSRF_HEADER]: minted.session.csrfToken };
    const ask = async (method: string, template: string, params: Record<string, string>, body?: unknown) => {
      const res = await call(method, template, { ...four, params, body });
      expect(res.status).toBe(202);
      return res.json.change.id as string;
    };
    const connect = await ask('PUT', '/api/v1/admin/tenants/{slug}/idp/{kind}', { slug: 'acme-zendesk', kind: 'okta' }, okta);
    expect((await call('GET', '/api/v1/admin/changes', four)).json.changes).toHaveLength(1);
    expect((await call('GET', '/api/v1/admin/changes/{id}', { ...four, params: { id: connect } })).status).toBe(200);
    const approved = await call('POST', '/api/v1/admin/changes/{id}/approve', {
      base: fourEyes.url,
      headers: approver,
      params: { id: connect },
      body: {},
    });
    expect(approved.status).toBe(200);
    const removal = await ask('DELETE', '/api/v1/admin/tenants/{slug}/idp/{kind}', { slug: 'acme-zendesk', kind: 'okta' });
    const reject = { base: fourEyes.url, headers: approver, params: { id: removal }, body: { reason: 'still needed' } };
    expect((await call('POST', '/api/v1/admin/changes/{id}/reject', reject)).status).toBe(200);
    const policyChange = await ask('PUT', '/api/v1/admin/tenants/{slug}/policy', { slug: 'acme-zendesk' }, { methods: ['okta_push'] });
    expect((await call('POST', '/api/v1/admin/changes/{id}/withdraw', { ...four, params: { id: policyChange } })).status).toBe(200);
  });

  it('refusals: every route without credentials, with a broken body, and with an unknown id', async () => {
    for (const route of documented()) {
      const [method, template] = route.split(' ') as [string, string];
      const op = doc.paths[template][method.toLowerCase()];
      const hasJsonBody = op.requestBody?.content['application/json'] !== undefined;
      await call(method, template, hasJsonBody ? { body: '{"broken' } : {});
      if (op.security.length > 0 && hasJsonBody) await call(method, template, { headers: auth, body: '{"broken' });
    }
  });

  it('every route had at least one answer checked', () => {
    const routes = new Set([...checked].map((c) => c.split(' ').slice(0, 2).join(' ')));
    expect(documented().filter((r) => !routes.has(r))).toEqual([]);
    if (process.env.SHOW_CHECKED) console.log([...checked].sort().join('\n'));
  });
});
