import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, openSecret } from '@vouchsafe/crypto';
import { startApi, TEST_API_TOKEN, type ApiProcess } from '@vouchsafe/test-support';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { createDb, type Db } from '../src/db/database';
import { createSecret, revealBody, type Created } from './harness';

/**
 * S2 across processes: two real API processes share one database and race many reveals of the same
 * one-view secret. Exactly one request may ever win; every other one must see the secret as gone.
 */

const SECRETS = 50;
const REVEALS_PER_SECRET = 20;
/** Rate limiting is not under test here; the default (600/min per address per process) would answer 429. */
const ENV = { VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '1000000' };

let database: FreshDatabase;
let db: Db;
let apis: ApiProcess[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  // Both start together on an empty database: their migrations race (the migrator's advisory lock decides).
  apis = await Promise.all([startApi({ databaseUrl: database.url, env: ENV }), startApi({ databaseUrl: database.url, env: ENV })]);
  db = createDb(database.url, 4).db;
});

afterAll(async () => {
  await Promise.all(apis.map((a) => a.stop()));
  await db?.destroy();
  await database?.drop();
});

interface Answer {
  status: number;
  body: string;
  via: number;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.text() };
}

describe('a one-view secret is revealed exactly once across two API processes', () => {
  it('migrated the empty database exactly once although both processes started together', async () => {
    const applied = apis.filter((a) => a.logs().includes('"msg":"migrations applied"'));
    expect(applied).toHaveLength(1);
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(new Set(rows.rows.map((r) => r.name)).size).toBe(rows.rows.length);
  });

  it(`${SECRETS} secrets x ${REVEALS_PER_SECRET} concurrent reveals, spread over both processes`, async () => {
    const [a, b] = apis as [ApiProcess, ApiProcess];
    const texts = Array.from({ length: SECRETS }, (_, i) => `exactly-once #${i} ${randomUUID()}`);
    // Created on alternating processes: either may serve a secret the other one created.
    const created: Created[] = await Promise.all(
      texts.map((text, i) => createSecret(i % 2 === 0 ? a.url : b.url, { kind: 'text', text }, {}, TEST_API_TOKEN)),
    );
    const bodies = await Promise.all(created.map((c) => revealBody(c.linkKey)));

    // Every request of every secret in flight at once (1000 on two processes); plain fetch, keep-alive default.
    const answers: Answer[][] = await Promise.all(
      created.map((c, s) =>
        Promise.all(
          Array.from({ length: REVEALS_PER_SECRET }, async (_, r): Promise<Answer> => {
            const via = (r + s) % 2;
            const res = await post(`${apis[via]!.url}/api/v1/secrets/${c.id}/reveal`, bodies[s]);
            return { ...res, via };
          }),
        ),
      ),
    );

    const all = answers.flat();
    expect(all.filter((x) => x.via === 0)).toHaveLength((SECRETS * REVEALS_PER_SECRET) / 2);
    expect(
      all.filter((x) => x.status >= 500),
      'no 5xx',
    ).toEqual([]);

    for (const [s, perSecret] of answers.entries()) {
      const ok = perSecret.filter((x) => x.status === 200);
      const others = perSecret.filter((x) => x.status !== 200);
      expect(ok, `secret ${s}: exactly one 200`).toHaveLength(1);
      expect(
        others.map((x) => [x.status, (JSON.parse(x.body) as { error?: { code?: string } }).error?.code]),
        `secret ${s}: every other answer is 404 secret_gone`,
      ).toEqual(others.map(() => [404, 'secret_gone']));
      const json = JSON.parse(ok[0]!.body) as { id: string; ciphertext: string; viewsLeft: number };
      expect(json.id).toBe(created[s]!.id);
      expect(json.viewsLeft).toBe(0);
      const payload = await openSecret(fromBase64Url(json.ciphertext), created[s]!.linkKey);
      expect(payload).toEqual({ kind: 'text', text: texts[s] });
    }

    const ids = created.map((c) => c.id);
    const secrets = await db.selectFrom('secrets').select(['id', 'views_left']).where('id', 'in', ids).execute();
    expect(secrets).toHaveLength(SECRETS);
    expect(secrets.filter((r) => r.views_left !== 0)).toEqual([]);
    const payloads = await db.selectFrom('secret_payloads').select('secret_id').where('secret_id', 'in', ids).execute();
    expect(payloads).toEqual([]);

    const events = await sql<{ secret_id: string; type: string; outcome: string | null; n: number }>`
      SELECT secret_id, type, data->>'outcome' AS outcome, count(*)::int AS n
        FROM audit_events WHERE secret_id = ANY(${ids}) GROUP BY 1, 2, 3`.execute(db);
    const count = (id: string, type: string, outcome: string) =>
      events.rows.find((e) => e.secret_id === id && e.type === type && e.outcome === outcome)?.n ?? 0;
    for (const id of ids) {
      expect(count(id, 'secret.created', 'ok'), `${id} created`).toBe(1);
      expect(count(id, 'secret.revealed', 'ok'), `${id}: exactly one secret.revealed`).toBe(1);
      // Every losing request is audited as an attempt on a gone secret.
      expect(count(id, 'secret.reveal_failed', 'gone'), `${id} reveal_failed/gone`).toBe(REVEALS_PER_SECRET - 1);
    }
    expect(events.rows.filter((e) => !['secret.created', 'secret.revealed', 'secret.reveal_failed'].includes(e.type))).toEqual([]);

    for (const api of apis) expect(api.logs()).not.toMatch(/"level":"(error|fatal)"/);
  });
});
