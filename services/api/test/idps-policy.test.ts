import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import type { IdpConfig } from '@vouchsafe/contracts';
import { generateKeyEntry } from '../src/modules/keys/keyring';
import { parseKeyring } from '../src/config';
import { rotateKeys } from '../src/modules/keys/rotate-keys';
import { openIdpConfig } from '../src/modules/idps/idp-config';
import { loadIdpConfig } from '../src/modules/idps/idps.service';
import { createProviders } from '../src/modules/idps/providers';
import { loadPolicy } from '../src/modules/policy/load-policy';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/** IdP connections and the verification policy through the admin API, on a real database. */

let t: TestApp;
let strict: TestApp;
let desks: StartedDeskStandIns;
const auth = { authorization: `Bearer ${TOKEN}` };
const ENTRY = generateKeyEntry('k1');

const OKTA_TOKEN = '00okta-secret-api-token-4711';
const DUO_SKEY = 'duo-secret-key-0123456789abcdef';
const DUO_UNIVERSAL_SECRET = 'duo-universal-client-secret-0123456789';
const OIDC_SECRET = 'oidc-client-secret-abcdef';
const TWILIO_TOKEN = 'twilio-auth-token-0123456789';
const SECRETS = [OKTA_TOKEN, DUO_SKEY, DUO_UNIVERSAL_SECRET, OIDC_SECRET, TWILIO_TOKEN];

const okta: IdpConfig = { kind: 'okta', orgUrl: 'http://localhost:4711', auth: { apiToken: OKTA_TOKEN } };
const duo: IdpConfig = {
  kind: 'duo',
  apiHost: 'api-test1234.duosecurity.com',
  integrationKey: 'DIXXXXXXXXXXXXXXXXXX',
  secretKey: DUO_SKEY,
  universal: { clientId: 'DIYYYYYYYYYYYYYYYYYY', clientSecret: DUO_UNIVERSAL_SECRET },
};
const ENTRA_TENANT = '6f1c2a4e-0000-4000-8000-0000000e47a1';
const oidc = {
  kind: 'oidc',
  issuer: `https://login.example.com/${ENTRA_TENANT}/v2.0`,
  clientId: 'client-1',
  clientSecret: OIDC_SECRET,
  flavor: 'entra',
  subjectClaim: 'oid',
} as const;
const twilio: IdpConfig = { kind: 'twilio', accountSid: `AC${'a'.repeat(32)}`, authToken: TWILIO_TOKEN, serviceSid: `VA${'b'.repeat(32)}` };

const put = (app: TestApp, slug: string, kind: string, body: unknown) =>
  api(app.url, 'PUT', `/api/v1/admin/tenants/${slug}/idp/${kind}`, body, auth);
const tenantId = async (slug: string) =>
  (await t.db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp({ keys: ENTRY });
  strict = await startTestApp({ config: { allowInsecureHelpdesks: false } });
  for (const app of [t, strict]) {
    for (const body of [desks.tenants().zendesk, desks.tenants().servicenow]) {
      // The strict app refuses desk overrides too; the desk is not what these tests exercise.
      const { apiBaseUrl: _unused, ...withoutOverride } = body;
      const res = await api(app.url, 'POST', '/api/v1/admin/tenants', app === strict ? withoutOverride : body, auth);
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
  }
});
afterAll(async () => {
  await t?.close();
  await strict?.close();
  await desks?.close();
});

describe('IdP connections', () => {
  it('need the API token', async () => {
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants/acme-zendesk/idp')).status).toBe(401);
    expect((await api(t.url, 'PUT', '/api/v1/admin/tenants/acme-zendesk/idp/okta', okta)).status).toBe(401);
    expect((await api(t.url, 'GET', '/api/v1/admin/tenants/acme-zendesk/policy')).status).toBe(401);
  });

  it('are stored per kind; the listing shows public settings only', async () => {
    for (const c of [okta, duo, oidc, twilio]) {
      const res = await put(t, 'acme-zendesk', c.kind, c);
      expect(res.status, JSON.stringify(res.json)).toBe(204);
    }
    const list = await api(t.url, 'GET', '/api/v1/admin/tenants/acme-zendesk/idp', undefined, auth);
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toContain('no-store');
    expect(list.json.idps.map((i: { kind: string }) => i.kind)).toEqual(['duo', 'oidc', 'okta', 'twilio']);
    expect(list.json.idps[2].settings).toEqual({ orgUrl: 'http://localhost:4711', auth: 'api_token' });
    expect(list.json.idps[0].settings).toMatchObject({ apiHost: duo.kind === 'duo' ? duo.apiHost : '', hasUniversalPrompt: true });
    expect(list.json.idps[1].settings).toMatchObject({ flavor: 'entra', subjectClaim: 'oid', hasClientSecret: true });
    const other = await api(t.url, 'GET', '/api/v1/admin/tenants/acme-servicenow/idp', undefined, auth);
    expect(other.json.idps).toEqual([]);
    const text = JSON.stringify(list.json);
    for (const s of SECRETS) expect(text).not.toContain(s);
  });

  it('keep secrets only in the envelope, out of settings, audit and logs', async () => {
    const rows = await t.db.selectFrom('tenant_idps').selectAll().execute();
    expect(rows).toHaveLength(4);
    const events = await t.db.selectFrom('audit_events').select(['type', 'data']).where('type', 'like', 'idp.%').execute();
    expect(events.filter((e) => e.type === 'idp.configured')).toHaveLength(4);
    expect(events.find((e) => (e.data as { kind: string }).kind === 'okta')?.data).toMatchObject({
      kind: 'okta',
      host: 'localhost:4711',
      auth: 'api_token',
      replaced: false,
    });
    const text = JSON.stringify(rows.map((r) => r.settings)) + JSON.stringify(events) + t.logs.join('');
    for (const s of SECRETS) {
      expect(text).not.toContain(s);
      for (const r of rows) expect(r.credentials_ciphertext.includes(Buffer.from(s))).toBe(false);
    }
  });

  it('open for the tenant and kind they were sealed for, and nowhere else', async () => {
    const zd = await tenantId('acme-zendesk');
    const sn = await tenantId('acme-servicenow');
    expect(await loadIdpConfig(t.db, t.keyring, zd, 'okta')).toEqual(okta);
    expect(await loadIdpConfig(t.db, t.keyring, zd, 'oidc')).toMatchObject({ ...oidc, scopes: ['openid', 'email', 'profile'] });
    expect(await loadIdpConfig(t.db, t.keyring, sn, 'okta')).toBeUndefined();
    const row = await t.db
      .selectFrom('tenant_idps')
      .selectAll()
      .where('tenant_id', '=', zd)
      .where('kind', '=', 'okta')
      .executeTakeFirstOrThrow();
    const sealed = {
      format: row.credentials_format,
      kid: row.credentials_kid,
      wrappedKey: row.credentials_wrapped_key,
      ciphertext: row.credentials_ciphertext,
    };
    expect(() => openIdpConfig(t.keyring, sn, 'okta', sealed)).toThrow();
    expect(() => openIdpConfig(t.keyring, zd, 'duo', sealed)).toThrow();
  });

  it('replace the previous connection of the same kind (audited as a replacement)', async () => {
    const next = { ...okta, orgUrl: 'http://localhost:4712' };
    expect((await put(t, 'acme-zendesk', 'okta', next)).status).toBe(204);
    expect(await loadIdpConfig(t.db, t.keyring, await tenantId('acme-zendesk'), 'okta')).toEqual(next);
    const last = await t.db
      .selectFrom('audit_events')
      .select('data')
      .where('type', '=', 'idp.configured')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(last.data).toMatchObject({ kind: 'okta', host: 'localhost:4712', replaced: true });
    expect((await put(t, 'acme-zendesk', 'okta', okta)).status).toBe(204);
  });

  it('refuse a body whose kind differs from the path, unknown kinds, bad bodies and unknown tenants', async () => {
    const mismatch = await put(t, 'acme-zendesk', 'duo', okta);
    expect(mismatch.status).toBe(422);
    expect(mismatch.json.error.issues).toEqual([{ path: 'kind', message: 'must be "duo" (the kind in the path)' }]);
    expect((await put(t, 'acme-zendesk', 'ldap', okta)).status).toBe(404);
    const bad = await put(t, 'acme-zendesk', 'twilio', { ...twilio, accountSid: 'nope' });
    expect(bad.status).toBe(422);
    expect(bad.json.error.issues.map((i: { path: string }) => i.path)).toContain('accountSid');
    expect(JSON.stringify(bad.json)).not.toContain(TWILIO_TOKEN);
    for (const slug of ['nobody', 'default', 'BAD']) {
      const res = await put(t, slug, 'okta', okta);
      expect(res.status, slug).toBe(404);
      expect((await api(t.url, 'GET', `/api/v1/admin/tenants/${slug}/policy`, undefined, auth)).status).toBe(404);
    }
  });

  it('accept vendor hosts only over https and on public hosts unless insecure overrides are allowed (422 names the field)', async () => {
    const cases: [IdpConfig, string][] = [
      [okta, 'orgUrl'],
      [{ ...okta, orgUrl: 'https://127.0.0.1:8443' }, 'orgUrl'],
      [{ ...oidc, issuer: `http://login.example.com/${ENTRA_TENANT}/v2.0` } as IdpConfig, 'issuer'],
      [{ ...oidc, graph: { baseUrl: 'https://graph.example.test' } } as IdpConfig, 'graph.baseUrl'],
      [{ ...oidc, graph: { tokenUrl: 'https://login.example.test/token' } } as IdpConfig, 'graph.tokenUrl'],
      [{ ...duo, apiHost: 'localhost:9999' }, 'apiHost'],
      [{ ...duo, apiHost: 'api-1234.evil.example' }, 'apiHost'],
      // A regional Twilio edge or another public https host is a legitimate baseUrl; a loopback one is not.
      [{ ...twilio, baseUrl: 'https://[::ffff:7f00:1]' }, 'baseUrl'],
    ];
    for (const [config, field] of cases) {
      const res = await put(strict, 'acme-zendesk', config.kind, config);
      expect(res.status, field).toBe(422);
      expect(res.json.error.issues.map((i: { path: string }) => i.path)).toEqual([field]);
      expect(res.json.error.message).toContain(field);
    }
    for (const config of [{ ...okta, orgUrl: 'https://acme.okta.com' }, duo, oidc, twilio]) {
      expect((await put(strict, 'acme-zendesk', config.kind, config)).status, config.kind).toBe(204);
    }
  });

  it('are re-wrapped by key rotation and still open afterwards', async () => {
    const zd = await tenantId('acme-zendesk');
    const t2 = await t.withKeys(parseKeyring(`${generateKeyEntry('k2')},${ENTRY}`));
    t = t2;
    const result = await rotateKeys(t.db, t.keyring);
    expect(result.remaining).toBe(0);
    const kids = await t.db.selectFrom('tenant_idps').select('credentials_kid').execute();
    expect(kids.every((k) => k.credentials_kid === 'k2')).toBe(true);
    expect(await loadIdpConfig(t.db, t.keyring, zd, 'twilio')).toEqual(twilio);
  });

  it('build providers through the registered constructors', async () => {
    const zd = await tenantId('acme-zendesk');
    const seen: string[] = [];
    const fake = (kind: 'okta' | 'duo') => (config: IdpConfig) => {
      seen.push(`${kind}:${config.kind}`);
      return {
        kind,
        methods: [],
        resolveUser: async () => undefined,
        listMethods: async () => [],
        start: async () => {
          throw new Error('unused');
        },
        cancel: async () => {},
      };
    };
    const providers = await createProviders(t.db, t.keyring, zd, {
      timeoutMs: 1000,
      outbound: t.outbound,
      constructors: { okta: fake('okta'), duo: fake('duo') },
    });
    expect([...providers.keys()].sort()).toEqual(['duo', 'oidc', 'okta', 'twilio']);
    expect(seen.sort()).toEqual(['duo:duo', 'okta:okta']);
    expect(providers.get('oidc')?.kind).toBe('oidc');
    expect(providers.get('twilio')?.kind).toBe('twilio');
    const real = await createProviders(t.db, t.keyring, zd, { timeoutMs: 1000, outbound: t.outbound });
    expect([...real.entries()].map(([k, p]) => [k, p.kind]).sort()).toEqual([
      ['duo', 'duo'],
      ['oidc', 'oidc'],
      ['okta', 'okta'],
      ['twilio', 'twilio'],
    ]);
    expect(
      (await createProviders(t.db, t.keyring, await tenantId('acme-servicenow'), { timeoutMs: 1000, outbound: t.outbound })).size,
    ).toBe(0);
  });

  it('are removed with an audit event; removing twice answers 404', async () => {
    const del = await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-zendesk/idp/twilio', undefined, auth);
    expect(del.status).toBe(204);
    const again = await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-zendesk/idp/twilio', undefined, auth);
    expect(again.status).toBe(404);
    expect(again.json.error.message).toBe('Tenant "acme-zendesk" has no twilio connection.');
    const events = await t.db.selectFrom('audit_events').select('data').where('type', '=', 'idp.removed').execute();
    expect(events.map((e) => e.data)).toEqual([{ kind: 'twilio', actor: 'api-token:integration', approvals: 'single_admin' }]);
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-servicenow/idp/okta', undefined, auth)).status).toBe(404);
  });
});

describe('verification policy', () => {
  const url = (slug: string) => `/api/v1/admin/tenants/${slug}/policy`;

  it('defaults to the configured methods in the documented order (version 0)', async () => {
    const res = await api(t.url, 'GET', url('acme-zendesk'), undefined, auth);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ version: 0, isDefault: true, changedBy: null });
    expect(res.json.policy).toMatchObject({
      methods: ['okta_push', 'duo_push', 'oidc', 'duo_universal'],
      fallbackMethod: 'oidc',
      lifetimeSeconds: 900,
      recentFactorHours: 24,
    });
    expect(res.json.policy.pushLimit).toEqual({ count: 3, windowSeconds: 600, cooldownSeconds: 900 });
    const empty = await api(t.url, 'GET', url('acme-servicenow'), undefined, auth);
    expect(empty.json.policy).toMatchObject({ methods: [], fallbackMethod: null });
  });

  it('refuses methods (or a fallback) whose IdP is not configured, naming them', async () => {
    const res = await api(
      t.url,
      'PUT',
      url('acme-zendesk'),
      { methods: ['okta_push', 'callback_sms'], fallbackMethod: 'callback_voice' },
      auth,
    );
    expect(res.status).toBe(422);
    expect(res.json.error.message).toContain('callback_sms (no twilio connection)');
    expect(res.json.error.message).toContain('callback_voice');
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['methods', 'fallbackMethod']);
    const dup = await api(t.url, 'PUT', url('acme-zendesk'), { methods: ['okta_push', 'okta_push'] }, auth);
    expect(dup.status).toBe(422);
    const extra = await api(t.url, 'PUT', url('acme-zendesk'), { methods: ['okta_push'], bogus: 1 }, auth);
    expect(extra.status).toBe(422);
    expect(await t.db.selectFrom('verification_policies').selectAll().execute()).toHaveLength(0);
  });

  it('stores each change as a new version with its audit event', async () => {
    const first = await api(
      t.url,
      'PUT',
      url('acme-zendesk'),
      { methods: ['duo_push', 'okta_push'], fallbackMethod: 'oidc', pushLimit: { count: 2 } },
      auth,
    );
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json.version).toBe(1);
    expect(first.json.policy.pushLimit).toEqual({ count: 2, windowSeconds: 600, cooldownSeconds: 900 });
    const second = await api(t.url, 'PUT', url('acme-zendesk'), { methods: ['okta_push'], recentFactorHours: 48 }, auth);
    expect(second.json.version).toBe(2);
    const shown = await api(t.url, 'GET', url('acme-zendesk'), undefined, auth);
    expect(shown.json).toMatchObject({
      version: 2,
      isDefault: false,
      changedBy: 'api-token:integration',
      policy: { methods: ['okta_push'], recentFactorHours: 48, fallbackMethod: null },
    });
    const loaded = await loadPolicy(t.db, await tenantId('acme-zendesk'));
    expect(loaded.version).toBe(2);
    expect(loaded.policy.lifetimeSeconds).toBe(900);
    const events = await t.db
      .selectFrom('audit_events')
      .select(['data', 'tenant_id'])
      .where('type', '=', 'policy.changed')
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.data)).toEqual([
      { version: 1, methods: ['duo_push', 'okta_push'], fallbackMethod: 'oidc', actor: 'api-token:integration', approvals: 'single_admin' },
      { version: 2, methods: ['okta_push'], fallbackMethod: null, actor: 'api-token:integration', approvals: 'single_admin' },
    ]);
    expect((await api(t.url, 'GET', url('acme-servicenow'), undefined, auth)).json.version).toBe(0);
  });

  it('never writes two rows with the same version under concurrent admins (409, retry)', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        api(t.url, 'PUT', url('acme-zendesk'), { methods: ['okta_push'], recentFactorHours: i + 1 }, auth),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    for (const r of results.filter((x) => x.status === 409)) expect(r.json.error.message).toContain('retry');
    const rows = await t.db
      .selectFrom('verification_policies')
      .select('version')
      .where('tenant_id', '=', await tenantId('acme-zendesk'))
      .orderBy('version')
      .execute();
    const ok = results.filter((r) => r.status === 200).map((r) => r.json.version as number);
    expect(new Set(ok).size).toBe(ok.length);
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: 2 + ok.length }, (_, i) => i + 1));
    const events = await t.db.selectFrom('audit_events').select('data').where('type', '=', 'policy.changed').execute();
    expect(events).toHaveLength(rows.length);
  });
});
