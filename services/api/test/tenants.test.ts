import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { parseKeyring } from '../src/config';
import { Keyring, generateKeyEntry } from '../src/modules/keys/keyring';
import { rotateKeys } from '../src/modules/keys/rotate-keys';
import { createTenantsService } from '../src/modules/tenants/tenants.service';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

let t: TestApp;
let desks: StartedDeskStandIns;
const auth = { authorization: `Bearer ${TOKEN}` };
const ENTRY = generateKeyEntry('k1');

beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp({ keys: ENTRY });
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
});

describe('tenant administration', () => {
  it('needs the API token', async () => {
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants')).status).toBe(401);
    expect((await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk)).status).toBe(401);
  });

  it('adds one tenant per desk account, lists them, and refuses duplicates with 409', async () => {
    const bodies = desks.tenants();
    for (const body of [bodies.zendesk, bodies.servicenow, bodies.jira]) {
      const res = await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth);
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(res.json).toMatchObject({ slug: body.slug, desk: body.desk, name: body.name });
    }
    const list = await api(t.url, 'GET', '/api/v1/admin/tenants', undefined, auth);
    expect(list.json.tenants.map((x: { slug: string }) => x.slug)).toEqual(['default', 'acme-zendesk', 'acme-servicenow', 'acme-jira']);
    expect(list.json.tenants[1]).toMatchObject({ desk: 'zendesk', account: 'acme' });
    expect(JSON.stringify(list.json)).not.toContain('apiToken');

    const sameSlug = await api(
      t.url,
      'POST',
      '/api/v1/admin/tenants',
      { ...bodies.servicenow, slug: 'acme-zendesk', instance: 'other' },
      auth,
    );
    expect(sameSlug.status).toBe(409);
    expect(sameSlug.json.error).toMatchObject({ code: 'conflict' });
    expect(sameSlug.json.error.message).toContain('acme-zendesk');
    const sameAccount = await api(t.url, 'POST', '/api/v1/admin/tenants', { ...bodies.zendesk, slug: 'acme-again' }, auth);
    expect(sameAccount.status).toBe(409);
    expect(sameAccount.json.error.message).toBe('This Zendesk account already has a tenant.');
  });

  it('validates the body with the shared schema (422 names the field)', async () => {
    const res = await api(t.url, 'POST', '/api/v1/admin/tenants', { ...desks.tenants().zendesk, slug: 'Bad Slug' }, auth);
    expect(res.status).toBe(422);
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toContain('slug');
  });

  it('stores desk credentials only as an envelope, and keeps them out of audit rows and logs', async () => {
    const { zendesk } = desks.tenants();
    const row = await t.db.selectFrom('tenants').selectAll().where('slug', '=', 'acme-zendesk').executeTakeFirstOrThrow();
    const secret = 'apiToken' in zendesk.credentials ? zendesk.credentials.apiToken : '';
    expect(secret.length).toBeGreaterThan(8);
    expect(row.credentials_ciphertext?.includes(Buffer.from(secret))).toBe(false);
    expect(row.credentials_kid).toBe('k1');
    expect(JSON.stringify(row.verification)).not.toContain(secret);
    const events = await t.db.selectFrom('audit_events').select(['type', 'data', 'tenant_id']).where('type', 'like', 'tenant.%').execute();
    expect(events.filter((e) => e.type === 'tenant.added')).toHaveLength(3);
    const text = JSON.stringify(events) + t.logs.join('');
    for (const body of Object.values(desks.tenants())) {
      for (const value of Object.values(body.credentials)) expect(text).not.toContain(value);
    }
    expect(text).not.toContain('BEGIN PUBLIC KEY');
  });

  it('opens the credentials for the connector, bound to their own tenant row', async () => {
    const tenants = createTenantsService({ db: t.db, keyring: t.keyring, outbound: t.outbound });
    const zd = await tenants.loadDeskTenant({ desk: 'zendesk', account: 'acme' });
    expect(zd?.credentials).toEqual(desks.tenants().zendesk.credentials);
    expect(zd?.apiBaseUrl).toBe(`${desks.url}/zendesk`);
    const jira = await tenants.loadDeskTenant({ desk: 'jira', account: desks.tenants().jira.cloudId });
    expect(jira?.verification.appId).toBe(desks.tenants().jira.appId);

    // A credentials envelope copied onto another tenant row does not open there (AAD binds the tenant).
    const src = await t.db.selectFrom('tenants').selectAll().where('slug', '=', 'acme-zendesk').executeTakeFirstOrThrow();
    const own = await t.db.selectFrom('tenants').selectAll().where('slug', '=', 'acme-servicenow').executeTakeFirstOrThrow();
    const copy = await t.db
      .updateTable('tenants')
      .set({
        credentials_wrapped_key: src.credentials_wrapped_key,
        credentials_ciphertext: src.credentials_ciphertext,
        credentials_kid: src.credentials_kid,
      })
      .where('slug', '=', 'acme-servicenow')
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(tenants.loadDeskTenant({ id: copy.id })).rejects.toThrow(/unwrapped|authentication/);
    await t.db
      .updateTable('tenants')
      .set({ credentials_wrapped_key: own.credentials_wrapped_key, credentials_ciphertext: own.credentials_ciphertext })
      .where('id', '=', copy.id)
      .execute();
    expect((await tenants.loadDeskTenant({ id: copy.id }))?.credentials).toEqual(desks.tenants().servicenow.credentials);
  });

  it('re-wraps tenant credentials on key rotation, so the old key can be dropped', async () => {
    const next = generateKeyEntry('k2');
    const rotated = new Keyring(parseKeyring(`${next},${ENTRY}`));
    const result = await rotateKeys(t.db, rotated);
    expect(result.remaining).toBe(0);
    const kids = await t.db.selectFrom('tenants').select('credentials_kid').where('desk', 'is not', null).execute();
    expect(new Set(kids.map((k) => k.credentials_kid).filter(Boolean))).toEqual(new Set(['k2']));
    const onlyNew = createTenantsService({ db: t.db, keyring: new Keyring(parseKeyring(next)), outbound: t.outbound });
    expect((await onlyNew.loadDeskTenant({ desk: 'zendesk', account: 'acme' }))?.credentials).toEqual(desks.tenants().zendesk.credentials);
  });

  it('removes a tenant softly (204, then 404), audits it, and frees the account for a new tenant', async () => {
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-zendesk', undefined, auth)).status).toBe(204);
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-zendesk', undefined, auth)).status).toBe(404);
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/default', undefined, auth)).status).toBe(404);
    const row = await t.db.selectFrom('tenants').selectAll().where('slug', '=', 'acme-zendesk').executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(row.credentials_ciphertext).toBeNull();
    const removed = await t.db.selectFrom('audit_events').select('data').where('type', '=', 'tenant.removed').execute();
    expect(removed).toEqual([{ data: { slug: 'acme-zendesk', desk: 'zendesk', account: 'acme', actor: 'api-token:integration' } }]);
    const list = await api(t.url, 'GET', '/api/v1/admin/tenants', undefined, auth);
    expect(list.json.tenants.map((x: { slug: string }) => x.slug)).not.toContain('acme-zendesk');
    const again = await api(t.url, 'POST', '/api/v1/admin/tenants', { ...desks.tenants().zendesk, slug: 'acme-zd-2' }, auth);
    expect(again.status).toBe(201);
  });
});

describe('tenant overrides outside development', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ config: { allowInsecureHelpdesks: false } });
  });
  afterAll(async () => strict?.close());

  it('refuses apiBaseUrl and jwksUrl overrides with 422 unless insecure help desks are allowed', async () => {
    const { zendesk, jira } = desks.tenants();
    const zd = await api(strict.url, 'POST', '/api/v1/admin/tenants', zendesk, auth);
    expect(zd.status).toBe(422);
    expect(zd.json.error.issues).toEqual([{ path: 'apiBaseUrl', message: expect.stringContaining('VOUCHSAFE_ALLOW_INSECURE_HELPDESKS') }]);
    const { apiBaseUrl: _a, jwksUrl: _j, ...plainJira } = jira;
    const jr = await api(strict.url, 'POST', '/api/v1/admin/tenants', { ...plainJira, jwksUrl: jira.jwksUrl }, auth);
    expect(jr.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['jwksUrl', 'siteUrl']);
    const { apiBaseUrl: _b, ...plainZendesk } = zendesk;
    const ok = await api(strict.url, 'POST', '/api/v1/admin/tenants', plainZendesk, auth);
    expect(ok.status).toBe(201);
  });
});
