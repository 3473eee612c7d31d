import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAll } from '../src/modules/audit/seal-chain';
import { verifyAuditChain } from '../src/modules/audit/verify-chain';
import { createSecret, reveal, startTestApp, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** Superuser-only tampering: bypasses the append-only trigger, as an attacker with DB access could. */
async function tamper(statement: ReturnType<typeof sql>) {
  await t.db.connection().execute(async (conn) => {
    await sql`SET session_replication_role = replica`.execute(conn);
    try {
      await statement.execute(conn);
    } finally {
      await sql`SET session_replication_role = origin`.execute(conn);
    }
  });
}

const eventAt = async (index: number) =>
  (await sql<{ id: string; seq: string }>`SELECT id, seq FROM audit_events WHERE chain_index = ${index}`.execute(t.db)).rows[0]!;

describe('audit hash chain', () => {
  it('seals concurrent writes into one verifiable chain', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, () => createSecret(t.url)));
    await Promise.all(created.slice(0, 10).map((c) => reveal(t.url, c)));
    expect(await sealAll(t.db)).toBe(30);
    expect(await sealAll(t.db)).toBe(0);
    const r = await verifyAuditChain(t.db);
    expect(r).toMatchObject({ ok: true, events: 30, unsealed: 0, tenants: 1 });
    const rows = await sql<{ type: string; data: Record<string, unknown> }>`SELECT type, data FROM audit_events`.execute(t.db);
    // Audit rows hold no content, keys, passphrases or revoke tokens.
    for (const row of rows.rows) {
      expect(Object.keys(row.data).sort()).not.toContain('ciphertext');
      expect(JSON.stringify(row.data)).not.toMatch(/revoke|keyCheck|passphraseCheck/i);
    }
  });

  it('is append-only for ordinary writers', async () => {
    await expect(sql`UPDATE audit_events SET type = 'x' WHERE chain_index = 1`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_events WHERE chain_index = 1`.execute(t.db)).rejects.toThrow(/append-only/);
    // Not yet sealed is not editable either: the only allowed change is the seal itself.
    const fresh = await createSecret(t.url);
    await expect(sql`UPDATE audit_events SET data = '{}'::jsonb WHERE secret_id = ${fresh.id}`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_events WHERE secret_id = ${fresh.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    expect(await sealAll(t.db)).toBe(1);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('names an edited event', async () => {
    const victim = await eventAt(5);
    await tamper(sql`UPDATE audit_events SET data = data || '{"outcome":"forged"}'::jsonb WHERE id = ${victim.id}`);
    const r = await verifyAuditChain(t.db);
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toMatchObject({ eventId: victim.id, chainIndex: '5', reason: 'hash_mismatch' });
  });

  it('detects a deleted event, a reordering and a cut tail', async () => {
    // Start again from a clean chain so each tampering is seen first.
    const fresh = await startTestApp();
    try {
      await Promise.all(Array.from({ length: 8 }, () => createSecret(fresh.url)));
      await sealAll(fresh.db);
      expect((await verifyAuditChain(fresh.db)).ok).toBe(true);
      const withSuperuser = async (s: ReturnType<typeof sql>) =>
        fresh.db.connection().execute(async (conn) => {
          await sql`SET session_replication_role = replica`.execute(conn);
          await s.execute(conn);
          await sql`SET session_replication_role = origin`.execute(conn);
        });

      // Reorder: swap the chain positions of events 2 and 3.
      await withSuperuser(sql`UPDATE audit_events SET chain_index = -chain_index WHERE chain_index IN (2, 3)`);
      await withSuperuser(
        sql`UPDATE audit_events SET chain_index = CASE chain_index WHEN -2 THEN 3 ELSE 2 END WHERE chain_index IN (-2, -3)`,
      );
      const reordered = await verifyAuditChain(fresh.db);
      expect(reordered.ok).toBe(false);
      expect(reordered.firstBreak?.chainIndex).toBe('2');
      await withSuperuser(sql`UPDATE audit_events SET chain_index = -chain_index WHERE chain_index IN (2, 3)`);
      await withSuperuser(
        sql`UPDATE audit_events SET chain_index = CASE chain_index WHEN -2 THEN 3 ELSE 2 END WHERE chain_index IN (-2, -3)`,
      );
      expect((await verifyAuditChain(fresh.db)).ok).toBe(true);

      // Delete the last event: the head no longer matches.
      await withSuperuser(sql`DELETE FROM audit_events WHERE chain_index = 8`);
      const cut = await verifyAuditChain(fresh.db);
      expect(cut.firstBreak).toMatchObject({ reason: 'head_mismatch', eventId: null });

      // Delete one in the middle: the next one names the gap.
      await withSuperuser(sql`DELETE FROM audit_events WHERE chain_index = 4`);
      const gap = await verifyAuditChain(fresh.db);
      expect(gap.firstBreak).toMatchObject({ chainIndex: '5', reason: 'index_gap' });
    } finally {
      await fresh.close();
    }
  });
});
