import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { FraudFlag, OutcomeDetail, VerificationMethod } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { isoUtc, jsonb } from '../../db/sql';
import { recordTail } from './verification-record.sql';
import { AUDIT_TYPES } from './verification.types';

/**
 * Issue 16: fraud flags on a ticket. A flag is raised by the statement that records a possible-fraud outcome
 * (`recordOutcome` with `fraudFlag`); it stays until a supervisor acknowledges the ticket's open flags, in ONE statement
 * with its audit event (`verification.fraud_flag_acknowledged`), note and NOTIFY. Tenant and ticket scope every query.
 */

interface FlagRow {
  id: string;
  kind: FraudFlag['kind'];
  detail: OutcomeDetail | null;
  method: VerificationMethod;
  raised_at: Date;
  agent_label: string;
  open_count: string;
}

/** The ticket's latest unacknowledged flag (with how many are open), or null. */
export async function findOpenFlag(db: Db, tenantId: string, ticketId: string): Promise<FraudFlag | null> {
  const { rows } = await sql<FlagRow>`
    SELECT id, kind, detail, method, raised_at, agent_label, count(*) OVER () AS open_count
      FROM fraud_flags
     WHERE tenant_id = ${tenantId} AND ticket_id = ${ticketId} AND acknowledged_at IS NULL
     ORDER BY raised_at DESC, id LIMIT 1`.execute(db);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    kind: r.kind,
    detail: r.detail,
    method: r.method,
    raisedAt: r.raised_at.toISOString(),
    agentLabel: r.agent_label,
    openCount: Number(r.open_count),
  };
}

/** Whether one of the ticket's open flags was raised on this agent's own attempt (they may not acknowledge it). */
export async function hasOwnOpenFlag(db: Db, tenantId: string, ticketId: string, agentId: string): Promise<boolean> {
  const row = await db
    .selectFrom('fraud_flags')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .where('acknowledged_at', 'is', null)
    .where('agent_id', '=', agentId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Acknowledges every open flag of the ticket, unless one was raised on the supervisor's own attempt (checked in the
 * same UPDATE, so a flag raised meanwhile cannot slip through). The note/audit row describe the latest flag and how
 * many were acknowledged. Returns the number acknowledged (0: none open, or refused).
 */
export async function acknowledgeFlags(
  db: Db,
  a: { tenantId: string; ticketId: string; supervisorId: string; supervisorLabel: string; reason: string },
): Promise<number> {
  const eventId = randomUUID();
  const facts = sql`jsonb_build_object(
      'agent', v.agent_label, 'at', ${isoUtc(sql`e.occurred_at`)}, 'method', v.method, 'purpose', 'caller', 'binding', NULL,
      'idpRef', NULL, 'startedAt', ${isoUtc(sql`v.raised_at`)}, 'result', 'denied', 'reason', NULL, 'isFraudSuspected', true,
      'requester', v.requester_label, 'validUntil', NULL, 'approver', ${a.supervisorLabel}::text,
      'overrideReason', ${a.reason}::text, 'outcomeDetail', v.detail, 'flagCount', v.flag_count)`;
  const data = sql`jsonb_strip_nulls(jsonb_build_object(
      'verificationId', v.id, 'purpose', 'caller', 'ticketId', v.ticket_id, 'method', v.method, 'agentId', v.agent_id,
      'agent', v.agent_label, 'flagKind', v.kind, 'outcomeDetail', v.detail, 'flagCount', v.flag_count,
      'fraudFlagIds', v.flag_ids) || ${jsonb({ approverId: a.supervisorId, approver: a.supervisorLabel, acknowledgeReason: a.reason })})`;
  const { rows } = await sql<{ id: string }>`
    WITH f AS (
      UPDATE fraud_flags
         SET acknowledged_at = now(), acknowledged_by_id = ${a.supervisorId}, acknowledged_by_label = ${a.supervisorLabel},
             acknowledge_reason = ${a.reason}, acknowledge_event_id = ${eventId}
       WHERE tenant_id = ${a.tenantId} AND ticket_id = ${a.ticketId} AND acknowledged_at IS NULL
         AND NOT EXISTS (
           SELECT 1 FROM fraud_flags own
            WHERE own.tenant_id = ${a.tenantId} AND own.ticket_id = ${a.ticketId} AND own.acknowledged_at IS NULL
              AND own.agent_id = ${a.supervisorId})
      RETURNING *
    ), latest AS (
      SELECT * FROM f ORDER BY raised_at DESC, id LIMIT 1
    ), v AS (
      SELECT l.tenant_id, l.ticket_id, NULL::text AS secret_id, l.verification_id AS id, l.agent_id, l.agent_label, l.method,
             l.kind, l.detail, l.raised_at, (SELECT count(*)::int FROM f) AS flag_count,
             (SELECT jsonb_agg(f.id ORDER BY f.raised_at) FROM f) AS flag_ids,
             COALESCE((SELECT x.requester_label FROM verifications x WHERE x.tenant_id = l.tenant_id AND x.id = l.verification_id), '') AS requester_label
        FROM latest l
    ) ${recordTail(eventId, AUDIT_TYPES.fraud_flag_acknowledged, facts, data)}`.execute(db);
  if (rows.length === 0) return 0;
  const count = await db
    .selectFrom('fraud_flags')
    .select(sql<string>`count(*)`.as('n'))
    .where('tenant_id', '=', a.tenantId)
    .where('acknowledge_event_id', '=', eventId)
    .executeTakeFirstOrThrow();
  return Number(count.n);
}
