import { sql } from 'kysely';
import type { Db } from '../../db/database';

/**
 * The note outbox. Rows are inserted by the statements that write the audit events they report
 * (secrets repositories); this file only leases and settles them. See NOTES.md.
 */

export interface LeasedNote {
  id: string;
  tenantId: string;
  ticketId: string;
  /** The receipt printed in the note (idempotency key on the desk). */
  auditEventId: string;
  action: string;
  note: unknown;
  /** Including this attempt. */
  attempts: number;
  lastError: string | null;
  /** The previous lease ran out without being settled: that attempt's outcome is unknown. */
  wasAbandoned: boolean;
}

/**
 * Leases up to `limit` due rows in one short statement: SKIP LOCKED so concurrent workers (any
 * number of processes) take disjoint rows, attempts counted up front, and a lease long enough to
 * cover a find + a write with their timeouts. A row whose lease runs out is due again.
 */
export async function leaseDue(db: Db, limit: number, leaseMs: number): Promise<LeasedNote[]> {
  const { rows } = await sql<{
    id: string;
    tenant_id: string;
    ticket_id: string;
    audit_event_id: string;
    action: string;
    note: unknown;
    attempts: number;
    last_error: string | null;
    was_abandoned: boolean;
  }>`
    UPDATE note_outbox o
       SET attempts = o.attempts + 1, lease_until = now() + make_interval(secs => ${leaseMs / 1000})
      FROM (SELECT id, lease_until IS NOT NULL AS was_abandoned FROM note_outbox
             WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until <= now())
             ORDER BY next_attempt_at
             LIMIT ${limit}
               FOR UPDATE SKIP LOCKED) due
     WHERE o.id = due.id
    RETURNING o.id, o.tenant_id, o.ticket_id, o.audit_event_id, o.action, o.note, o.attempts, o.last_error, due.was_abandoned`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    ticketId: r.ticket_id,
    auditEventId: r.audit_event_id,
    action: r.action,
    note: r.note,
    attempts: r.attempts,
    lastError: r.last_error,
    wasAbandoned: r.was_abandoned,
  }));
}

/**
 * Settling is fenced by the attempt number: a worker whose lease ran out (and whose row another
 * worker has leased again since) changes nothing.
 */
type Lease = Pick<LeasedNote, 'id' | 'attempts'>;

/**
 * Delivered, and what was delivered (issue 9 receipts): the note_receipts row with the SHA-256 of the text the desk
 * was sent and the desk's note id is written by the same statement, so a delivered note always has its receipt.
 */
export async function markDelivered(db: Db, lease: Lease, remoteId: string | null, textSha256: Buffer): Promise<boolean> {
  const { rows } = await sql<{ n: string }>`
    WITH done AS (
      UPDATE note_outbox
         SET status = 'delivered', delivered_at = now(), lease_until = NULL, remote_id = ${remoteId}, last_error = NULL
       WHERE id = ${lease.id} AND attempts = ${lease.attempts} AND status = 'pending'
      RETURNING tenant_id, ticket_id, audit_event_id, remote_id
    ), receipt AS (
      INSERT INTO note_receipts (audit_event_id, tenant_id, ticket_id, text_sha256, remote_id)
      SELECT audit_event_id, tenant_id, ticket_id, ${textSha256}, remote_id FROM done
      ON CONFLICT (audit_event_id) DO NOTHING
    )
    SELECT count(*)::text AS n FROM done`.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}

export async function reschedule(db: Db, lease: Lease, delayMs: number, error: string): Promise<boolean> {
  const r = await db
    .updateTable('note_outbox')
    .set({ next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`, lease_until: null, last_error: error })
    .where('id', '=', lease.id)
    .where('attempts', '=', lease.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function markFailed(db: Db, lease: Lease, error: string): Promise<boolean> {
  const r = await db
    .updateTable('note_outbox')
    .set({ status: 'failed', lease_until: null, last_error: error })
    .where('id', '=', lease.id)
    .where('attempts', '=', lease.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
