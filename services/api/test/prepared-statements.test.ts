import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TENANT_ID } from '@vouchsafe/contracts';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { parseKeyring } from '../src/config';
import { createDb, migrateToLatest, type Db } from '../src/db/database';
import { sha256 } from '../src/lib/ids';
import { Keyring, generateKeyEntry } from '../src/modules/keys/keyring';
import * as limits from '../src/modules/rate-limits/rate-limits.repository';
import { consumeView } from '../src/modules/secrets/reveal.repository';
import { insertSecret } from '../src/modules/secrets/secrets.repository';

/**
 * The secret cycle's hot statements run as named prepared statements (db/NOTES.md): each connection plans them once
 * and Postgres settles on a generic plan, instead of planning the reveal statement's CTEs on every request.
 * One pooled connection, so this session's pg_prepared_statements is the pool's.
 */

let database: FreshDatabase;
let db: Db;
beforeAll(async () => {
  database = await freshDatabase();
  db = createDb(database.url, 1).db;
  await migrateToLatest(db);
});
afterAll(async () => {
  await db.destroy();
  await database.drop();
});

const keyring = new Keyring(parseKeyring(generateKeyEntry('k1')));
const keyCheckHash = sha256('the key check');

async function cycle(): Promise<void> {
  const id = randomBytes(16).toString('base64url');
  await insertSecret(db, {
    tenantId: DEFAULT_TENANT_ID,
    id,
    kind: 'text',
    expiresAt: new Date(Date.now() + 600_000),
    views: 1,
    sizeBytes: 64,
    labelMasked: null,
    keyCheckHash,
    passphraseSalt: null,
    passphraseCheckHash: null,
    revokeTokenHash: sha256('revoke'),
    payload: keyring.seal(randomBytes(64), { tenantId: DEFAULT_TENANT_ID, secretId: id }),
    clientIp: null,
  });
  await limits.hit(db, 'public', sha256('network'), 60);
  await limits.peek(db, 'auth-failures', sha256('network'));
  const revealed = await consumeView(db, {
    tenantId: DEFAULT_TENANT_ID,
    id,
    keyCheckHash,
    passphraseCheckHash: null,
    clientKey: sha256('client'),
    clientIp: null,
  });
  expect(revealed?.viewsLeft).toBe(0);
}

const prepared = async () =>
  (
    await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
      SELECT statement, generic_plans::text, custom_plans::text FROM pg_prepared_statements
       WHERE name LIKE 'vouchsafe\\_%' ORDER BY statement`.execute(db)
  ).rows;

describe('prepared statements', () => {
  it('prepares the create, reveal and rate-limit statements once per connection, and reuses them', async () => {
    for (let i = 0; i < 10; i++) await cycle();
    const after10 = await prepared();
    expect(after10).toHaveLength(4);
    expect(after10.map((p) => p.statement).join('\n')).toMatch(/UPDATE secrets s/);
    // Reused, not prepared again under another name.
    for (let i = 0; i < 5; i++) await cycle();
    expect(await prepared()).toHaveLength(4);
  });

  it('plans the reveal statement generically after the first runs (no planning of its CTEs per request)', async () => {
    const reveal = (await prepared()).find((p) => p.statement.includes('UPDATE secrets s'));
    expect(Number(reveal?.generic_plans)).toBeGreaterThan(0);
  });

  it('leaves ordinary statements unnamed', async () => {
    await sql`SELECT 1`.execute(db);
    await db.selectFrom('secrets').select('id').limit(1).execute();
    expect(await prepared()).toHaveLength(4);
  });
});
