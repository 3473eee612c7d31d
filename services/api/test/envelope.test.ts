import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyring } from '../src/config';
import { generateKeyEntry } from '../src/modules/keys/keyring';
import { rotateKeys } from '../src/modules/keys/rotate-keys';
import { createSecret, reveal, startTestApp, type TestApp } from './harness';

const K1 = generateKeyEntry('k1');
const K2 = generateKeyEntry('k2');

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ keys: K1 });
});
afterAll(() => t.close());

const payloadOf = async (id: string) =>
  (
    await sql<{ kid: string; wrapped_key: Buffer; ciphertext: Buffer }>`
    SELECT kid, wrapped_key, ciphertext FROM secret_payloads WHERE secret_id = ${id}`.execute(t.db)
  ).rows[0]!;

describe('server-side envelope encryption (S3)', () => {
  it('stores neither the client ciphertext nor the data key in the clear', async () => {
    const c = await createSecret(t.url, { kind: 'text', text: 'envelope' });
    const row = await payloadOf(c.id);
    expect(row.kid).toBe('k1');
    expect(row.wrapped_key.length).toBe(12 + 32 + 16);
    // The revealed client ciphertext must not be a substring of what is stored.
    const meta = await sql<{ size_bytes: number }>`SELECT size_bytes FROM secrets WHERE id = ${c.id}`.execute(t.db);
    expect(row.ciphertext.length).toBe(meta.rows[0]!.size_bytes + 12 + 16);
    const revealed = await reveal(t.url, c);
    expect(row.ciphertext.includes(Buffer.from(revealed.json.ciphertext, 'base64url'))).toBe(false);
  });

  // One bit flipped with XOR: always a change (overwriting with a fixed byte did nothing 1 time in 256).
  it.each([
    ['a flipped ciphertext byte', sql`UPDATE secret_payloads SET ciphertext = set_byte(ciphertext, 19, get_byte(ciphertext, 19) # 1)`],
    ['a flipped wrapped-key byte', sql`UPDATE secret_payloads SET wrapped_key = set_byte(wrapped_key, 14, get_byte(wrapped_key, 14) # 1)`],
    ['a wrong key version', sql`UPDATE secret_payloads SET kid = 'k2'`],
  ])('fails closed on %s', async (_name, tamper) => {
    const c = await createSecret(t.url, { kind: 'text', text: 'tamper me' });
    const w = await t.withKeys(parseKeyring(`${K1},${K2}`));
    try {
      await sql`${tamper} WHERE secret_id = ${c.id}`.execute(t.db);
      const r = await reveal(w.url, c);
      expect(r.status).toBe(500);
      expect(r.json.error.code).toBe('internal');
      expect(JSON.stringify(r.json)).not.toMatch(/ciphertext|tamper/);
    } finally {
      t = await w.withKeys(parseKeyring(K1));
    }
  });

  it('fails closed when a payload is moved to another secret (AAD binds the id)', async () => {
    const a = await createSecret(t.url, { kind: 'text', text: 'A' });
    const b = await createSecret(t.url, { kind: 'text', text: 'B' });
    await sql`UPDATE secret_payloads SET ciphertext = (SELECT ciphertext FROM secret_payloads WHERE secret_id = ${a.id}),
                                        wrapped_key = (SELECT wrapped_key FROM secret_payloads WHERE secret_id = ${a.id})
              WHERE secret_id = ${b.id}`.execute(t.db);
    expect((await reveal(t.url, b)).status).toBe(500);
  });

  it('rotation re-wraps every data key and keeps old secrets readable', async () => {
    const before = await Promise.all([1, 2, 3].map((n) => createSecret(t.url, { kind: 'text', text: `old ${n}` }, { views: 2 })));
    // Step 1 of a rotation: every process runs with the new key first and the old one after it.
    t = await t.withKeys(parseKeyring(`${K2},${K1}`));
    const during = await createSecret(t.url, { kind: 'text', text: 'new' });
    expect((await payloadOf(during.id)).kid).toBe('k2');
    expect((await reveal(t.url, before[0]!)).payload).toEqual({ kind: 'text', text: 'old 1' });
    // Step 2: re-wrap.
    const result = await rotateKeys(t.db, t.keyring);
    expect(result.remaining).toBe(0);
    expect(result.rewrapped).toBeGreaterThanOrEqual(3);
    const kids = await sql<{ kid: string }>`SELECT DISTINCT kid FROM secret_payloads`.execute(t.db);
    expect(kids.rows.map((r) => r.kid)).toEqual(['k2']);
    // Step 3: the old key can go; everything is still readable.
    t = await t.withKeys(parseKeyring(K2));
    for (const [i, c] of before.entries()) {
      expect((await reveal(t.url, c)).payload).toEqual({ kind: 'text', text: `old ${i + 1}` });
    }
    expect((await reveal(t.url, during)).payload).toEqual({ kind: 'text', text: 'new' });
  });
});
