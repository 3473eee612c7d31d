import { sql } from 'kysely';
import type { ContactSource, EndReason, OutcomeDetail, VerificationMethod, VerificationState } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { parseBinding, type VerificationRow } from './verification.types';

/**
 * Reads of verifications: one row (the verification with its override request, if any) and the
 * ways to find it, all scoped by tenant but the callback's unguessable state. The statements that
 * change a verification are in verification-start, -outcomes, -overrides and -polls.repository.ts;
 * what they share is in verification-record.sql.ts. See NOTES.md.
 */

const SELECT_VIEW = sql`
  SELECT v.id, v.tenant_id, v.purpose, v.ticket_id, v.secret_id, v.agent_id, v.agent_label, v.requester_label,
         v.requester_key, v.method, v.state, v.binding, v.reason, v.is_fraud_suspected, v.idp_ref, v.provider_state,
         v.code_attempts, v.policy_version, v.started_at, v.expires_at, v.finished_at, v.valid_until, v.last_event_id, v.contact_source,
           v.outcome_detail, v.end_reason,
           o.requested_by_id, o.requested_by_label, o.reason AS override_reason, o.approved_by_id, o.approved_by_label,
           o.declined_by_id, o.declined_by_label, o.decline_reason
    FROM verifications v LEFT JOIN verification_overrides o ON o.verification_id = v.id`;

interface RawRow {
  id: string;
  tenant_id: string;
  purpose: 'caller' | 'recipient';
  ticket_id: string;
  secret_id: string | null;
  agent_id: string;
  agent_label: string;
  requester_label: string;
  requester_key: Buffer;
  method: VerificationMethod;
  state: VerificationState;
  binding: unknown;
  reason: string | null;
  is_fraud_suspected: boolean;
  idp_ref: string | null;
  provider_state: Record<string, unknown> | null;
  code_attempts: number;
  policy_version: number | null;
  started_at: Date;
  expires_at: Date;
  finished_at: Date | null;
  valid_until: Date | null;
  last_event_id: string | null;
  contact_source: ContactSource | null;
  outcome_detail: OutcomeDetail | null;
  end_reason: EndReason | null;
  requested_by_id: string | null;
  requested_by_label: string | null;
  override_reason: string | null;
  approved_by_id: string | null;
  approved_by_label: string | null;
  declined_by_id: string | null;
  declined_by_label: string | null;
  decline_reason: string | null;
}

function toRow(r: RawRow): VerificationRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    purpose: r.purpose,
    ticketId: r.ticket_id,
    secretId: r.secret_id,
    agentId: r.agent_id,
    agentLabel: r.agent_label,
    requesterLabel: r.requester_label,
    requesterKey: r.requester_key,
    method: r.method,
    state: r.state,
    binding: parseBinding(r.binding),
    reason: r.reason,
    isFraudSuspected: r.is_fraud_suspected,
    idpRef: r.idp_ref,
    providerState: r.provider_state ?? {},
    codeAttempts: r.code_attempts,
    policyVersion: r.policy_version,
    startedAt: r.started_at,
    expiresAt: r.expires_at,
    finishedAt: r.finished_at,
    validUntil: r.valid_until,
    lastEventId: r.last_event_id,
    contactSource: r.contact_source,
    outcomeDetail: r.outcome_detail,
    endReason: r.end_reason,
    override:
      r.requested_by_id === null
        ? null
        : {
            requestedById: r.requested_by_id,
            requestedByLabel: r.requested_by_label ?? '',
            reason: r.override_reason ?? '',
            approvedById: r.approved_by_id,
            approvedByLabel: r.approved_by_label,
            declinedById: r.declined_by_id,
            declinedByLabel: r.declined_by_label,
            declineReason: r.decline_reason,
          },
  };
}

export async function findById(db: Db, tenantId: string, id: string): Promise<VerificationRow | undefined> {
  const { rows } = await sql<RawRow>`${SELECT_VIEW} WHERE v.tenant_id = ${tenantId} AND v.id = ${id}`.execute(db);
  return rows[0] && toRow(rows[0]);
}

/** Scoped by tenant AND ticket: a verification of another ticket answers like an unknown one. */
export async function findForTicket(db: Db, tenantId: string, ticketId: string, id: string): Promise<VerificationRow | undefined> {
  const { rows } = await sql<RawRow>`
    ${SELECT_VIEW} WHERE v.tenant_id = ${tenantId} AND v.ticket_id = ${ticketId} AND v.id = ${id} AND v.purpose = 'caller'`.execute(db);
  return rows[0] && toRow(rows[0]);
}

/** The agent's latest caller verification on this ticket (verified only counts for the agent who ran it). */
export async function findCurrent(db: Db, tenantId: string, ticketId: string, agentId: string): Promise<VerificationRow | undefined> {
  const { rows } = await sql<RawRow>`
    ${SELECT_VIEW}
     WHERE v.tenant_id = ${tenantId} AND v.ticket_id = ${ticketId} AND v.agent_id = ${agentId} AND v.purpose = 'caller'
     ORDER BY v.started_at DESC, v.id LIMIT 1`.execute(db);
  return rows[0] && toRow(rows[0]);
}

/** Override requests on this ticket still waiting for a second person. */
export async function findPendingOverrides(db: Db, tenantId: string, ticketId: string): Promise<VerificationRow[]> {
  const { rows } = await sql<RawRow>`
    ${SELECT_VIEW}
     WHERE v.tenant_id = ${tenantId} AND v.ticket_id = ${ticketId} AND v.purpose = 'caller'
       AND o.verification_id IS NOT NULL AND o.approved_by_id IS NULL AND o.declined_by_id IS NULL
     ORDER BY o.requested_at DESC LIMIT 20`.execute(db);
  return rows.map(toRow);
}

/** Issue 16: the tenant's override requests waiting for a decision, across tickets (a supervisor's queue). */
export async function findTenantPendingOverrides(db: Db, tenantId: string, limit: number): Promise<VerificationRow[]> {
  const { rows } = await sql<RawRow>`
    ${SELECT_VIEW}
     WHERE o.tenant_id = ${tenantId} AND v.tenant_id = ${tenantId} AND v.purpose = 'caller'
       AND o.approved_by_id IS NULL AND o.declined_by_id IS NULL AND v.state <> 'overridden'
     ORDER BY o.requested_at DESC LIMIT ${limit}`.execute(db);
  return rows.map(toRow);
}

/**
 * The link verification a callback's `state` names: the full, unguessable value the provider stored
 * (unique index), never a part of it. A state that matches nothing changes nothing.
 */
export async function findByCallbackState(db: Db, state: string): Promise<VerificationRow | undefined> {
  const { rows } = await sql<RawRow>`
    ${SELECT_VIEW} WHERE v.provider_state ? 'state' AND v.provider_state->>'state' = ${state}`.execute(db);
  return rows.length === 1 ? toRow(rows[0]!) : undefined;
}

/**
 * Where a short sign-in link (`/v/<id>`) leads, only while its verification is open and unexpired (and its tenant
 * active): found by the full random id (unique index), never a part of it. Undefined otherwise: the link is no
 * longer valid.
 */
export async function findShortLinkTarget(db: Db, shortLinkId: string): Promise<{ id: string; url: string } | undefined> {
  const { rows } = await sql<{ id: string; link_url: string }>`
    SELECT v.id, v.link_url FROM verifications v JOIN tenants t ON t.id = v.tenant_id AND t.deleted_at IS NULL
     WHERE v.short_link_id = ${shortLinkId} AND v.link_url IS NOT NULL
       AND v.state IN ('started', 'waiting') AND v.expires_at > now()`.execute(db);
  const row = rows[0];
  return row && { id: row.id, url: row.link_url };
}
