import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { maskIdentifiers } from '../../lib/mask';
import { auditData, noteFacts, notifyChanged, recordTail } from './verification-record.sql';
import type { EndReason, FraudFlag, OutcomeDetail } from '@vouchsafe/contracts';
import { AUDIT_TYPES, type OutcomeState } from './verification.types';

/**
 * Ending a verification: the one statement that records an outcome (verified, denied, failed,
 * timed out, cancelled), closing attempts whose time ran out, and the code attempts of callback
 * methods. One statement each (verification-record.sql.ts); see NOTES.md.
 */

export interface Outcome {
  state: OutcomeState;
  reason: string | null;
  isFraudSuspected?: boolean;
  /** verified: how long it counts (policy.lifetimeSeconds). */
  validSeconds?: number;
  /** Who acted, when not the IdP (cancel: the agent). */
  actor?: { id: string; label: string };
  /** What the IdP reported when it did not pass (issue 16). */
  detail?: OutcomeDetail | null;
  /** Cancel: why the agent ended it early (issue 16). */
  endReason?: EndReason | null;
  /** Raises a fraud flag on the ticket in the same statement (fraud_flags; stays until a supervisor acknowledges it). */
  fraudFlag?: FraudFlag['kind'];
}

/**
 * Records an outcome if the verification is still open — the guard makes this the single point
 * where a pass can be written, and only from an IdP answer (S7). Undefined when it was already final.
 */
export async function recordOutcome(db: Db, tenantId: string, id: string, o: Outcome): Promise<{ eventId: string } | undefined> {
  const eventId = randomUUID();
  const type = AUDIT_TYPES[o.state];
  const reason = o.reason === null ? null : maskIdentifiers(o.reason).slice(0, 300);
  const { rows } = await sql<{ id: string }>`
    WITH v AS (
      UPDATE verifications
         SET state = ${o.state}, reason = ${reason}, is_fraud_suspected = is_fraud_suspected OR ${o.isFraudSuspected ?? false},
             finished_at = now(),
             valid_until = ${o.state === 'verified' && o.validSeconds ? sql`now() + make_interval(secs => ${o.validSeconds})` : sql`NULL`},
             next_poll_at = NULL, poll_lease_until = NULL, last_event_id = ${eventId},
             outcome_detail = ${o.detail ?? null}, end_reason = ${o.endReason ?? null}
       WHERE tenant_id = ${tenantId} AND id = ${id} AND state IN ('started', 'waiting')
      RETURNING *
    ), f AS (
      INSERT INTO fraud_flags (tenant_id, ticket_id, verification_id, kind, detail, method, agent_id, agent_label)
      SELECT v.tenant_id, v.ticket_id, v.id, ${o.fraudFlag ?? null}::text, v.outcome_detail, v.method, v.agent_id, v.agent_label
        FROM v WHERE ${o.fraudFlag ?? null}::text IS NOT NULL
      RETURNING 1
    ) ${recordTail(eventId, type, noteFacts(), auditData(o.actor ? { actorId: o.actor.id, actor: o.actor.label } : {}))}`.execute(db);
  return rows.length > 0 ? { eventId } : undefined;
}

/**
 * This agent's open verifications on this ticket whose time is up but which no poller has closed
 * yet: recorded as timed out (audit, note) so a new start is not refused for a dead attempt.
 */
export async function closeExpiredOpen(db: Db, tenantId: string, ticketId: string, agentId: string): Promise<number> {
  const expired = await db
    .selectFrom('verifications')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .where('agent_id', '=', agentId)
    .where('purpose', '=', 'caller')
    .where('state', 'in', ['started', 'waiting'])
    .where('expires_at', '<=', sql<Date>`now()`)
    .execute();
  let closed = 0;
  for (const { id } of expired) {
    if (await recordOutcome(db, tenantId, id, { state: 'timed_out', reason: 'The caller did not answer in time.' })) closed += 1;
  }
  return closed;
}

/**
 * Counts one code attempt up front, atomically (two tabs typing at once cannot both get the last
 * try). Undefined when the verification is not waiting or has no attempts left.
 */
export async function takeCodeAttempt(db: Db, tenantId: string, id: string, maxAttempts: number): Promise<{ attempt: number } | undefined> {
  const { rows } = await sql<{ code_attempts: number }>`
    UPDATE verifications SET code_attempts = code_attempts + 1
     WHERE tenant_id = ${tenantId} AND id = ${id} AND state = 'waiting' AND code_attempts < ${maxAttempts}
       AND expires_at > now()
    RETURNING code_attempts`.execute(db);
  return rows[0] && { attempt: rows[0].code_attempts };
}

/** A wrong code that left attempts: the binding shows how many, and the sidebar hears it. */
export async function noteWrongCode(db: Db, tenantId: string, id: string, attemptsLeft: number): Promise<void> {
  await sql`
    WITH v AS (
      UPDATE verifications SET binding = jsonb_set(binding, '{attemptsLeft}', to_jsonb(${attemptsLeft}::int))
       WHERE tenant_id = ${tenantId} AND id = ${id} AND state = 'waiting' AND binding->>'kind' = 'callback_code'
      RETURNING id, tenant_id, ticket_id
    )
    SELECT ${notifyChanged} FROM v`.execute(db);
}
