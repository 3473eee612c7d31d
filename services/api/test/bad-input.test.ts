import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_HEADER } from '@vouchsafe/contracts';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { createTenantKeys } from '../src/modules/keys/tenant-keys';
import {
  appRoutes,
  digestTables,
  hostileJson,
  hostileString,
  hostileValue,
  malformedString,
  percentEncode,
  queryString,
} from './fuzz-support';
import { TOKEN, api, createSecret, startTestApp, type TestApp } from './harness';

/**
 * Property: whatever arrives at an endpoint — wrong types, extra fields, odd content types, broken
 * JSON, hostile ids, NUL and unpaired surrogates, RTL marks, huge strings — the answer is a 4xx
 * with a readable message, never a 5xx, and nothing is stored, consumed or audited.
 * The first part fuzzes the public secret endpoints in depth; the second sends hostile text and JSON
 * to EVERY route of the app (the list is checked against the app's router), with valid credentials
 * so the input reaches the handler, and compares a digest of every table before and after.
 */

let t: TestApp;
let desks: StartedDeskStandIns;
let dir: string;
let existing: Awaited<ReturnType<typeof createSecret>>;
/** A secret of the Zendesk tenant (made through /api/v1/t/acme-zendesk/secrets). */
let tenantSecretId: string;
let session: string;
let zendeskToken: string;
let serviceNowToken: string;
let forgeToken: string;
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vs-fuzz-'));
  // A built portal and sidebars (one file each), so their routes exist and answer.
  mkdirSync(path.join(dir, 'portal'));
  writeFileSync(path.join(dir, 'portal', 'index.html'), '<!doctype html><title>portal</title>');
  for (const desk of ['zendesk', 'servicenow']) {
    mkdirSync(path.join(dir, 'apps', desk, 'dist'), { recursive: true });
    writeFileSync(path.join(dir, 'apps', desk, 'dist', 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  }
  desks = await startDeskStandIns();
  t = await startTestApp({
    config: { portalDir: path.join(dir, 'portal'), appsDir: path.join(dir, 'apps') },
    isLive: true,
  });
  for (const body of Object.values(desks.tenants())) {
    const res = await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth);
    if (res.status !== 201) throw new Error(`tenant: ${res.status} ${JSON.stringify(res.json)}`);
  }
  // Per-tenant keys are created on first use by any read (modules/keys/tenant-keys.ts); make them now so a fuzzed
  // request that is the first reader does not count as a change.
  const tenantKeys = createTenantKeys(t.db, t.keyring);
  for (const { id } of await t.db.selectFrom('tenants').select('id').execute()) await tenantKeys.get(id, 'requester-key');
  existing = await createSecret(t.url, { kind: 'text', text: 'must survive' });
  const own = await api(
    t.url,
    'POST',
    '/api/v1/t/acme-zendesk/secrets',
    { kind: 'text', ciphertext: 'A'.repeat(64), keyCheck: 'B'.repeat(43) },
    auth,
  );
  if (own.status !== 201) throw new Error(`tenant secret: ${own.status} ${JSON.stringify(own.json)}`);
  tenantSecretId = own.json.id;
  const agent = desks.state.zendesk.agents[0]!;
  zendeskToken = await desks.mint.zendesk({ agentId: agent.id });
  const opened = await api(t.url, 'POST', '/api/v1/sessions/zendesk', {
    token: zendeskToken,
    ticketId: desks.state.zendesk.tickets[0]!.id,
  });
  if (opened.status !== 200) throw new Error(`session: ${opened.status} ${JSON.stringify(opened.json)}`);
  session = opened.json.session;
  const snTicket = desks.state.servicenow.tickets[0]!;
  serviceNowToken = await desks.mint.servicenow({ sysId: snTicket.id, agentSysId: desks.state.servicenow.agents[0]!.id });
  forgeToken = await desks.mint.forge({ accountId: desks.state.jira.agents[0]!.id, issueKey: desks.state.jira.tickets[0]!.id });
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function snapshot() {
  const r = await sql<{ secrets: number; payloads: number; events: number; views: number; attempts: number }>`
    SELECT (SELECT count(*) FROM secrets)::int AS secrets, (SELECT count(*) FROM secret_payloads)::int AS payloads,
           (SELECT count(*) FROM audit_events)::int AS events, (SELECT coalesce(sum(views_left), 0) FROM secrets)::int AS views,
           (SELECT count(*) FROM reveal_attempts)::int AS attempts`.execute(t.db);
  return r.rows[0]!;
}

const jsonValue = fc.jsonValue({ maxDepth: 3 });
// Never exactly 43 characters: that is a well-formed 32-byte check, which would make a request valid (a create) or
// a counted wrong guess (a reveal of the existing secret) — real state changes this property must not see.
const b64u = fc
  .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), maxLength: 60 })
  .filter((s) => s.length !== 43);
const field = fc.oneof(jsonValue, b64u, fc.string({ maxLength: 50 }), fc.integer(), fc.double(), fc.constant(null));

const createBody = fc.oneof(
  jsonValue,
  fc.record(
    {
      kind: fc.oneof(fc.constantFrom('text', 'file', 'TEXT', ''), field),
      ciphertext: field,
      keyCheck: fc.oneof(b64u, field),
      passphraseSalt: field,
      passphraseCheck: field,
      ttlSeconds: fc.oneof(fc.integer({ min: -1e6, max: 1e8 }), field),
      views: fc.oneof(fc.integer({ min: -5, max: 50 }), field),
      label: field,
      extra: field,
    },
    { requiredKeys: [] },
  ),
);

const revealBody = fc.oneof(
  jsonValue,
  fc.record({ keyCheck: fc.oneof(b64u, field), passphraseCheck: field, extra: field }, { requiredKeys: [] }),
);

const hostileId = fc.oneof(
  fc.string({ maxLength: 40 }),
  b64u,
  fc.constantFrom('..', '%2e%2e', "'; DROP TABLE secrets; --", '%00', 'A'.repeat(300)),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  '',
);

const rawBody = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"kind":', '[]', 'null', '"x"', '\u0000'),
);

async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
  const res = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text };
}

function expectClear4xx(r: { status: number; text: string }, where: string) {
  if (r.status < 400 || r.status >= 500) throw new Error(`${where}: expected 4xx, got ${r.status} ${r.text.slice(0, 200)}`);
  const body = JSON.parse(r.text) as { error: { code: string; message: string } };
  expect(body.error.code).toMatch(/^[a-z_]+$/);
  expect(body.error.message.length).toBeGreaterThan(10);
}

describe('bad input never reaches a 5xx and changes nothing', () => {
  it('POST /api/v1/secrets', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(createBody, contentType, fc.boolean(), async (body, ct, authed) => {
        const r = await send('POST', '/api/v1/secrets', JSON.stringify(body), {
          ...(ct ? { 'content-type': ct } : {}),
          ...(authed ? { authorization: `Bearer ${TOKEN}` } : {}),
        });
        // A randomly generated body can be valid only by astronomically unlikely chance (ciphertext length and key check).
        expectClear4xx(r, 'create');
      }),
      { numRuns: 300 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('POST /api/v1/secrets with raw bodies', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, async (body, ct) => {
        const r = await send('POST', '/api/v1/secrets', body, {
          ...(ct ? { 'content-type': ct } : {}),
          authorization: `Bearer ${TOKEN}`,
        });
        expectClear4xx(r, 'create raw');
      }),
      { numRuns: 200 },
    );
    expect(await snapshot()).toEqual(before);
  });

  it('POST /api/v1/secrets/{id}/reveal', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileId, fc.constant(existing.id)), revealBody, contentType, async (id, body, ct) => {
        const r = await send(
          'POST',
          `/api/v1/secrets/${encodeURIComponent(id)}/reveal`,
          JSON.stringify(body),
          ct ? { 'content-type': ct } : {},
        );
        expectClear4xx(r, 'reveal');
      }),
      { numRuns: 300 },
    );
    const after = await snapshot();
    // Malformed requests are refused before any lookup: no view consumed, nothing stored.
    // (A well-formed but wrong key check for the existing secret is a counted, audited failure;
    // the generators never produce one: see b64u.)
    expect(after).toEqual(before);
  });

  it('GET, HEAD and DELETE /api/v1/secrets/{id}', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(hostileId, fc.string({ maxLength: 80 }), async (id, token) => {
        const path = `/api/v1/secrets/${encodeURIComponent(id)}`;
        expectClear4xx(await send('GET', path, undefined, {}), 'get');
        const head = await fetch(`${t.url}${path}`, { method: 'HEAD' });
        expect(head.status).toBeGreaterThanOrEqual(400);
        expect(head.status).toBeLessThan(500);
        const safeToken = token.replace(/[^\x21-\x7e]/g, '');
        expectClear4xx(await send('DELETE', path, undefined, safeToken ? { 'x-revoke-token': safeToken } : {}), 'delete');
      }),
      { numRuns: 200 },
    );
    expect(await snapshot()).toEqual(before);
    const meta = await fetch(`${t.url}/api/v1/secrets/${existing.id}`);
    expect(meta.status).toBe(200);
  });

  it('unknown endpoints and methods', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['PUT', '/api/v1/secrets/x'],
      ['PATCH', '/api/v1/secrets'],
      ['GET', '/api/v1/secrets'],
      ['POST', '/api/v2/secrets'],
    ] as const) {
      expectClear4xx(await send(method, path, undefined, {}), `${method} ${path}`);
    }
  });
});

/**
 * Every route of the app, what it needs to get past authentication, and what its body looks like.
 * `params`: generators for path parameters that may be valid (an existing tenant, a known kind) —
 * never for routes where a valid id alone would change state (revoke, cancel, approve, remove):
 * those get hostile ids only. `valid`: a correct body; the fuzzer replaces one of its fields with
 * malformed text, so it always fails, but only on that one field.
 */
interface EndpointSpec {
  auth?: 'token' | 'session' | 'forge';
  params?: Record<string, fc.Arbitrary<string>>;
  body?: 'json' | 'form';
  valid?: () => Record<string, unknown>;
  /** Query keys the route reads (the fuzzer also sends random ones). */
  query?: string[];
  headers?: () => fc.Arbitrary<Record<string, string>>;
  /**
   * Tables a fuzzed request may legitimately change: the route stores free text whose only rule is well-formed text of
   * a length (a webhook signing secret), so a random string can be a valid value. Every other table must stay as it was.
   */
  mayChange?: readonly string[];
}

const anyParam = hostileString(60, 20_000);
/** Any 16–512 characters of well-formed text is a valid webhook secret: set (or removed) and audited. */
const WEBHOOK_SECRET_TABLES = ['desk_webhook_secrets', 'audit_events'] as const;
const without = (digest: Record<string, string>, tables: readonly string[] = []) =>
  Object.fromEntries(Object.entries(digest).filter(([name]) => !tables.includes(name)));
const validOr = (...values: (() => string)[]) =>
  fc.oneof(
    anyParam,
    fc.constantFrom(...values).map((f) => f()),
  );
const TENANT = validOr(
  () => 'acme-zendesk',
  () => 'acme-jira',
  () => 'default',
);
const SLUG = validOr(
  () => 'acme-zendesk',
  () => 'acme-servicenow',
);
const SECRET_ID = validOr(
  () => existing.id,
  () => tenantSecretId,
);
const KIND = validOr(
  () => 'okta',
  () => 'duo',
  () => 'oidc',
  () => 'twilio',
);
const check43 = 'A'.repeat(43);
const createValid = () => ({ kind: 'text', ciphertext: 'A'.repeat(64), keyCheck: check43, ttlSeconds: 3600, views: 1, label: 'label' });

const ENDPOINTS: Record<string, EndpointSpec> = {
  'GET /': {},
  'GET /s/:id': { params: { id: SECRET_ID } },
  'GET /t/:tenant/s/:id': { params: { tenant: TENANT, id: SECRET_ID } },
  'GET /d/:id': { params: { id: SECRET_ID } },
  'GET /t/:tenant/d/:id': { params: { tenant: TENANT, id: SECRET_ID } },
  // Issue 11: the customer's upload routes, at both prefixes (chunk bodies are octet-stream: JSON is refused).
  ...Object.fromEntries(
    (['', '/t/:tenant'] as const).flatMap((prefix) => {
      const params: Record<string, fc.Arbitrary<string>> = prefix ? { tenant: TENANT } : {};
      const base = `/api/v1${prefix}/document-requests/:id`;
      const start = { id: 'A'.repeat(22), mediaType: 'image/png', sizeBytes: 10, chunkBytes: 65_536, ephemeralPublicKey: 'B'.repeat(87) };
      return [
        [`GET ${base}`, { params }],
        [`GET ${base}/files/:fileId`, { params }],
        [`POST ${base}/files`, { params, body: 'json', valid: () => start }],
        [`PUT ${base}/files/:fileId/chunks/:n`, { params, body: 'json' }],
        [`PUT ${base}/files/:fileId/name`, { params, body: 'json' }],
        [`POST ${base}/files/:fileId/finish`, { params }],
        [`POST ${base}/finish`, { params }],
      ] satisfies [string, EndpointSpec][];
    }),
  ),
  'GET /check': {},
  'GET /t/:tenant/check': { params: { tenant: TENANT } },
  'GET /api/v1/branding': {},
  'GET /api/v1/branding/logo.png': {},
  'POST /api/v1/secrets/:id/trust': { params: { id: SECRET_ID }, body: 'json', valid: () => ({ keyCheck: check43 }) },
  'POST /api/v1/link-check': { body: 'json', valid: () => ({ link: `https://example.com/s/${'A'.repeat(22)}` }) },
  'GET /api/v1/t/:tenant/branding': { params: { tenant: TENANT } },
  'GET /api/v1/t/:tenant/branding/logo.png': { params: { tenant: TENANT } },
  'POST /api/v1/t/:tenant/secrets/:id/trust': {
    params: { tenant: TENANT, id: SECRET_ID },
    body: 'json',
    valid: () => ({ keyCheck: check43 }),
  },
  'POST /api/v1/t/:tenant/link-check': { params: { tenant: TENANT }, body: 'json', valid: () => ({ link: 'A'.repeat(22) }) },
  'GET /api/v1/admin/tenants/:slug/branding': { auth: 'token', params: { slug: SLUG } },
  'PUT /api/v1/admin/tenants/:slug/branding': {
    auth: 'token',
    params: { slug: SLUG },
    body: 'json',
    valid: () => ({ displayName: 'Acme Bank', brandColor: '#0b5394', supportPhone: '+44 20 7946 0000', linkDomain: 'links.acmebank.com' }),
  },
  'DELETE /api/v1/admin/tenants/:slug/branding': { auth: 'token' },
  'GET /healthz': {},
  'GET /readyz': {},
  'GET /favicon.ico': {},
  'GET /metrics': { auth: 'token' },
  'GET /apps/zendesk': { query: ['origin', 'app_guid'] },
  'POST /apps/zendesk': { body: 'form' },
  'GET /apps/servicenow': { query: ['table', 'sys_id'] },
  'GET /verify/callback/:kind': {
    params: {
      kind: validOr(
        () => 'oidc',
        () => 'duo',
      ),
    },
    query: ['state', 'code', 'duo_code', 'error'],
  },
  'POST /api/v1/secrets': { auth: 'token', body: 'json', valid: createValid },
  'GET /api/v1/secrets/:id': { params: { id: SECRET_ID } },
  'POST /api/v1/secrets/:id/reveal': { params: { id: SECRET_ID }, body: 'json', valid: () => ({ keyCheck: check43 }) },
  'POST /api/v1/secrets/:id/verify': { params: { id: SECRET_ID }, body: 'json', valid: () => ({ method: 'oidc' }) },
  'DELETE /api/v1/secrets/:id': { params: { id: SECRET_ID }, headers: () => revokeHeader },
  'POST /api/v1/t/:tenant/secrets': { auth: 'token', params: { tenant: TENANT }, body: 'json', valid: createValid },
  'GET /api/v1/t/:tenant/secrets/:id': { params: { tenant: TENANT, id: SECRET_ID } },
  'POST /api/v1/t/:tenant/secrets/:id/reveal': {
    params: { tenant: TENANT, id: SECRET_ID },
    body: 'json',
    valid: () => ({ keyCheck: check43 }),
  },
  'POST /api/v1/t/:tenant/secrets/:id/verify': {
    params: { tenant: TENANT, id: SECRET_ID },
    body: 'json',
    valid: () => ({ method: 'duo_universal' }),
  },
  'DELETE /api/v1/t/:tenant/secrets/:id': { params: { tenant: TENANT, id: SECRET_ID }, headers: () => revokeHeader },
  'GET /api/v1/admin/tenants': { auth: 'token' },
  'POST /api/v1/admin/tenants': {
    auth: 'token',
    body: 'json',
    valid: () => ({ ...desks.tenants().jira, slug: 'fuzz-jira', cloudId: '00000000-0000-4000-8000-000000000000' }),
  },
  'DELETE /api/v1/admin/tenants/:slug': { auth: 'token' },
  'GET /api/v1/admin/tenants/:slug/idp': { auth: 'token', params: { slug: SLUG } },
  'PUT /api/v1/admin/tenants/:slug/idp/:kind': {
    auth: 'token',
    params: { slug: SLUG, kind: KIND },
    body: 'json',
    valid: () => ({ kind: 'okta', orgUrl: 'https://acme.okta.com', auth: { apiToken: 'okta-api-token-for-tests' } }),
  },
  'DELETE /api/v1/admin/tenants/:slug/idp/:kind': { auth: 'token', params: { slug: SLUG } },
  'GET /api/v1/admin/tenants/:slug/policy': { auth: 'token', params: { slug: SLUG } },
  'PUT /api/v1/admin/tenants/:slug/policy': {
    auth: 'token',
    params: { slug: SLUG },
    body: 'json',
    valid: () => ({ methods: ['okta_push'], supervisors: [] }),
  },
  // Issue 12: the tenant's desk webhook secret, and the desks' signed webhooks (no secret set here: every delivery is refused).
  'GET /api/v1/admin/tenants/:slug/webhook-secret': { auth: 'token', params: { slug: SLUG } },
  'PUT /api/v1/admin/tenants/:slug/webhook-secret': {
    auth: 'token',
    params: { slug: SLUG },
    body: 'json',
    valid: () => ({ secret: 'a-webhook-signing-secret-for-tests' }),
    mayChange: WEBHOOK_SECRET_TABLES,
  },
  'DELETE /api/v1/admin/tenants/:slug/webhook-secret': { auth: 'token', params: { slug: SLUG }, mayChange: WEBHOOK_SECRET_TABLES },
  'POST /api/v1/desk-events/zendesk/:tenant': {
    params: { tenant: TENANT },
    body: 'json',
    valid: () => ({ id: 'E1', type: 'x', subject: 'zen:ticket:1' }),
  },
  'POST /api/v1/desk-events/jira/:tenant': { params: { tenant: TENANT }, body: 'json', valid: () => ({ timestamp: 1, webhookEvent: 'x' }) },
  'POST /api/v1/desk-events/servicenow/:tenant': {
    params: { tenant: TENANT },
    body: 'json',
    valid: () => ({ event_id: 'e1', type: 'ticket.closed' }),
  },
  'GET /api/v1/admin/api-tokens': { auth: 'token' },
  'POST /api/v1/admin/api-tokens': { auth: 'token', body: 'json', valid: () => ({ name: 'fuzz-token', scopes: ['metrics'] }) },
  'DELETE /api/v1/admin/api-tokens/:name': { auth: 'token' },
  // Issue 10, the change queue (maker-checker): TOKEN is ownerless, so it may read but never decide.
  'GET /api/v1/admin/changes': { auth: 'token' },
  'GET /api/v1/admin/changes/:id': { auth: 'token' },
  'POST /api/v1/admin/changes/:id/approve': { auth: 'token', body: 'json', valid: () => ({ reason: 'looks right' }) },
  'POST /api/v1/admin/changes/:id/reject': { auth: 'token', body: 'json', valid: () => ({ reason: 'not this time' }) },
  'POST /api/v1/admin/changes/:id/withdraw': { auth: 'token' },
  // Issue 9, reviewer API (auditor scope; TOKEN has every scope). A search that succeeds is audited (review.*).
  'GET /api/v1/audit/tenants': { auth: 'token' },
  'GET /api/v1/audit/t/:tenant/events': {
    auth: 'token',
    params: { tenant: TENANT },
    query: ['ticket', 'agent', 'from', 'until', 'outcome', 'flag', 'kind', 'limit', 'cursor'],
  },
  'GET /api/v1/audit/t/:tenant/tickets/:ticketId/timeline': { auth: 'token', params: { tenant: TENANT } },
  'GET /api/v1/audit/t/:tenant/receipts/:receipt': { auth: 'token', params: { tenant: TENANT } },
  // Issue 9 (audit core). The tenant is fuzzed only: a valid one with a valid query records a `review.exported` event.
  'GET /api/v1/audit/t/:tenant/export': { auth: 'token', query: ['since', 'until', 'format'] },
  'POST /api/v1/sessions/zendesk': { body: 'json', valid: () => ({ token: zendeskToken, ticketId: '101' }) },
  'POST /api/v1/sessions/servicenow': {
    body: 'json',
    valid: () => ({ token: serviceNowToken, table: 'incident', sysId: desks.state.servicenow.tickets[0]!.id }),
  },
  'POST /api/v1/sessions/jira': { auth: 'forge', body: 'json', valid: () => ({ issueKey: desks.state.jira.tickets[0]!.id }) },
  'POST /api/v1/sessions/renew': { auth: 'session' },
  'POST /api/v1/sidebar/secrets': { auth: 'session', body: 'json', valid: () => ({ ...createValid(), requiresVerification: false }) },
  'GET /api/v1/sidebar/secrets': { auth: 'session' },
  'DELETE /api/v1/sidebar/secrets/:id': { auth: 'session' },
  // Issue 12: a reply sent after the save hook's warning (facts only).
  'POST /api/v1/sidebar/draft-findings': {
    auth: 'session',
    body: 'json',
    valid: () => ({ ticketId: '1', findings: [{ kind: 'payment_card', tail: '4242', country: null }], reason: 'customer asked' }),
  },
  // Issue 11: document requests from the sidebar (no request exists here: ids answer 404 after validation).
  'POST /api/v1/sidebar/document-requests': {
    auth: 'session',
    body: 'json',
    valid: () => ({ presets: ['photo_id'], maxFiles: 1, publicKey: 'B'.repeat(87), sealedPrivateKey: 'A'.repeat(100) }),
  },
  'GET /api/v1/sidebar/document-requests': { auth: 'session' },
  'GET /api/v1/sidebar/document-requests/:id/material': { auth: 'session' },
  'GET /api/v1/sidebar/document-requests/:id/files/:fileId/chunks/:n': { auth: 'session' },
  'POST /api/v1/sidebar/document-requests/:id/review': { auth: 'session', body: 'json', valid: () => ({ outcome: 'accepted' }) },
  'DELETE /api/v1/sidebar/document-requests/:id': { auth: 'session' },
  'GET /api/v1/sidebar/verifications': { auth: 'session' },
  'GET /api/v1/sidebar/verifications/events': { auth: 'session' },
  'POST /api/v1/sidebar/verifications': { auth: 'session', body: 'json', valid: () => ({ method: 'okta_push' }) },
  'POST /api/v1/sidebar/verifications/:id/cancel': { auth: 'session' },
  'POST /api/v1/sidebar/verifications/:id/code': { auth: 'session', body: 'json', valid: () => ({ code: '123456' }) },
  'POST /api/v1/sidebar/verifications/:id/override': {
    auth: 'session',
    body: 'json',
    valid: () => ({ reason: 'the caller lost their phone' }),
  },
  'POST /api/v1/sidebar/verifications/:id/override/approve': { auth: 'session' },
  'POST /api/v1/sidebar/verifications/:id/override/decline': {
    auth: 'session',
    body: 'json',
    valid: () => ({ reason: 'call the customer back first' }),
  },
  'GET /api/v1/sidebar/overrides': { auth: 'session' },
  // Issue 16: a short sign-in link and the pages' stylesheet (no input reaches anything but the id lookup).
  'GET /v/:id': {},
  'GET /verify/page.css': {},
  'POST /api/v1/sidebar/verifications/fraud-flag/acknowledge': {
    auth: 'session',
    body: 'json',
    valid: () => ({ reason: 'called back on the number on record' }),
  },
  // Operator sign-in (not configured in this app: every one answers 404; operators.test.ts drives the real flow).
  'GET /auth/operator/sign-in': { query: ['return'] },
  'GET /auth/operator/callback': { query: ['state', 'code', 'error', 'iss'] },
  'POST /auth/operator/sign-out': {},
  'GET /api/v1/operator/me': {},
  // The OpenAPI document (src/openapi): no input reaches anything.
  'GET /api/v1/openapi.json': {},
};

/** Printable ASCII only: fetch refuses anything else in a header value. */
const revokeHeader = fc
  .string({ maxLength: 80 })
  .map((s) => s.replace(/[^\x21-\x7e]/g, ''))
  .map((v): Record<string, string> => (v ? { 'x-revoke-token': v } : {}));

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | URLSearchParams | undefined;
}

function requestFor(key: string, spec: EndpointSpec): fc.Arbitrary<FuzzRequest> {
  const [method, pattern] = key.split(' ') as [string, string];
  const names = [...pattern.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const params = fc.record(Object.fromEntries(names.map((n) => [n, spec.params?.[n] ?? anyParam])));
  const queryKey = spec.query ? fc.oneof(fc.constantFrom(...spec.query), hostileString(12, 2_000)) : hostileString(12, 2_000);
  const query = fc.array(fc.tuple(queryKey, fc.oneof(hostileString(60, 12_000), malformedString)), { maxLength: 4 });
  let body: fc.Arbitrary<FuzzRequest['body']> = fc.constant(undefined);
  if (spec.body === 'json') {
    const variants: fc.WeightedArbitrary<unknown>[] = [
      { weight: 1, arbitrary: hostileJson },
      { weight: 1, arbitrary: fc.dictionary(hostileString(12, 100), hostileValue, { maxKeys: 5 }) },
    ];
    if (spec.valid) {
      const keys = Object.keys(spec.valid());
      variants.push({ weight: 1, arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, hostileValue])), { requiredKeys: [] }) });
      // The deepest reach: everything right but one field (which always fails the text rule).
      variants.push({
        weight: 3,
        arbitrary: fc.tuple(fc.constantFrom(...keys), malformedString).map(([k, bad]) => ({ ...spec.valid!(), [k]: bad })),
      });
    }
    // JSON.stringify keeps NUL and lone surrogates as \u escapes, exactly as a hostile client would send them.
    body = fc.oneof(...variants).map((v) => JSON.stringify(v) ?? 'null');
  } else if (spec.body === 'form') {
    body = fc
      .array(fc.tuple(fc.oneof(fc.constant('token'), hostileString(12, 100)), hostileString(60, 12_000)), { maxLength: 4 })
      .map((pairs) => {
        // URLSearchParams would turn lone surrogates into U+FFFD; keep them as raw WTF-8 bytes instead.
        return pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
      });
  }
  const extra = spec.headers?.() ?? fc.constant({});
  return fc.tuple(params, query, body, extra).map(([p, q, b, h]) => {
    const url = pattern.replace(/:([A-Za-z]+)/g, (_m, n: string) => percentEncode(p[n]!)) + queryString(q);
    const headers: Record<string, string> = { ...h };
    if (spec.auth === 'token') headers.authorization = `Bearer ${TOKEN}`;
    if (spec.auth === 'session') headers[SESSION_HEADER] = session;
    if (spec.auth === 'forge') headers.authorization = `Bearer ${forgeToken}`;
    if (spec.body === 'json') headers['content-type'] = 'application/json';
    if (spec.body === 'form') headers['content-type'] = 'application/x-www-form-urlencoded';
    return { method, path: url, headers, body: b };
  });
}

async function sendFuzz(r: FuzzRequest): Promise<{ status: number; type: string; text: string }> {
  const ac = new AbortController();
  const res = await fetch(`${t.url}${r.path}`, { method: r.method, headers: r.headers, body: r.body, signal: ac.signal });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('text/event-stream')) {
    ac.abort(); // the live stream never ends by itself
    return { status: res.status, type, text: '' };
  }
  return { status: res.status, type, text: await res.text() };
}

describe('every endpoint: hostile text and JSON never reach a 5xx and change nothing', () => {
  it('the fuzz list covers exactly the routes the app has', () => {
    expect(Object.keys(ENDPOINTS).sort()).toEqual(appRoutes(t.app));
  });

  it.each(Object.keys(ENDPOINTS))('%s', async (key) => {
    const mayChange = ENDPOINTS[key]!.mayChange;
    const before = without(await digestTables(t.db), mayChange);
    await fc.assert(
      fc.asyncProperty(requestFor(key, ENDPOINTS[key]!), async (r) => {
        const res = await sendFuzz(r);
        if (res.status >= 500) throw new Error(`${r.method} ${r.path.slice(0, 200)}: ${res.status} ${res.text.slice(0, 300)}`);
        if (res.status >= 400 && res.type.startsWith('application/json')) {
          const body = JSON.parse(res.text) as { error: { code: string; message: string } };
          expect(body.error.code).toMatch(/^[a-z_]+$/);
          expect(body.error.message.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 60 },
    );
    expect(without(await digestTables(t.db), mayChange)).toEqual(before);
  });
});
