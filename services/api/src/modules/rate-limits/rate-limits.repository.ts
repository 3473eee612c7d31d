import { sql } from 'kysely';
import { executePrepared, type Db } from '../../db/database';

/**
 * rate_limits (UNLOGGED): one fixed-window counter per (bucket, client network key). Every
 * statement here is one round trip; nothing is ever cleared wholesale (expired rows are deleted
 * by the purge job, one batch at a time).
 */

export interface WindowCount {
  hits: number;
  /** Whole seconds until the window ends (at least 1). */
  resetInSeconds: number;
}

export interface HitCount extends WindowCount {
  /** Milliseconds until the window ends, rounded down (a lease taken from it must not outlive it). */
  resetInMs: number;
  /** When the window ends, in the database's clock (ms since the epoch): names the window. */
  windowEnd: number;
}

/**
 * Counts `n` hits (default one) and returns the window's count including them, in one statement. A row whose
 * window has ended starts a new window; concurrent hits on one key serialise on its row, so across any number of
 * processes every hit is counted once.
 */
export async function hit(db: Db, bucket: string, key: Buffer, windowSeconds: number, n = 1): Promise<HitCount> {
  const { rows } = await executePrepared(
    db,
    sql<{ hits: number; reset_in_ms: number; window_end: string }>`
    INSERT INTO rate_limits AS r (bucket, key, hits, reset_at)
    VALUES (${bucket}, ${key}, ${n}, now() + make_interval(secs => ${windowSeconds}))
    ON CONFLICT (bucket, key) DO UPDATE
       SET hits = CASE WHEN r.reset_at <= now() THEN EXCLUDED.hits ELSE r.hits + EXCLUDED.hits END,
           reset_at = CASE WHEN r.reset_at <= now() THEN EXCLUDED.reset_at ELSE r.reset_at END
    RETURNING hits, floor(extract(epoch FROM reset_at - now()) * 1000)::int AS reset_in_ms,
              floor(extract(epoch FROM reset_at) * 1000)::bigint AS window_end`,
  );
  const row = rows[0]!;
  return {
    hits: row.hits,
    resetInSeconds: Math.max(1, Math.ceil(row.reset_in_ms / 1000)),
    resetInMs: Math.max(0, row.reset_in_ms),
    windowEnd: Number(row.window_end),
  };
}

/** The current window's count for a key, without counting; undefined when it has none. */
export async function peek(db: Db, bucket: string, key: Buffer): Promise<WindowCount | undefined> {
  const { rows } = await executePrepared(
    db,
    sql<{ hits: number; reset_in: number }>`
    SELECT hits, ceil(extract(epoch FROM reset_at - now()))::int AS reset_in
      FROM rate_limits WHERE bucket = ${bucket} AND key = ${key} AND reset_at > now()`,
  );
  const row = rows[0];
  return row && { hits: row.hits, resetInSeconds: Math.max(1, row.reset_in) };
}

/**
 * Deletes up to `batch` rows whose window has ended. SKIP LOCKED: a row being hit right now is
 * left for the next round (the hit restarts its window anyway), and several processes purging
 * at once never wait on each other.
 */
export async function purgeExpired(db: Db, batch: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    WITH doomed AS (
      SELECT bucket, key FROM rate_limits WHERE reset_at <= now() LIMIT ${batch} FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM rate_limits r USING doomed d WHERE r.bucket = d.bucket AND r.key = d.key RETURNING 1
    )
    SELECT count(*)::int AS n FROM gone`.execute(db);
  return rows[0]?.n ?? 0;
}
