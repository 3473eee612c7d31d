import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { auditData, noteFacts, recordTail } from './verification-record.sql';
import { AUDIT_TYPES } from './verification.types';

/**
 * Overrides (principle 5): the requesting agent asks for an exception, a second person approves it.
 * One statement each (verification-record.sql.ts); see NOTES.md.
 */

/** The requesting agent asks for an exception on a verification that did not pass. One statement. */
export async function requestOverride(
  db: Db,
  a: { tenantId: string; ticketId: string; id: string; agentId: string; agentLabel: string; reason: string; states: readonly string[] },
): Promise<boolean> {
  const eventId = randomUUID();
  const { rows } = await sql<{ id: string }>`
    WITH o AS (
      INSERT INTO verification_overrides (verification_id, tenant_id, requested_by_id, requested_by_label, reason)
      SELECT id, tenant_id, ${a.agentId}, ${a.agentLabel}, ${a.reason} FROM verifications
       WHERE tenant_id = ${a.tenantId} AND ticket_id = ${a.ticketId} AND id = ${a.id} AND purpose = 'caller'
         AND agent_id = ${a.agentId} AND state = ANY(${[...a.states]}::text[])
      ON CONFLICT (verification_id) DO NOTHING
      RETURNING verification_id
    ), v AS (
      UPDATE verifications SET last_event_id = ${eventId} FROM o WHERE verifications.id = o.verification_id
      RETURNING verifications.*
    ) ${recordTail(eventId, AUDIT_TYPES.override_requested, noteFacts({ overrideReason: a.reason }), auditData({ overrideReason: a.reason }))}`.execute(
    db,
  );
  return rows.length > 0;
}

/**
 * A second person approves: the override row (the database refuses approver = requester), the
 * verification becomes `overridden` — never `verified` — valid for the policy lifetime, audit, note
 * naming both people, NOTIFY. Undefined when there is no open request (or it was already approved).
 */
export async function approveOverride(
  db: Db,
  a: { tenantId: string; ticketId: string; id: string; approverId: string; approverLabel: string; validSeconds: number },
): Promise<boolean> {
  const eventId = randomUUID();
  const { rows } = await sql<{ id: string }>`
    WITH o AS (
      UPDATE verification_overrides SET approved_by_id = ${a.approverId}, approved_by_label = ${a.approverLabel}, approved_at = now()
       WHERE tenant_id = ${a.tenantId} AND verification_id = ${a.id} AND approved_by_id IS NULL
         AND requested_by_id <> ${a.approverId}
      RETURNING verification_id, requested_by_label, reason
    ), v AS (
      UPDATE verifications SET state = 'overridden', valid_until = now() + make_interval(secs => ${a.validSeconds}), last_event_id = ${eventId}
        FROM o
       WHERE verifications.id = o.verification_id AND verifications.tenant_id = ${a.tenantId} AND verifications.ticket_id = ${a.ticketId}
         AND verifications.state IN ('denied', 'timed_out', 'failed', 'cancelled')
      RETURNING verifications.*
    ) ${recordTail(
      eventId,
      AUDIT_TYPES.override_approved,
      noteFacts({ approver: a.approverLabel, overrideReason: sql`(SELECT reason FROM o)` }),
      auditData({ approverId: a.approverId, approver: a.approverLabel }),
    )}`.execute(db);
  return rows.length > 0;
}
