import { generateKeyPairSync } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { selfSignedCertificate } from '@vouchsafe/test-support';
import { createOutbound, outboundPolicy } from '../src/lib/outbound';
import { TOKEN, api, startTestApp, type TestApp } from './harness';

/**
 * Registration over HTTP with the production policy (no development flag, no operator allowlist): every URL an admin
 * gives Vouchsafe to connect to, in every spelling of a loopback, private, link-local or metadata destination, is
 * refused with 422 naming the field, and nothing is stored. Keys that do not parse or are too weak are refused too.
 */

const auth = { authorization: `Bearer ${TOKEN}` };
const BASE = 'https://desk.bank.example';

/** Names under .private.example resolve to a private address; everything else does not resolve (offline tests). */
async function resolve(hostname: string): Promise<LookupAddress[]> {
  if (hostname.endsWith('.private.example')) return [{ address: '10.0.0.7', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
}

/** Every way of writing a destination Vouchsafe must not connect to (https unless the point is http). */
const BAD_HOSTS: readonly string[] = [
  'https://127.0.0.1',
  'https://127.0.0.1:8443',
  'https://127.1',
  'https://0x7f000001',
  'https://0x7f.1',
  'https://2130706433',
  'https://017700000001',
  'https://0',
  'https://0.0.0.0',
  'https://10.1.2.3',
  'https://172.16.5.4',
  'https://192.168.1.10',
  'https://100.64.0.1',
  'https://169.254.169.254',
  'https://0xa9fea9fe',
  'https://[::1]',
  'https://[::]',
  'https://[::ffff:7f00:1]',
  'https://[::ffff:127.0.0.1]',
  'https://[::ffff:a9fe:a9fe]',
  'https://[64:ff9b::7f00:1]',
  'https://[2002:7f00:1::]',
  'https://[fd00:ec2::254]',
  'https://[fc00::1]',
  'https://[fe80::1]',
  'https://localhost',
  'https://app.localhost',
  'https://intranet',
  'https://metadata.google.internal',
  'https://printer.local',
  'https://sso.private.example',
  'http://acme.example.com',
  'https://admin:hunter2@acme.example.com',
  'https://acme.example.com/#frag',
];

let t: TestApp;
let desks: StartedDeskStandIns;

beforeAll(async () => {
  desks = await startDeskStandIns();
  t = await startTestApp({
    config: { allowInsecureHelpdesks: false },
    outbound: createOutbound(outboundPolicy({ allowInsecureHelpdesks: false, outboundAllow: [] }), { resolve }),
  });
  const res = await api(t.url, 'POST', '/api/v1/admin/tenants', { ...desks.tenants(BASE).zendesk, apiBaseUrl: undefined }, auth);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
});

const tenantCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('tenants')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const idpCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('tenant_idps')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

function expectRefused(res: { status: number; json: any }, field: string, url: string): void {
  expect(res.status, `${field} ${url}: ${JSON.stringify(res.json)}`).toBe(422);
  expect(res.json.error.code).toBe('validation_failed');
  expect(
    res.json.error.issues.map((i: { path: string }) => i.path),
    url,
  ).toEqual([field]);
  expect(res.json.error.message).toContain(field);
  // The answer names the field and the rule, never the credentials in the URL.
  expect(JSON.stringify(res.json)).not.toContain('hunter2');
}

describe('tenant registration refuses bad desk URLs in every spelling (422 names the field, nothing stored)', () => {
  it.each(BAD_HOSTS)('%s', async (bad) => {
    const before = await tenantCount();
    const { zendesk, servicenow, jira } = desks.tenants(BASE);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...zendesk, slug: 'zd-bad', subdomain: 'zdbad', apiBaseUrl: `${bad}/zendesk` }, 'apiBaseUrl'],
      [{ ...servicenow, apiBaseUrl: `${bad}/servicenow` }, 'apiBaseUrl'],
      [{ ...jira, siteUrl: bad, apiBaseUrl: undefined, jwksUrl: undefined }, 'siteUrl'],
      [{ ...jira, jwksUrl: `${bad}/jwks.json`, apiBaseUrl: undefined }, 'jwksUrl'],
      [{ ...jira, apiBaseUrl: `${bad}/jira`, jwksUrl: undefined }, 'apiBaseUrl'],
    ];
    for (const [body, field] of cases) expectRefused(await api(t.url, 'POST', '/api/v1/admin/tenants', body, auth), field, bad);
    expect(await tenantCount()).toBe(before);
  });

  it('still registers desks on public https hosts', async () => {
    const { jira } = desks.tenants(BASE);
    const res = await api(t.url, 'POST', '/api/v1/admin/tenants', jira, auth);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
  });
});

describe('IdP connections refuse bad hosts in every spelling (422 names the field, nothing stored)', () => {
  const okta = (orgUrl: string) => ({ kind: 'okta', orgUrl, auth: { apiToken: '00okta-token-for-tests' } });
  const oidc = (issuer: string) => ({ kind: 'oidc', issuer, clientId: 'client-1', clientSecret: 'oidc-client-secret' });
  const twilio = (baseUrl: string) => ({
    kind: 'twilio',
    accountSid: `AC${'a'.repeat(32)}`,
    authToken: 'twilio-token-0123',
    serviceSid: `VA${'b'.repeat(32)}`,
    baseUrl,
  });
  const put = (kind: string, body: unknown) => api(t.url, 'PUT', `/api/v1/admin/tenants/acme-zendesk/idp/${kind}`, body, auth);

  it.each(BAD_HOSTS)('%s', async (bad) => {
    expectRefused(await put('okta', okta(bad)), 'orgUrl', bad);
    expectRefused(await put('oidc', oidc(bad)), 'issuer', bad);
    expectRefused(await put('twilio', twilio(bad)), 'baseUrl', bad);
    expect(await idpCount()).toBe(0);
  });

  it('refuses Duo API hosts that are not Duo’s', async () => {
    for (const apiHost of [
      'localhost',
      '127.0.0.1',
      'api-1.duosecurity.com:8443',
      'api-1.duosecurity.com.evil.example',
      '169.254.169.254',
    ]) {
      const res = await put('duo', { kind: 'duo', apiHost, integrationKey: 'DIXXXXXXXXXXXXXXXXXX', secretKey: 'duo-secret-key-0123' });
      expectRefused(res, 'apiHost', apiHost);
    }
    expect(await idpCount()).toBe(0);
  });

  it('still accepts vendor hosts', async () => {
    expect((await put('okta', okta('https://acme.okta.com'))).status).toBe(204);
    expect((await put('oidc', oidc('https://login.microsoftonline.com/6f1c2a4e-0000-4000-8000-0000000e47a1/v2.0'))).status).toBe(204);
    expect((await put('twilio', twilio('https://verify.twilio.com'))).status).toBe(204);
    expect(
      (
        await put('duo', {
          kind: 'duo',
          apiHost: 'api-1234abcd.duosecurity.com',
          integrationKey: 'DIXXXXXXXXXXXXXXXXXX',
          secretKey: 'duo-secret-key-0123',
        })
      ).status,
    ).toBe(204);
    expect(await idpCount()).toBe(4);
  });
});

describe('keys are parsed at registration (item 12c)', () => {
  const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
  const spki = (bits: number) => rsa(bits).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const good = spki(2048);
  const garbage = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PUBLIC KEY-----\n';
  const truncated = good.slice(0, Math.floor(good.length / 2)) + '\n-----END PUBLIC KEY-----\n';
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('Zendesk publicKeyPem: garbage, truncated, 1024-bit, EC or a private key → 422; an RSA-2048 key registers', async () => {
    const { zendesk } = desks.tenants(BASE);
    const before = await tenantCount();
    const privatePem = rsa(2048).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const pem of [garbage, truncated, spki(1024), ec.publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem]) {
      const res = await api(
        t.url,
        'POST',
        '/api/v1/admin/tenants',
        { ...zendesk, slug: 'zd-keys', subdomain: 'zdkeys', apiBaseUrl: undefined, publicKeyPem: pem },
        auth,
      );
      expectRefused(res, 'publicKeyPem', pem.slice(0, 40));
      expect(JSON.stringify(res.json)).not.toContain(pem.split('\n')[1]!.slice(0, 20));
    }
    expect(await tenantCount()).toBe(before);
    const ok = await api(
      t.url,
      'POST',
      '/api/v1/admin/tenants',
      { ...zendesk, slug: 'zd-keys', subdomain: 'zdkeys', apiBaseUrl: undefined, publicKeyPem: good },
      auth,
    );
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
  });

  it('ServiceNow certificatePem: garbage, truncated or 1024-bit certificates → 422; an RSA-2048 certificate registers', async () => {
    const { servicenow } = desks.tenants(BASE);
    const weak = selfSignedCertificate(1024).certPem;
    const strong = selfSignedCertificate(2048).certPem;
    const brokenCert = '-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END CERTIFICATE-----\n';
    const cutCert = strong.slice(0, Math.floor(strong.length / 2)) + '\n-----END CERTIFICATE-----\n';
    const before = await tenantCount();
    for (const pem of [brokenCert, cutCert, weak, garbage]) {
      const res = await api(t.url, 'POST', '/api/v1/admin/tenants', { ...servicenow, apiBaseUrl: undefined, certificatePem: pem }, auth);
      expectRefused(res, 'certificatePem', pem.slice(0, 40));
    }
    expect(await tenantCount()).toBe(before);
    const ok = await api(t.url, 'POST', '/api/v1/admin/tenants', { ...servicenow, apiBaseUrl: undefined, certificatePem: strong }, auth);
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
  });

  it('Okta privateKeyPem: garbage, truncated, 1024-bit or a P-384 key → 422; RSA-2048 and P-256 keys register', async () => {
    const pkcs8 = (key: ReturnType<typeof rsa>['privateKey']) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const strong = pkcs8(rsa(2048).privateKey);
    const body = (privateKeyPem: string) => ({
      kind: 'okta',
      orgUrl: 'https://acme.okta.com',
      auth: { clientId: '0oa1example', privateKeyPem, scopes: ['okta.users.read'] },
    });
    const put = (pem: string) => api(t.url, 'PUT', '/api/v1/admin/tenants/acme-servicenow/idp/okta', body(pem), auth);
    const bad = [
      '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n',
      strong.slice(0, Math.floor(strong.length / 2)) + '\n-----END PRIVATE KEY-----\n',
      pkcs8(rsa(1024).privateKey),
      pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey),
    ];
    for (const pem of bad) expectRefused(await put(pem), 'auth.privateKeyPem', pem.slice(0, 40));
    const stored = () =>
      t.db
        .selectFrom('tenant_idps')
        .innerJoin('tenants', 'tenants.id', 'tenant_idps.tenant_id')
        .where('tenants.slug', '=', 'acme-servicenow')
        .selectAll('tenant_idps')
        .execute();
    expect(await stored()).toEqual([]);
    expect((await put(strong)).status).toBe(204);
    expect((await put(pkcs8(ec.privateKey))).status).toBe(204);
  });
});
