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
       WHERE tenant_id = ${a.tenantId} AND verification_id = ${a.id} AND approved_by_id IS NULL AND declined_by_id IS NULL
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

/**
 * Issue 16: a supervisor declines an open request, with a reason: the override row records who, when and why (the
 * database refuses a decline by the requester and a request both approved and declined), the verification keeps its
 * state (it did not pass), audit, note naming both people, NOTIFY (the requesting agent's sidebar hears it). One
 * statement; false when there is no open request on this ticket (or it was already decided).
 */
export async function declineOverride(
  db: Db,
  a: { tenantId: string; ticketId: string; id: string; declinerId: string; declinerLabel: string; reason: string },
): Promise<boolean> {
  const eventId = randomUUID();
  const { rows } = await sql<{ id: string }>`
    WITH o AS (
      UPDATE verification_overrides
         SET declined_by_id = ${a.declinerId}, declined_by_label = ${a.declinerLabel}, decline_reason = ${a.reason}, declined_at = now()
       WHERE tenant_id = ${a.tenantId} AND verification_id = ${a.id} AND approved_by_id IS NULL AND declined_by_id IS NULL
         AND requested_by_id <> ${a.declinerId}
         AND verification_id IN (SELECT id FROM verifications WHERE tenant_id = ${a.tenantId} AND ticket_id = ${a.ticketId})
      RETURNING verification_id, reason
    ), v AS (
      UPDATE verifications SET last_event_id = ${eventId} FROM o
       WHERE verifications.id = o.verification_id AND verifications.tenant_id = ${a.tenantId}
      RETURNING verifications.*
    ) ${recordTail(
      eventId,
      AUDIT_TYPES.override_declined,
      noteFacts({ overrideReason: sql`(SELECT reason FROM o)`, decliner: a.declinerLabel, declineReason: a.reason }),
      auditData({ declinerId: a.declinerId, decliner: a.declinerLabel, declineReason: a.reason }),
    )}`.execute(db);
  return rows.length > 0;
}
