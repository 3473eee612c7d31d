import { sql, type RawBuilder } from 'kysely';
import { isoUtc, jsonb } from '../../db/sql';
import type { VerificationAuditType } from './verification.types';

/**
 * Every decision about a verification is ONE statement: the state change (guarded by the state it
 * leaves, so two processes can never both record an outcome), its audit event, its note_outbox row
 * and `pg_notify` for the live stream. NOTIFY is transactional: listeners hear it at commit.
 * No such statement is ever run around a network call. This file holds the parts they share; the
 * statements are in the verification-*.repository.ts files. See NOTES.md.
 */

export const NOTIFY_CHANNEL = 'vouchsafe_verification';

/** Tells the live streams (live.ts) that verification `v` of its tenant and ticket changed; heard at commit. */
export const notifyChanged = sql`pg_notify(${NOTIFY_CHANNEL}, json_build_object('t', v.tenant_id, 'k', v.ticket_id, 'v', v.id)::text)`;

/**
 * Structured, already-masked note facts, built in SQL from the verification row `v` after the
 * change and the audit event `e`. Rendered by modules/notes (note-text.ts) at delivery.
 */
export function noteFacts(
  extra: {
    approver?: string | null;
    overrideReason?: string | RawBuilder<unknown> | null;
    decliner?: string | null;
    declineReason?: string | null;
  } = {},
): RawBuilder<unknown> {
  const overrideReason =
    typeof extra.overrideReason === 'object' && extra.overrideReason !== null
      ? extra.overrideReason
      : sql`${extra.overrideReason ?? null}::text`;
  return sql`jsonb_build_object(
      'agent', v.agent_label, 'at', ${isoUtc(sql`e.occurred_at`)}, 'method', v.method, 'purpose', v.purpose,
      'binding', v.binding->>'kind', 'idpRef', CASE WHEN v.idp_ref IS NULL THEN NULL WHEN length(v.idp_ref) > 8 THEN left(v.idp_ref, 8) || '…' ELSE v.idp_ref END,
      'startedAt', ${isoUtc(sql`v.started_at`)}, 'result', v.state, 'reason', v.reason,
      'isFraudSuspected', v.is_fraud_suspected, 'requester', v.requester_label,
      'validUntil', CASE WHEN v.valid_until IS NULL THEN NULL ELSE ${isoUtc(sql`v.valid_until`)} END,
      'approver', ${extra.approver ?? null}::text, 'overrideReason', ${overrideReason}, 'contactSource', v.contact_source,
      'outcomeDetail', v.outcome_detail, 'endReason', v.end_reason,
      'secretFingerprint', (SELECT ts.fingerprint FROM ticket_secrets ts WHERE ts.tenant_id = v.tenant_id AND ts.secret_id = v.secret_id LIMIT 1))
      || ${extra.decliner ? sql`jsonb_build_object('decliner', ${extra.decliner}::text, 'declineReason', ${extra.declineReason ?? null}::text)` : sql`'{}'::jsonb`}`;
}

/** Audit data: ids, method, state, short IdP ref, who; never an identifier, code, link or provider state. */
export function auditData(extra: Record<string, unknown> = {}): RawBuilder<unknown> {
  return sql`jsonb_strip_nulls(jsonb_build_object(
      'verificationId', v.id, 'purpose', v.purpose, 'ticketId', v.ticket_id, 'method', v.method, 'state', v.state,
      'agentId', v.agent_id, 'agent', v.agent_label, 'reason', v.reason, 'isFraudSuspected', v.is_fraud_suspected,
      'idpRef', CASE WHEN v.idp_ref IS NULL THEN NULL ELSE left(v.idp_ref, 8) END, 'policyVersion', v.policy_version,
      'contactSource', v.contact_source, 'outcomeDetail', v.outcome_detail, 'endReason', v.end_reason)
      || ${jsonb(extra)})`;
}

/** The tail shared by every recording statement: audit event, note row, NOTIFY. `v` is the changed row. */
export function recordTail(eventId: string, type: VerificationAuditType, facts: RawBuilder<unknown>, data: RawBuilder<unknown>) {
  return sql`
    , e AS (
      INSERT INTO audit_events (id, tenant_id, type, secret_id, data)
      SELECT ${eventId}::uuid, v.tenant_id, ${type}, v.secret_id, ${data} FROM v
      RETURNING id, occurred_at
    ), n AS (
      INSERT INTO note_outbox (tenant_id, ticket_id, secret_id, audit_event_id, action, note)
      SELECT v.tenant_id, v.ticket_id, v.secret_id, e.id, ${type}, ${facts} FROM v, e
      RETURNING 1
    )
    SELECT v.id, ${notifyChanged} AS notified
      FROM v`;
}
