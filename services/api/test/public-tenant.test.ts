import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretRequestSchema, REVOKE_TOKEN_HEADER } from '@vouchsafe/contracts';
import { sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { createMetrics } from '../src/metrics';
import { createSecretsService } from '../src/modules/secrets/secrets.service';
import { linkBaseFor } from '../src/modules/tenants/link-base';
import { TOKEN, api, createSecret, revealBody, startTestApp, type TestApp } from './harness';

/** Public vault routes scoped to a help-desk tenant by path, and the portal page for its links. */

let t: TestApp;
let desks: StartedDeskStandIns;
let portalDir: string;
let tenantId: string;

async function createInTenant(text: string) {
  const sealed = await sealSecret({ kind: 'text', text });
  const service = createSecretsService({ db: t.db, keyring: t.keyring, maxFileBytes: 1024 * 1024, metrics: createMetrics(t.db) });
  const body = CreateSecretRequestSchema.parse({
    kind: 'text',
    ciphertext: toBase64Url(sealed.ciphertext),
    keyCheck: toBase64Url(sealed.keyCheck),
    ttlSeconds: 3600,
    views: 2,
  });
  const created = await service.create({ tenantId, clientNetwork: '127.0.0.1', clientIp: null }, body);
  return { ...created, linkKey: sealed.linkKey };
}

beforeAll(async () => {
  portalDir = mkdtempSync(path.join(tmpdir(), 'vs-portal-'));
  mkdirSync(path.join(portalDir, 'assets'));
  writeFileSync(path.join(portalDir, 'index.html'), '<!doctype html><html><head><title>portal</title></head><body></body></html>');
  desks = await startDeskStandIns();
  t = await startTestApp({ config: { portalDir } });
  const res = await api(t.url, 'POST', '/api/v1/admin/tenants', desks.tenants().zendesk, { authorization: `Bearer ${TOKEN}` });
  tenantId = res.json.id;
});
afterAll(async () => {
  await t?.close();
  await desks?.close();
  rmSync(portalDir, { recursive: true, force: true });
});

describe('/api/v1/t/:tenant/secrets', () => {
  it("serves a tenant's secret only under its own slug; elsewhere it is gone", async () => {
    const s = await createInTenant('for acme');
    const meta = await api(t.url, 'GET', `/api/v1/t/acme-zendesk/secrets/${s.id}`);
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({ id: s.id, status: 'available', viewsLeft: 2 });

    const gone = await api(t.url, 'GET', `/api/v1/secrets/${s.id}`);
    const unknown = await api(t.url, 'GET', `/api/v1/t/nobody/secrets/${s.id}`);
    const malformed = await api(t.url, 'GET', `/api/v1/t/NOT..A..SLUG/secrets/${s.id}`);
    for (const r of [gone, unknown, malformed]) {
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('secret_gone');
      expect(r.json.error.message).toBe(gone.json.error.message);
    }

    const revealed = await api(t.url, 'POST', `/api/v1/t/acme-zendesk/secrets/${s.id}/reveal`, await revealBody(s.linkKey));
    expect(revealed.status).toBe(200);
    expect(revealed.json.viewsLeft).toBe(1);
    const revoked = await api(t.url, 'DELETE', `/api/v1/t/acme-zendesk/secrets/${s.id}`, undefined, {
      [REVOKE_TOKEN_HEADER]: s.revokeToken,
    });
    expect(revoked.status).toBe(204);
  });

  it('a secret created with an API token under /api/v1/t/{slug} answers the tenant link path, which the portal serves', async () => {
    const sealed = await sealSecret({ kind: 'text', text: 'made by a script for acme' });
    const body = { kind: 'text', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) };
    const created = await api(t.url, 'POST', '/api/v1/t/acme-zendesk/secrets', body, { authorization: `Bearer ${TOKEN}` });
    expect(created.status).toBe(201);
    expect(created.json.path).toBe(`/t/acme-zendesk/s/${created.json.id}`);
    expect(created.headers.get('location')).toBe(`/api/v1/t/acme-zendesk/secrets/${created.json.id}`);
    // The path works: the portal page is there and its API prefix finds the secret; the short path would not.
    expect((await fetch(`${t.url}${created.json.path}`)).status).toBe(200);
    expect((await api(t.url, 'GET', created.headers.get('location')!)).status).toBe(200);
    expect((await api(t.url, 'GET', `/api/v1/secrets/${created.json.id}`)).status).toBe(404);
    // The default tenant keeps its short links, through either prefix.
    const plain = await api(t.url, 'POST', '/api/v1/t/default/secrets', body, { authorization: `Bearer ${TOKEN}` });
    expect(plain.json.path).toBe(`/s/${plain.json.id}`);
    expect(plain.headers.get('location')).toBe(`/api/v1/secrets/${plain.json.id}`);
  });

  it("never reaches the default tenant's secrets through a tenant path", async () => {
    const s = await createSecret(t.url);
    expect((await api(t.url, 'GET', `/api/v1/secrets/${s.id}`)).status).toBe(200);
    expect((await api(t.url, 'GET', `/api/v1/t/acme-zendesk/secrets/${s.id}`)).status).toBe(404);
    expect((await api(t.url, 'GET', `/api/v1/t/default/secrets/${s.id}`)).status).toBe(200);
  });

  it('answers like a gone secret once the tenant is removed', async () => {
    const s = await createInTenant('soon gone');
    expect((await api(t.url, 'DELETE', '/api/v1/admin/tenants/acme-zendesk', undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(
      204,
    );
    const res = await api(t.url, 'GET', `/api/v1/t/acme-zendesk/secrets/${s.id}`);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('secret_gone');
  });
});

describe('portal page for tenant links', () => {
  it('serves the portal at /t/:tenant/s/:id, never framable', async () => {
    const res = await fetch(`${t.url}/t/acme-zendesk/s/AbCdEfGhIjKlMnOpQrStUv`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>portal</title>');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toContain('no-store');
  });
});

describe('linkBaseFor', () => {
  it('keeps short links for the default tenant and puts the slug in the path otherwise', () => {
    expect(linkBaseFor('https://vault.example/', 'default', true)).toBe('https://vault.example');
    expect(linkBaseFor('https://vault.example', 'acme-zendesk', false)).toBe('https://vault.example/t/acme-zendesk');
  });
});

describe('/favicon.ico', () => {
  it('is an icon, not a 404 in the log (issue 16 item 18)', async () => {
    const res = await fetch(`${t.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // ICO header: reserved 0, type 1 (icon)
    expect(bytes.subarray(22, 26).toString('latin1')).toBe('\x89PNG');
  });
});
