import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { findById } from './verification.repository';
import type { VerificationRow } from './verification.types';

/**
 * The poll lease on open verifications: the poller leases due rows and schedules the next poll, and
 * a link callback takes the same lease before it asks the IdP. See NOTES.md.
 */

export interface LeasedPoll {
  row: VerificationRow;
  isExpired: boolean;
}

/**
 * Leases open verifications that are due: push methods whose next poll is due, and any method past
 * its expiry. SKIP LOCKED + a lease so any number of processes poll disjoint rows; a process that
 * dies mid-poll leaves a lease that simply runs out.
 */
export async function leaseDuePolls(db: Db, limit: number, leaseMs: number): Promise<LeasedPoll[]> {
  const { rows } = await sql<{ id: string; tenant_id: string; expired: boolean }>`
    UPDATE verifications v SET poll_lease_until = now() + make_interval(secs => ${leaseMs / 1000})
      FROM (SELECT id FROM verifications
             WHERE state IN ('started', 'waiting')
               AND (next_poll_at <= now() OR expires_at <= now())
               AND (poll_lease_until IS NULL OR poll_lease_until <= now())
             ORDER BY coalesce(next_poll_at, expires_at)
             LIMIT ${limit}
               FOR UPDATE SKIP LOCKED) due
     WHERE v.id = due.id
    RETURNING v.id, v.tenant_id, v.expires_at <= now() AS expired`.execute(db);
  const out: LeasedPoll[] = [];
  for (const r of rows) {
    const row = await findById(db, r.tenant_id, r.id);
    if (row) out.push({ row, isExpired: r.expired });
  }
  return out;
}

/** Still waiting: poll again after `delayMs` (the lease is released). */
export async function schedulePoll(db: Db, tenantId: string, id: string, delayMs: number): Promise<void> {
  await sql`
    UPDATE verifications SET next_poll_at = now() + make_interval(secs => ${delayMs / 1000}), poll_lease_until = NULL
     WHERE tenant_id = ${tenantId} AND id = ${id} AND state IN ('started', 'waiting')`.execute(db);
}

/**
 * A link callback takes the verification for itself before it asks the IdP (one code exchange per
 * link, whatever the browser, a scanner or an attacker sends at once). Uses the poll lease, so the
 * poller leaves the row alone meanwhile; recording the outcome releases it. false: another request
 * holds it, or it is no longer open.
 */
export async function claimForCallback(db: Db, tenantId: string, id: string, leaseMs: number): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    UPDATE verifications SET poll_lease_until = now() + make_interval(secs => ${leaseMs / 1000})
     WHERE tenant_id = ${tenantId} AND id = ${id} AND state IN ('started', 'waiting')
       AND (poll_lease_until IS NULL OR poll_lease_until <= now())
    RETURNING id`.execute(db);
  return rows.length > 0;
}
