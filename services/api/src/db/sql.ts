import { sql, type RawBuilder } from 'kysely';
import type { Tx } from './database';

/**
 * SQL pieces that more than one module writes the same way. Each helper produces exactly the text
 * that was written out by hand before, so a statement run through `executePrepared` keeps its
 * name (db/NOTES.md). Pieces that belong to one domain (a secret's ticket note, a verification's
 * audit/note/NOTIFY tail) stay in that module.
 */

/** A timestamp as ISO 8601 UTC with milliseconds, in SQL (the form note facts and API answers carry). */
export const isoUtc = (column: RawBuilder<unknown>) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A value as a jsonb parameter; null (or undefined) is SQL NULL, not the JSON value null. */
export const jsonb = (value: unknown) => sql`${value === null || value === undefined ? null : JSON.stringify(value)}::jsonb`;

/**
 * Takes a transaction-scoped advisory lock on `key` (hashed to 64 bits), held until commit or
 * rollback: serialises the few decisions that count rows before inserting one (e.g. "at most N
 * per window"). Demands a transaction: outside one the lock would end with the statement.
 */
export async function lockForTransaction(trx: Tx, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/** SQLSTATEs of writes the database refused that callers turn into an answer. */
export const SQLSTATE = {
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
} as const;

/** Whether `err` is the database refusing a statement with `state` — on `constraint`, when one is named. */
export function isRefusedBy(err: unknown, state: (typeof SQLSTATE)[keyof typeof SQLSTATE], constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === state && (constraint === undefined || e.constraint === constraint);
}
