import { sql } from 'kysely';
import type { Db } from '../../db/database';

/**
 * Retention purges (issue 9): each statement deletes at most `limit` rows older than `cutoff`, chosen with
 * `FOR UPDATE SKIP LOCKED` so any number of API processes purge side by side without waiting on each other or on the
 * statements that use the rows. Never audit events, checkpoints or note receipts: see NOTES.md.
 */

const count = (rows: { n: string }[]): number => Number(rows[0]?.n ?? 0);

/** Delivered internal notes (their masked facts); the note's receipt (text digest, desk id) stays in note_receipts. */
export async function purgeDeliveredNotes(db: Db, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH doomed AS (
      SELECT id FROM note_outbox WHERE status = 'delivered' AND delivered_at < ${cutoff}
       ORDER BY delivered_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM note_outbox o USING doomed d WHERE o.id = d.id RETURNING 1
    )
    SELECT count(*)::text AS n FROM gone`.execute(db);
  return count(rows);
}

/**
 * Finished verifications (never an open one, nor one still counting as verified) with their override rows, in one
 * statement: the override rows go first within it, so the foreign key holds at its end.
 */
export async function purgeFinishedVerifications(db: Db, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH doomed AS (
      SELECT id FROM verifications
       WHERE finished_at IS NOT NULL AND finished_at < ${cutoff} AND state NOT IN ('started', 'waiting')
         AND (valid_until IS NULL OR valid_until < ${cutoff})
       ORDER BY finished_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), overrides AS (
      DELETE FROM verification_overrides o USING doomed d WHERE o.verification_id = d.id
    ), gone AS (
      DELETE FROM verifications v USING doomed d WHERE v.id = d.id RETURNING 1
    )
    SELECT count(*)::text AS n FROM gone`.execute(db);
  return count(rows);
}

/** Pushes, links and codes sent per customer (push and contact limits look back at most a day or two). */
export async function purgePushAttempts(db: Db, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH doomed AS (
      SELECT ctid FROM push_attempts WHERE sent_at < ${cutoff}
       ORDER BY sent_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM push_attempts p WHERE p.ctid IN (SELECT ctid FROM doomed) RETURNING 1
    )
    SELECT count(*)::text AS n FROM gone`.execute(db);
  return count(rows);
}

/**
 * Metadata of used secrets: a secret viewed to its last view or revoked keeps its row (no content: the payload went
 * with the last view) only until expiry; this takes it sooner once it is older than the cutoff. Then the ticket
 * binding (`ticket_secrets`: agent, fingerprint, requester key) of every secret that no longer exists.
 */
export async function purgeUsedSecrets(db: Db, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH doomed AS (
      SELECT tenant_id, id FROM secrets
       WHERE (views_left = 0 AND last_viewed_at < ${cutoff}) OR revoked_at < ${cutoff}
       LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), gone AS (
      DELETE FROM secrets s USING doomed d WHERE s.tenant_id = d.tenant_id AND s.id = d.id RETURNING 1
    )
    SELECT count(*)::text AS n FROM gone`.execute(db);
  return count(rows);
}

export async function purgeTicketSecrets(db: Db, cutoff: Date, limit: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH doomed AS (
      SELECT t.tenant_id, t.secret_id FROM ticket_secrets t
       WHERE t.status <> 'waiting' AND t.updated_at < ${cutoff}
         AND NOT EXISTS (SELECT 1 FROM secrets s WHERE s.tenant_id = t.tenant_id AND s.id = t.secret_id)
       ORDER BY t.updated_at LIMIT ${limit} FOR UPDATE OF t SKIP LOCKED
    ), gone AS (
      DELETE FROM ticket_secrets t USING doomed d WHERE t.tenant_id = d.tenant_id AND t.secret_id = d.secret_id RETURNING 1
    )
    SELECT count(*)::text AS n FROM gone`.execute(db);
  return count(rows);
}
