import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/lib/ids';
import { insertSecret, purgeExpired } from '../src/modules/secrets/secrets.repository';
import { TOKEN, api, createSecret, reveal, revealBody, startTestApp, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const events = async (secretId: string) =>
  (
    await sql<{ type: string; data: Record<string, unknown> }>`
      SELECT type, data FROM audit_events WHERE secret_id = ${secretId} ORDER BY seq`.execute(t.db)
  ).rows;

describe('one-time secret', () => {
  it('creates, shows metadata without consuming, reveals once, then is gone', async () => {
    const c = await createSecret(t.url, { kind: 'text', text: 'hunter2' }, { label: 'Temp password for j.doe@example.com' });
    expect(c.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(c.path).toBe(`/s/${c.id}`);
    expect(c.revokeToken.length).toBeGreaterThanOrEqual(43);

    for (let i = 0; i < 3; i++) {
      const meta = await api(t.url, 'GET', `/api/v1/secrets/${c.id}`);
      expect(meta.status).toBe(200);
      expect(meta.json).toMatchObject({ status: 'available', viewsLeft: 1, needsPassphrase: false, kind: 'text' });
      expect(meta.headers.get('cache-control')).toBe('no-store');
    }
    const head = await fetch(`${t.url}/api/v1/secrets/${c.id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);

    const first = await reveal(t.url, c);
    expect(first.status).toBe(200);
    expect(first.payload).toEqual({ kind: 'text', text: 'hunter2' });
    expect(first.json.viewsLeft).toBe(0);

    const second = await reveal(t.url, c);
    expect(second.status).toBe(404);
    const unknown = await api(t.url, 'POST', `/api/v1/secrets/${'A'.repeat(22)}/reveal`, await revealBody(c.linkKey));
    // Used up and never existed answer identically: no oracle.
    expect(second.json.error.code).toBe('secret_gone');
    expect({ ...second.json.error, requestId: 0 }).toEqual({ ...unknown.json.error, requestId: 0 });
    expect((await api(t.url, 'GET', `/api/v1/secrets/${c.id}`)).status).toBe(404);

    const payloads = await sql<{ n: number }>`SELECT count(*)::int AS n FROM secret_payloads WHERE secret_id = ${c.id}`.execute(t.db);
    expect(payloads.rows[0]!.n).toBe(0);
    const ev = await events(c.id);
    expect(ev.map((e) => e.type)).toEqual(['secret.created', 'secret.revealed', 'secret.reveal_failed']);
    expect(ev[0]!.data.label).toBe('Temp password for j***@e***.com');
    expect(ev[1]!.data).toMatchObject({ outcome: 'ok', viewsLeft: 0, purged: true, clientIp: '127.0.0.0/24' });
  });

  it('serves several views and purges the content on the last one', async () => {
    const c = await createSecret(t.url, { kind: 'text', text: 'three times' }, { views: 3 });
    for (const left of [2, 1, 0]) {
      const r = await reveal(t.url, c);
      expect(r.status).toBe(200);
      expect(r.json.viewsLeft).toBe(left);
      expect(r.payload).toEqual({ kind: 'text', text: 'three times' });
    }
    expect((await reveal(t.url, c)).status).toBe(404);
  });

  it('never consumes on a wrong link key', async () => {
    const c = await createSecret(t.url);
    const wrong = await api(t.url, 'POST', `/api/v1/secrets/${c.id}/reveal`, await revealBody(randomBytes(32)));
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('wrong_link_key');
    expect((await api(t.url, 'GET', `/api/v1/secrets/${c.id}`)).json.viewsLeft).toBe(1);
    expect((await reveal(t.url, c)).status).toBe(200);
  });

  it('revokes with the revoke token only', async () => {
    const c = await createSecret(t.url);
    const bad = await api(t.url, 'DELETE', `/api/v1/secrets/${c.id}`, undefined, { 'x-revoke-token': 'not-the-token' });
    expect(bad.status).toBe(404);
    expect((await api(t.url, 'GET', `/api/v1/secrets/${c.id}`)).status).toBe(200);
    const ok = await api(t.url, 'DELETE', `/api/v1/secrets/${c.id}`, undefined, { 'x-revoke-token': c.revokeToken });
    expect(ok.status).toBe(204);
    expect((await reveal(t.url, c)).status).toBe(404);
    expect((await events(c.id)).map((e) => e.type)).toContain('secret.revoked');
    const again = await api(t.url, 'DELETE', `/api/v1/secrets/${c.id}`, undefined, { 'x-revoke-token': c.revokeToken });
    expect(again.status).toBe(404);
  });

  it('purges expired secrets and records the expiry', async () => {
    const c = await createSecret(t.url, undefined, { ttlSeconds: 300 });
    const used = await createSecret(t.url, undefined, { ttlSeconds: 300 });
    expect((await reveal(t.url, used)).status).toBe(200);
    await sql`UPDATE secrets SET expires_at = now() - interval '1 second' WHERE id IN (${c.id}, ${used.id})`.execute(t.db);
    // Expired but not yet purged: already unavailable.
    expect((await reveal(t.url, c)).status).toBe(404);
    expect(await purgeExpired(t.db, 500)).toBeGreaterThanOrEqual(2);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM secrets WHERE id IN (${c.id}, ${used.id})`.execute(t.db);
    expect(left.rows[0]!.n).toBe(0);
    expect((await events(c.id)).map((e) => e.type)).toContain('secret.expired');
    // A secret that was used up before it expired is not reported as expired.
    expect((await events(used.id)).map((e) => e.type)).not.toContain('secret.expired');
  });

  it('stores a file and hands back its name, type and bytes', async () => {
    const bytes = new Uint8Array(randomBytes(256 * 1024));
    const c = await createSecret(t.url, { kind: 'file', name: 'statement.pdf', type: 'application/pdf', bytes });
    const r = await reveal(t.url, c);
    expect(r.status).toBe(200);
    expect(r.payload).toMatchObject({ kind: 'file', name: 'statement.pdf', type: 'application/pdf' });
    expect(Buffer.from((r.payload as { bytes: Uint8Array }).bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses creation without a valid token and changes nothing', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM secrets`.execute(t.db);
    for (const authorization of [undefined, 'Bearer nope-nope-nope', `Basic ${TOKEN}`, TOKEN]) {
      const r = await api(
        t.url,
        'POST',
        '/api/v1/secrets',
        { kind: 'text', ciphertext: 'AAAA', keyCheck: 'A'.repeat(43) },
        authorization ? { authorization } : {},
      );
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('unauthorized');
    }
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM secrets`.execute(t.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('enforces the size, TTL and views bounds with clear messages', async () => {
    const tooBig = await api(
      t.url,
      'POST',
      '/api/v1/secrets',
      { kind: 'text', ciphertext: Buffer.alloc(70 * 1024).toString('base64url'), keyCheck: 'A'.repeat(43) },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.json.error.message).toBe('Text secrets can be at most 64.0 KiB; this one is larger. Send it as a file instead.');
    // A file over the limit by more than the body parser's slack: the parser's refusal states the limit too.
    const bigFile = await api(
      t.url,
      'POST',
      '/api/v1/secrets',
      { kind: 'file', ciphertext: Buffer.alloc(11_000_000).toString('base64url'), keyCheck: 'A'.repeat(43) },
      { authorization: `Bearer ${TOKEN}` },
    );
    expect(bigFile.status).toBe(413);
    expect(bigFile.json.error.message).toBe('Files can be at most 10.0 MiB; this one is larger.');
    for (const [field, value, words] of [
      ['ttlSeconds', 60, /at least 5 minutes/],
      ['ttlSeconds', 31 * 86400, /at most 30 days/],
      ['views', 11, /at most 10/],
      ['views', 0, /at least 1/],
    ] as const) {
      const r = await api(
        t.url,
        'POST',
        '/api/v1/secrets',
        { kind: 'text', ciphertext: Buffer.alloc(64).toString('base64url'), keyCheck: 'A'.repeat(43), [field]: value },
        { authorization: `Bearer ${TOKEN}` },
      );
      expect(r.status).toBe(422);
      expect(r.json.error.message).toMatch(field);
      expect(r.json.error.message).toMatch(words);
    }
  });

  it('answers 404 for another tenant’s secret (tenant isolation)', async () => {
    const other = '00000000-0000-4000-8000-0000000000ff';
    await sql`INSERT INTO tenants (id, slug, name) VALUES (${other}, 'other', 'Other')`.execute(t.db);
    const linkKey = randomBytes(32);
    const keyCheck = (await revealBody(linkKey)).keyCheck;
    const revokeToken = 'other-tenant-revoke-token';
    const id = randomBytes(16).toString('base64url');
    await insertSecret(t.db, {
      tenantId: other,
      id,
      kind: 'text',
      expiresAt: new Date(Date.now() + 600_000),
      views: 1,
      sizeBytes: 64,
      labelMasked: null,
      keyCheckHash: sha256(Buffer.from(keyCheck, 'base64url')),
      passphraseSalt: null,
      passphraseCheckHash: null,
      revokeTokenHash: sha256(revokeToken),
      payload: t.keyring.seal(randomBytes(64), { tenantId: other, secretId: id }),
      clientIp: null,
    });
    expect((await api(t.url, 'GET', `/api/v1/secrets/${id}`)).status).toBe(404);
    expect((await api(t.url, 'POST', `/api/v1/secrets/${id}/reveal`, { keyCheck })).status).toBe(404);
    expect((await api(t.url, 'DELETE', `/api/v1/secrets/${id}`, undefined, { 'x-revoke-token': revokeToken })).status).toBe(404);
    const still = await sql<{ views_left: number; revoked_at: Date | null }>`
      SELECT views_left, revoked_at FROM secrets WHERE tenant_id = ${other} AND id = ${id}`.execute(t.db);
    expect(still.rows[0]).toEqual({ views_left: 1, revoked_at: null });
  });
});

describe('passphrase', () => {
  it('a wrong passphrase never consumes; the right one reveals', async () => {
    const c = await createSecret(t.url, { kind: 'text', text: 'pp-protected' }, { passphrase: 'blue moon' });
    const meta = await api(t.url, 'GET', `/api/v1/secrets/${c.id}`);
    expect(meta.json).toMatchObject({ needsPassphrase: true });
    expect(meta.json.passphraseSalt).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const missing = await api(t.url, 'POST', `/api/v1/secrets/${c.id}/reveal`, await revealBody(c.linkKey));
    expect(missing.status).toBe(403);
    expect(missing.json.error.code).toBe('passphrase_required');

    const wrong = await reveal(t.url, c, 'red moon');
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('wrong_passphrase');
    expect((await api(t.url, 'GET', `/api/v1/secrets/${c.id}`)).json.viewsLeft).toBe(1);

    const right = await reveal(t.url, c, 'blue moon');
    expect(right.status).toBe(200);
    expect(right.payload).toEqual({ kind: 'text', text: 'pp-protected' });
  });

  it('slows a guessing client down without locking out the real recipient', async () => {
    const c = await createSecret(t.url, { kind: 'text', text: 'guarded' }, { passphrase: 'right one' });
    const attacker = { 'x-forwarded-for': '203.0.113.9' };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await reveal(t.url, c, `guess ${i}`, attacker)).status);
    // Two free failures, the third starts a back-off; then the attacker is told to wait.
    expect(statuses.slice(0, 3)).toEqual([403, 403, 403]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const throttled = await reveal(t.url, c, 'right one', attacker);
    expect(throttled.status).toBe(429);
    expect(throttled.json.error.retryAfterSeconds).toBeGreaterThan(0);
    // The recipient, from another address, is unaffected and nothing was consumed.
    const recipient = await reveal(t.url, c, 'right one', { 'x-forwarded-for': '198.51.100.7' });
    expect(recipient.status).toBe(200);
    expect(recipient.payload).toEqual({ kind: 'text', text: 'guarded' });
  });
});
