import { describe, expect, it } from 'vitest';
import { buildSecretLink, sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { useCliWorld } from './cli-support';
import { TOKEN, api } from './harness';

/** `vouchsafe secret reveal|revoke` with a help-desk tenant's link (/t/{tenant}/s/{id}#key). */

const w = useCliWorld('vs-secret-cli-');
const auth = { authorization: `Bearer ${TOKEN}` };

/** A secret of the Zendesk tenant, as a script would make it; the link is built from the path the API answers. */
async function tenantSecret(text: string) {
  const sealed = await sealSecret({ kind: 'text', text });
  const res = await api(
    w.t.url,
    'POST',
    '/api/v1/t/acme-zendesk/secrets',
    { kind: 'text', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) },
    auth,
  );
  expect(res.status).toBe(201);
  const base = `${w.t.url}${res.json.path.replace(/\/s\/[^/]+$/, '')}`;
  return {
    id: res.json.id as string,
    revokeToken: res.json.revokeToken as string,
    link: buildSecretLink(base, res.json.id, sealed.linkKey),
  };
}

describe('vouchsafe secret with a tenant link', () => {
  it('reveals /t/{tenant}/s/{id}#key through /api/v1/t/{tenant}, then says gone', async () => {
    expect((await api(w.t.url, 'POST', '/api/v1/admin/tenants', w.desks.tenants().zendesk, auth)).status).toBe(201);
    const s = await tenantSecret('tenant secret for the CLI');
    expect(s.link).toMatch(new RegExp(`/t/acme-zendesk/s/${s.id}#`));
    const revealed = await w.cli(['secret', 'reveal', s.link]);
    expect(revealed.code, revealed.stderr).toBe(0);
    expect(revealed.stderr).toBe('');
    expect(revealed.stdout.trim().split('\n').at(-1)).toBe('tenant secret for the CLI');
    const again = await w.cli(['secret', 'reveal', s.link]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('This secret is gone');
  });

  it('revokes /t/{tenant}/s/{id} (with or without the key) through the tenant prefix', async () => {
    const s = await tenantSecret('to be revoked');
    const res = await w.cli(['secret', 'revoke', s.link.replace(/#.*$/, ''), '--revoke-token', s.revokeToken]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
    expect((await api(w.t.url, 'GET', `/api/v1/t/acme-zendesk/secrets/${s.id}`)).status).toBe(404);
    const bad = await w.cli(['secret', 'revoke', `${w.t.url}/t/ACME/s/${s.id}`, '--revoke-token', s.revokeToken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a Vouchsafe link');
  });

  it('takes a revoke token that starts with "-" as the option value (base64url tokens may), not as an option', async () => {
    const s = await tenantSecret('dash token');
    const res = await w.cli(['secret', 'revoke', s.link, '--revoke-token', `-${s.revokeToken.slice(1)}`]);
    // A wrong token: the API answers like a gone secret — not a usage error (exit 2) about the option.
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toContain('This secret is gone');
  });
});
