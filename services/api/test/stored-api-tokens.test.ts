import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPED_TOKENS, TOKEN, api, createSecret, startTestApp, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const admin = { authorization: `Bearer ${TOKEN}` };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PATH = '/api/v1/admin/api-tokens';
const storedCount = async () => Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM api_tokens`.execute(t.db)).rows[0]!.n);

async function create(body: unknown, headers = admin) {
  return api(t.url, 'POST', PATH, body, headers);
}

describe('API tokens created at run time', () => {
  it('are shown once, work for their scopes only, and are listed and audited without the token', async () => {
    const res = await create({ name: 'ci-sender', scopes: ['secrets'], expiresInDays: 30 });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const token = res.json.token as string;
    expect(token).toMatch(/^vsk_[A-Za-z0-9_-]{43}$/);
    expect(res.json).toMatchObject({ name: 'ci-sender', scopes: ['secrets'], source: 'stored', createdBy: 'api-token:integration' });
    expect(Date.parse(res.json.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);

    await createSecret(t.url, undefined, {}, token);
    expect((await api(t.url, 'GET', '/metrics', undefined, bearer(token))).status).toBe(403);
    expect((await api(t.url, 'GET', PATH, undefined, bearer(token))).status).toBe(403);

    const list = await api(t.url, 'GET', PATH, undefined, admin);
    expect(list.status).toBe(200);
    expect(list.json.tokens.find((x: { name: string }) => x.name === 'ci-sender')).toMatchObject({ source: 'stored', scopes: ['secrets'] });
    expect(list.json.tokens.find((x: { name: string }) => x.name === 'integration')).toMatchObject({
      source: 'environment',
      expiresAt: null,
    });
    const { rows } = await sql<{
      last_used_at: Date | null;
      digest: Buffer;
    }>`SELECT last_used_at, digest FROM api_tokens WHERE name = 'ci-sender'`.execute(t.db);
    expect(rows[0]!.last_used_at).not.toBeNull();

    const everything = JSON.stringify([list.json, (await sql`SELECT * FROM audit_events`.execute(t.db)).rows]);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.slice(4, 20));
    expect(everything).not.toContain(rows[0]!.digest.toString('hex'));
    const events = await sql<{ type: string; data: Record<string, unknown> }>`
      SELECT type, data FROM audit_events WHERE tenant_id = ${DEFAULT_TENANT_ID} AND type LIKE 'api_token.%' ORDER BY seq`.execute(t.db);
    expect(events.rows[0]).toMatchObject({
      type: 'api_token.created',
      data: { name: 'ci-sender', scopes: ['secrets'], actor: 'api-token:integration' },
    });
  });

  it('stop working when revoked or expired', async () => {
    const a = (await create({ name: 'short-lived', scopes: ['metrics'] })).json.token as string;
    const b = (await create({ name: 'to-expire', scopes: ['metrics'] })).json.token as string;
    expect((await api(t.url, 'GET', '/metrics', undefined, bearer(a))).status).toBe(200);

    expect((await api(t.url, 'DELETE', `${PATH}/short-lived`, undefined, admin)).status).toBe(204);
    expect((await api(t.url, 'GET', '/metrics', undefined, bearer(a))).status).toBe(401);
    expect((await api(t.url, 'DELETE', `${PATH}/short-lived`, undefined, admin)).status).toBe(404);
    const revoked = await sql<{ type: string; data: Record<string, unknown> }>`
      SELECT type, data FROM audit_events WHERE type = 'api_token.revoked'`.execute(t.db);
    expect(revoked.rows).toEqual([{ type: 'api_token.revoked', data: { name: 'short-lived', actor: 'api-token:integration' } }]);

    await sql`UPDATE api_tokens SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
               WHERE name = 'to-expire'`.execute(t.db);
    expect((await api(t.url, 'GET', '/metrics', undefined, bearer(b))).status).toBe(401);
    // A revoked name may be used again.
    expect((await create({ name: 'short-lived', scopes: ['metrics'] })).status).toBe(201);
  });

  it('cannot carry a scope their creator lacks, clash with a name, or be made from bad input; nothing is stored then', async () => {
    const before = await storedCount();
    const onlyAdmin = bearer(SCOPED_TOKENS.admin);
    const beyond = await create({ name: 'escalate', scopes: ['admin', 'secrets'] }, onlyAdmin);
    expect(beyond.status).toBe(403);
    expect(beyond.json.error.message).toContain('"secrets"');
    expect((await create({ name: 'Integration', scopes: ['metrics'] })).status).toBe(409);
    expect((await create({ name: 'twice', scopes: ['metrics'] })).status).toBe(201);
    expect((await create({ name: 'TWICE', scopes: ['metrics'] })).status).toBe(409);
    for (const bad of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['root'] },
      { name: 'x', scopes: ['metrics', 'metrics'] },
      { name: 'x y', scopes: ['metrics'] },
      { name: 'x', scopes: ['metrics'], expiresInDays: 0 },
      { name: 'x', scopes: ['metrics'], expiresInDays: 367 },
      { name: 'x', scopes: ['metrics'], token: 'chosen-by-me' },
    ]) {
      const res = await create(bad);
      expect([400, 422]).toContain(res.status);
    }
    expect(await storedCount()).toBe(before + 1);
    expect((await api(t.url, 'DELETE', `${PATH}/integration`, undefined, admin)).status).toBe(409);
  });

  it('are refused without the admin scope, and values that are not ours cost no lookup', async () => {
    expect((await create({ name: 'nope', scopes: ['metrics'] }, bearer(SCOPED_TOKENS.metrics))).status).toBe(403);
    expect((await api(t.url, 'GET', '/metrics', undefined, bearer(`vsk_${'A'.repeat(43)}`))).status).toBe(401);
  });
});
