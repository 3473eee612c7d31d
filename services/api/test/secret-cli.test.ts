import { sql } from 'kysely';
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

describe('vouchsafe secret create takes the secret off the command line (issue 16 item 14)', () => {
  const linkOf = (stdout: string): string => stdout.trim().split('\n').at(-1)!;

  it('reads a piped secret from stdin (one final newline dropped), without a warning', async () => {
    const created = await w.cli(['secret', 'create', '--ttl', '10m'], 'piped: Winter-2026!\n');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toBe('');
    const revealed = await w.cli(['secret', 'reveal', linkOf(created.stdout)]);
    expect(revealed.code, revealed.stderr).toBe(0);
    expect(linkOf(revealed.stdout)).toBe('piped: Winter-2026!');
  });

  it('reads a file from stdin with --file -, named by --name', async () => {
    const created = await w.cli(['secret', 'create', '--file', '-', '--name', 'from-stdin.txt'], 'file body');
    expect(created.code, created.stderr).toBe(0);
    const revealed = await w.cli(['secret', 'reveal', linkOf(created.stdout)]);
    expect(revealed.code, revealed.stderr).toBe(0);
    expect(revealed.stdout).toContain('Wrote from-stdin.txt (9 bytes');
  });

  // Blank text, empty and too-large files, --views, --passphrase, --label and the --text warning: src/cli/secret-commands.test.ts.
  it("refuses a too-long --ttl in the user's words, before sending anything", async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM secrets`.execute(w.t.db);
    const ttl = await w.cli(['secret', 'create', '--ttl', '31d'], 'fine');
    expect(ttl.code).toBe(1);
    expect(ttl.stderr).toContain('--ttl must be at most 30 days');
    expect(ttl.stderr).not.toContain('ttlSeconds');
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM secrets`.execute(w.t.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('answers help for a command: vouchsafe secret create --help', async () => {
    const help = await w.cli(['secret', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: vouchsafe secret create /);
    expect(help.stdout).toContain('--file -');
  });
});
