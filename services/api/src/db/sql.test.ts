import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { createDb, type Db } from './database';
import { isoUtc, isRefusedBy, jsonb, lockForTransaction, SQLSTATE } from './sql';

/** The shared SQL helpers, on real Postgres. */

let database: FreshDatabase;
let db: Db;
beforeAll(async () => {
  database = await freshDatabase();
  db = createDb(database.url, 2).db;
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

describe('db/sql', () => {
  it('isoUtc: ISO 8601 in UTC with milliseconds, whatever the session time zone', async () => {
    const { rows } = await db.connection().execute(async (c) => {
      await sql`SET TIME ZONE 'America/New_York'`.execute(c);
      return sql<{ at: string }>`SELECT ${isoUtc(sql`'2024-05-06 07:08:09.123+02'::timestamptz`)} AS at`.execute(c);
    });
    expect(rows[0]!.at).toBe('2024-05-06T05:08:09.123Z');
  });

  it('jsonb: a value as jsonb; null and undefined as SQL NULL, not JSON null', async () => {
    const { rows } = await sql<{ a: string; kind: string; is_null: boolean; is_also_null: boolean }>`
      SELECT ${jsonb({ a: 'x' })}->>'a' AS a, jsonb_typeof(${jsonb([1])}) AS kind,
             ${jsonb(null)} IS NULL AS is_null, ${jsonb(undefined)} IS NULL AS is_also_null`.execute(db);
    expect(rows[0]).toEqual({ a: 'x', kind: 'array', is_null: true, is_also_null: true });
  });

  it('lockForTransaction: an advisory lock held until the transaction ends', async () => {
    const advisoryLocks = sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`;
    const { inside, after } = await db.connection().execute(async (c) => {
      const inside = await c.transaction().execute(async (trx) => {
        await lockForTransaction(trx, 'test:one');
        return (await advisoryLocks.execute(trx)).rows[0]!.n;
      });
      return { inside, after: (await advisoryLocks.execute(c)).rows[0]!.n };
    });
    expect({ inside, after }).toEqual({ inside: 1, after: 0 });
  });

  it('isRefusedBy: reads the SQLSTATE and constraint of a real refusal', async () => {
    await sql`CREATE TABLE refusals (id int CONSTRAINT refusals_id_uq UNIQUE, n int CONSTRAINT refusals_n_ck CHECK (n > 0))`.execute(db);
    await sql`INSERT INTO refusals VALUES (1, 1)`.execute(db);
    const duplicate: unknown = await sql`INSERT INTO refusals VALUES (1, 1)`.execute(db).catch((err: unknown) => err);
    expect(isRefusedBy(duplicate, SQLSTATE.uniqueViolation)).toBe(true);
    expect(isRefusedBy(duplicate, SQLSTATE.uniqueViolation, 'refusals_id_uq')).toBe(true);
    expect(isRefusedBy(duplicate, SQLSTATE.uniqueViolation, 'another_uq')).toBe(false);
    expect(isRefusedBy(duplicate, SQLSTATE.checkViolation)).toBe(false);
    const negative: unknown = await sql`INSERT INTO refusals VALUES (2, -1)`.execute(db).catch((err: unknown) => err);
    expect(isRefusedBy(negative, SQLSTATE.checkViolation, 'refusals_n_ck')).toBe(true);
    expect(isRefusedBy(new Error('not the database'), SQLSTATE.uniqueViolation)).toBe(false);
    expect(isRefusedBy(undefined, SQLSTATE.uniqueViolation)).toBe(false);
  });
});
