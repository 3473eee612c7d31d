import { sql } from 'kysely';
import type { WithdrawnReason } from '@vouchsafe/contracts';
import type { Db, Tx } from '../../db/database';
import { isoUtc, jsonb, lockForTransaction } from '../../db/sql';
import { auditData, notifyChanged } from '../verification/verification-record.sql';

/**
 * Issue 12: the SQL of the ticket-lifecycle handler. Every function that changes rows takes the per-ticket
 * transaction (`Tx`), so the withdrawals, cancellations, re-pointing and the summary event with its note commit
 * together or not at all. Every statement is scoped by tenant and ticket; each is guarded by the state it leaves
 * (`status = 'waiting'`, `revoked_at IS NULL`, `state IN ('started','waiting')`), so a replay matches nothing.
 */

export interface TicketChange {
  tenantId: string;
  ticketId: string;
  reason: WithdrawnReason;
  source: 'webhook' | 'sweep';
  /** Only items created up to this moment end (a secret sent after a reopen survives a replayed close). */
  occurredAt: Date;
}

/** One ticket at a time across processes (webhook and sweep may race): the lock ends with the transaction. */
export const lockTicket = (trx: Tx, tenantId: string, ticketId: string): Promise<void> =>
  lockForTransaction(trx, `vouchsafe:ticket-lifecycle:${tenantId}:${ticketId}`);

/**
 * Withdraws the ticket's outstanding secrets in ONE statement, as the sidebar's revoke does (modules/secrets): the
 * secret is marked revoked, its payload deleted, `secret.revoked` written (actor system, the reason), and the ticket
 * binding set to `revoked` with `withdrawn_reason` so the customer's link can say why. No per-secret note: the
 * handler writes one summary note. Returns how many were withdrawn.
 */
export async function withdrawSecrets(trx: Tx, c: TicketChange): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH targets AS (
      SELECT tenant_id, secret_id FROM ticket_secrets
       WHERE tenant_id = ${c.tenantId} AND ticket_id = ${c.ticketId} AND status = 'waiting' AND created_at <= ${c.occurredAt}
    ), revoked AS (
      UPDATE secrets s SET revoked_at = now()
        FROM targets x
       WHERE s.tenant_id = x.tenant_id AND s.id = x.secret_id
         AND s.revoked_at IS NULL AND s.views_left > 0 AND s.expires_at > now()
      RETURNING s.tenant_id, s.id, s.views_left
    ), purged AS (
      DELETE FROM secret_payloads p USING revoked r WHERE p.tenant_id = r.tenant_id AND p.secret_id = r.id
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'secret.revoked', id,
             jsonb_build_object('outcome', 'ok', 'viewsLeft', views_left, 'actor', 'system', 'reason', ${c.reason}::text,
                                'ticketId', ${c.ticketId}::text, 'source', ${c.source}::text)
        FROM revoked
      RETURNING secret_id
    ), ticket AS (
      UPDATE ticket_secrets t SET status = 'revoked', withdrawn_reason = ${c.reason}, updated_at = now()
        FROM revoked r WHERE t.tenant_id = r.tenant_id AND t.secret_id = r.id
      RETURNING 1
    )
    SELECT count(*)::text AS n FROM event`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Cancels the ticket's open verifications (caller and recipient) in ONE statement, the way an agent's cancel ends
 * one (state `cancelled`, `verification.cancelled` with actor system and the reason, NOTIFY so live sidebars see it at
 * commit). No per-verification note: the summary note says it. A provider answer arriving later changes nothing
 * (recordOutcome is guarded by the open states).
 */
export async function cancelVerifications(trx: Tx, c: TicketChange, reasonText: string): Promise<{ methods: string[] }> {
  const { rows } = await sql<{ method: string }>`
    WITH v AS (
      UPDATE verifications
         SET state = 'cancelled', reason = ${reasonText}, finished_at = now(), valid_until = NULL,
             next_poll_at = NULL, poll_lease_until = NULL, last_event_id = gen_random_uuid()
       WHERE tenant_id = ${c.tenantId} AND ticket_id = ${c.ticketId} AND state IN ('started', 'waiting')
         AND started_at <= ${c.occurredAt}
      RETURNING *
    ), e AS (
      INSERT INTO audit_events (id, tenant_id, type, secret_id, data)
      SELECT v.last_event_id, v.tenant_id, 'verification.cancelled', v.secret_id,
             ${auditData({ actorId: 'system', actor: 'system', lifecycleReason: c.reason, source: c.source })}
        FROM v
      RETURNING 1
    )
    SELECT v.method, ${notifyChanged} AS notified FROM v`.execute(trx);
  return { methods: rows.map((r) => r.method) };
}

/**
 * A merged ticket's activity moves to the surviving ticket: every secret binding (whatever its state, so the
 * survivor's sidebar lists the history) and every fraud flag (a warning must follow the caller). Verifications stay
 * where they ran: a pass counts for that agent on that ticket only (modules/verification/NOTES.md), and moving one
 * could make an agent "verified" on a ticket whose requester nobody verified.
 */
export async function moveToSurvivor(trx: Tx, c: TicketChange, survivorId: string): Promise<{ secrets: number; flags: number }> {
  const secrets = await sql`
    UPDATE ticket_secrets SET ticket_id = ${survivorId}, merged_from_ticket_id = coalesce(merged_from_ticket_id, ticket_id), updated_at = now()
     WHERE tenant_id = ${c.tenantId} AND ticket_id = ${c.ticketId}`.execute(trx);
  const flags = await sql`
    UPDATE fraud_flags SET ticket_id = ${survivorId} WHERE tenant_id = ${c.tenantId} AND ticket_id = ${c.ticketId}`.execute(trx);
  return { secrets: Number(secrets.numAffectedRows ?? 0n), flags: Number(flags.numAffectedRows ?? 0n) };
}

export interface Summary {
  type: 'ticket.closed' | 'ticket.deleted' | 'ticket.merged';
  /** Audit data: counts, ids, source; never an identifier or content. */
  data: Record<string, unknown>;
  /** The ticket the note goes on; null: no note (deleted ticket, merge without a survivor). */
  noteTicketId: string | null;
  /** Note facts (modules/notes/lifecycle-note-text.ts), without `at` (the event's time, added here). */
  facts: Record<string, unknown>;
}

/** The summary audit event (actor system) and, in the same statement, the note for after commit. */
export async function insertSummary(trx: Tx, c: TicketChange, s: Summary): Promise<{ eventId: string; isNoted: boolean }> {
  const { rows } = await sql<{ id: string; noted: boolean }>`
    WITH e AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      VALUES (${c.tenantId}, ${s.type}, NULL, ${jsonb({ ...s.data, actor: 'system', reason: c.reason, ticketId: c.ticketId, source: c.source })})
      RETURNING id, tenant_id, occurred_at
    ), n AS (
      INSERT INTO note_outbox (tenant_id, ticket_id, secret_id, audit_event_id, action, note)
      SELECT e.tenant_id, ${s.noteTicketId}::text, NULL, e.id, 'ticket.lifecycle',
             ${jsonb(s.facts)} || jsonb_build_object('at', ${isoUtc(sql`e.occurred_at`)})
        FROM e WHERE ${s.noteTicketId}::text IS NOT NULL
      RETURNING 1
    )
    SELECT e.id, EXISTS (SELECT 1 FROM n) AS noted FROM e`.execute(trx);
  return { eventId: rows[0]!.id, isNoted: rows[0]!.noted };
}

/** The sweep asked about this ticket now (oldest-checked tickets go first next time). */
export async function markChecked(db: Db, tenantId: string, ticketIds: readonly string[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await sql`
    INSERT INTO ticket_lifecycle_checks (tenant_id, ticket_id, checked_at)
    SELECT ${tenantId}, unnest(${sql.val([...ticketIds])}::text[]), now()
    ON CONFLICT (tenant_id, ticket_id) DO UPDATE SET checked_at = now()`.execute(db);
}

export interface SweepCandidate {
  tenantId: string;
  ticketId: string;
}

/**
 * Tickets of active desk tenants that still have an outstanding secret or an open verification, least recently
 * checked first, at most `limit`. Check rows of tickets with nothing outstanding any more are removed on the way
 * (bounded), so the table holds only tickets worth asking about.
 */
export async function sweepCandidates(db: Db, limit: number): Promise<SweepCandidate[]> {
  await sql`
    DELETE FROM ticket_lifecycle_checks c
     WHERE (c.tenant_id, c.ticket_id) IN (
       SELECT k.tenant_id, k.ticket_id FROM ticket_lifecycle_checks k
        WHERE NOT EXISTS (SELECT 1 FROM ticket_secrets t WHERE t.tenant_id = k.tenant_id AND t.ticket_id = k.ticket_id
                             AND t.status = 'waiting' AND t.expires_at > now())
          AND NOT EXISTS (SELECT 1 FROM verifications v WHERE v.tenant_id = k.tenant_id AND v.ticket_id = k.ticket_id
                             AND v.state IN ('started', 'waiting'))
        LIMIT ${limit})`.execute(db);
  const { rows } = await sql<{ tenant_id: string; ticket_id: string }>`
    WITH outstanding AS (
      SELECT tenant_id, ticket_id FROM ticket_secrets WHERE status = 'waiting' AND expires_at > now()
      UNION
      SELECT tenant_id, ticket_id FROM verifications WHERE state IN ('started', 'waiting')
    )
    SELECT o.tenant_id, o.ticket_id
      FROM outstanding o
      JOIN tenants tn ON tn.id = o.tenant_id AND tn.deleted_at IS NULL AND tn.desk IS NOT NULL
      LEFT JOIN ticket_lifecycle_checks c ON c.tenant_id = o.tenant_id AND c.ticket_id = o.ticket_id
     ORDER BY c.checked_at NULLS FIRST, o.tenant_id, o.ticket_id
     LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({ tenantId: r.tenant_id, ticketId: r.ticket_id }));
}

/** The desk of an active tenant; undefined when removed or not a desk tenant. */
export async function deskOf(db: Db, tenantId: string): Promise<string | undefined> {
  const row = await db.selectFrom('tenants').select('desk').where('id', '=', tenantId).where('deleted_at', 'is', null).executeTakeFirst();
  return row?.desk ?? undefined;
}
