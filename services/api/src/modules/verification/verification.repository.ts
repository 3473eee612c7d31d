import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Binding, ContactSource, VerificationMethod, VerificationState } from '@vouchsafe/contracts';
import type { Db, Tx } from '../../db/database';
import { maskIdentifiers } from '../../lib/mask';
import { isoUtc } from '../secrets/secrets.repository';
import { AUDIT_TYPES, parseBinding, type OutcomeState, type VerificationAuditType, type VerificationRow } from './verification.types';

/**
 * Every decision about a verification is ONE statement: the state change (guarded by the state it
 * leaves, so two processes can never both record an outcome), its audit event, its note_outbox row
 * and `pg_notify` for the live stream. NOTIFY is transactional: listeners hear it at commit.
 * No statement here is ever run around a network call. See NOTES.md.
 */

export const NOTIFY_CHANNEL = 'vouchsafe_verification';

const SELECT_VIEW = sql`
  SELECT v.id, v.tenant_id, v.purpose, v.ticket_id, v.secret_id, v.agent_id, v.agent_label, v.requester_label,
         v.requester_key, v.method, v.state, v.binding, v.reason, v.is_fraud_suspected, v.idp_ref, v.provider_state,
         v.code_attempts, v.policy_version, v.started_at, v.expires_at, v.finished_at, v.valid_until, v.last_event_id, v.contact_source,
         o.requested_by_id, o.requested_by_label, o.reason AS override_reason, o.approved_by_id, o.approved_by_label
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
  requested_by_id: string | null;
  requested_by_label: string | null;
  override_reason: string | null;
  approved_by_id: string | null;
  approved_by_label: string | null;
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
    override:
      r.requested_by_id === null
        ? null
        : {
            requestedById: r.requested_by_id,
            requestedByLabel: r.requested_by_label ?? '',
            reason: r.override_reason ?? '',
            approvedById: r.approved_by_id,
            approvedByLabel: r.approved_by_label,
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
       AND o.verification_id IS NOT NULL AND o.approved_by_id IS NULL
     ORDER BY o.requested_at DESC LIMIT 20`.execute(db);
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
 * Structured, already-masked note facts, built in SQL from the verification row `v` after the
 * change and the audit event `e`. Rendered by modules/notes (note-text.ts) at delivery.
 */
function noteFacts(extra: { approver?: string | null; overrideReason?: string | RawBuilder<unknown> | null } = {}): RawBuilder<unknown> {
  const overrideReason = typeof extra.overrideReason === 'object' && extra.overrideReason !== null ? extra.overrideReason : sql`${extra.overrideReason ?? null}::text`;
  return sql`jsonb_build_object(
      'agent', v.agent_label, 'at', ${isoUtc(sql`e.occurred_at`)}, 'method', v.method, 'purpose', v.purpose,
      'binding', v.binding->>'kind', 'idpRef', CASE WHEN v.idp_ref IS NULL THEN NULL WHEN length(v.idp_ref) > 8 THEN left(v.idp_ref, 8) || '…' ELSE v.idp_ref END,
      'startedAt', ${isoUtc(sql`v.started_at`)}, 'result', v.state, 'reason', v.reason,
      'isFraudSuspected', v.is_fraud_suspected, 'requester', v.requester_label,
      'validUntil', CASE WHEN v.valid_until IS NULL THEN NULL ELSE ${isoUtc(sql`v.valid_until`)} END,
      'approver', ${extra.approver ?? null}::text, 'overrideReason', ${overrideReason}, 'contactSource', v.contact_source)`;
}

/** Audit data: ids, method, state, short IdP ref, who; never an identifier, code, link or provider state. */
function auditData(extra: Record<string, unknown> = {}): RawBuilder<unknown> {
  return sql`jsonb_strip_nulls(jsonb_build_object(
      'verificationId', v.id, 'purpose', v.purpose, 'ticketId', v.ticket_id, 'method', v.method, 'state', v.state,
      'agentId', v.agent_id, 'agent', v.agent_label, 'reason', v.reason, 'isFraudSuspected', v.is_fraud_suspected,
      'idpRef', CASE WHEN v.idp_ref IS NULL THEN NULL ELSE left(v.idp_ref, 8) END, 'policyVersion', v.policy_version,
      'contactSource', v.contact_source)
      || ${JSON.stringify(extra)}::jsonb)`;
}

/** The tail shared by every recording statement: audit event, note row, NOTIFY. `v` is the changed row. */
function recordTail(eventId: string, type: VerificationAuditType, facts: RawBuilder<unknown>, data: RawBuilder<unknown>) {
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
    SELECT v.id, pg_notify(${NOTIFY_CHANNEL}, json_build_object('t', v.tenant_id, 'k', v.ticket_id, 'v', v.id)::text) AS notified
      FROM v`;
}

export interface NewVerification {
  id: string;
  tenantId: string;
  purpose: 'caller' | 'recipient';
  ticketId: string;
  secretId: string | null;
  agentId: string;
  agentLabel: string;
  requesterKey: Buffer;
  requesterLabel: string;
  method: VerificationMethod;
  /** Where a callback code's number came from (callback methods only). */
  contactSource: ContactSource | null;
  policyVersion: number | null;
  timeoutSeconds: number;
}

/**
 * Reserves the verification BEFORE the IdP is asked: the row (state `started`, nothing from the IdP
 * yet), `verification.started` with its note, and NOTIFY in one statement. The partial unique index
 * `verifications_one_open_uq` refuses a second open caller verification of the same agent on the
 * same ticket (23505), whatever races: the check is the database's, not a read before the write.
 */
export async function insertVerification(db: Db, n: NewVerification): Promise<{ eventId: string }> {
  const eventId = randomUUID();
  await sql`
    WITH v AS (
      INSERT INTO verifications (id, tenant_id, purpose, ticket_id, secret_id, agent_id, agent_label, requester_key, requester_label,
                                 method, state, contact_source, policy_version, expires_at, last_event_id)
      VALUES (${n.id}, ${n.tenantId}, ${n.purpose}, ${n.ticketId}, ${n.secretId}, ${n.agentId}, ${n.agentLabel}, ${n.requesterKey},
              ${n.requesterLabel}, ${n.method}, 'started', ${n.contactSource}, ${n.policyVersion},
              now() + make_interval(secs => ${n.timeoutSeconds}), ${eventId})
      RETURNING *
    ) ${recordTail(eventId, AUDIT_TYPES.started, noteFacts(), auditData())}`.execute(db);
  return { eventId };
}

/** The unique violation insertVerification raises for a second open verification. */
export const isOpenVerificationConflict = (err: unknown): boolean =>
  (err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'verifications_one_open_uq';

export interface IdpAccepted {
  /** `waiting` when the caller now has something to do; `started` while a link is still to be sent. */
  state: 'started' | 'waiting';
  binding: Binding | null;
  idpRef: string;
  providerState: Record<string, unknown>;
  /** Push methods: first poll now. */
  isPolled: boolean;
}

/**
 * The IdP took the request: what it answered (binding, transaction, provider state) lands on the
 * reserved row, and the sidebar hears it. Only a row still `started` changes: when the agent
 * cancelled meanwhile this answers false and the caller cancels at the IdP.
 */
export async function markAccepted(db: Db, tenantId: string, id: string, a: IdpAccepted): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH v AS (
      UPDATE verifications
         SET state = ${a.state}, binding = ${a.binding ? JSON.stringify(a.binding) : null}::jsonb, idp_ref = ${a.idpRef},
             provider_state = ${JSON.stringify(a.providerState)}::jsonb, next_poll_at = ${a.isPolled ? sql`now()` : sql`NULL`}
       WHERE tenant_id = ${tenantId} AND id = ${id} AND state = 'started'
      RETURNING id, tenant_id, ticket_id
    )
    SELECT v.id, pg_notify(${NOTIFY_CHANNEL}, json_build_object('t', v.tenant_id, 'k', v.ticket_id, 'v', v.id)::text) FROM v`.execute(db);
  return rows.length > 0;
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

/** started → waiting once a link has been sent (no audit event of its own: `started` already says it). */
export async function markWaiting(db: Db, tenantId: string, id: string, binding: Binding | null): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH v AS (
      UPDATE verifications SET state = 'waiting', binding = coalesce(${binding ? JSON.stringify(binding) : null}::jsonb, binding)
       WHERE tenant_id = ${tenantId} AND id = ${id} AND state = 'started'
      RETURNING id, tenant_id, ticket_id
    )
    SELECT v.id, pg_notify(${NOTIFY_CHANNEL}, json_build_object('t', v.tenant_id, 'k', v.ticket_id, 'v', v.id)::text) FROM v`.execute(db);
  return rows.length > 0;
}

export interface Outcome {
  state: OutcomeState;
  reason: string | null;
  isFraudSuspected?: boolean;
  /** verified: how long it counts (policy.lifetimeSeconds). */
  validSeconds?: number;
  /** Who acted, when not the IdP (cancel: the agent). */
  actor?: { id: string; label: string };
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
             next_poll_at = NULL, poll_lease_until = NULL, last_event_id = ${eventId}
       WHERE tenant_id = ${tenantId} AND id = ${id} AND state IN ('started', 'waiting')
      RETURNING *
    ) ${recordTail(eventId, type, noteFacts(), auditData(o.actor ? { actorId: o.actor.id, actor: o.actor.label } : {}))}`.execute(db);
  return rows.length > 0 ? { eventId } : undefined;
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
    SELECT pg_notify(${NOTIFY_CHANNEL}, json_build_object('t', v.tenant_id, 'k', v.ticket_id, 'v', v.id)::text) FROM v`.execute(db);
}

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
 * Seconds until another recipient sign-in may start for this secret, or null when it may start now:
 * at most `max` per `windowSeconds` per secret. Takes a per-secret advisory lock for the rest of the
 * transaction, so racing requests count each other.
 */
export async function recipientStartsBlocked(trx: Tx, tenantId: string, secretId: string, max: number, windowSeconds: number): Promise<number | null> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`recipient:${tenantId}:${secretId}`}, 0))`.execute(trx);
  const { rows } = await sql<{ n: number; oldest: Date | null }>`
    SELECT count(*)::int AS n, min(started_at) AS oldest FROM (
      SELECT started_at FROM verifications
       WHERE tenant_id = ${tenantId} AND secret_id = ${secretId} AND purpose = 'recipient'
         AND started_at > now() - make_interval(secs => ${windowSeconds})
       ORDER BY started_at DESC LIMIT ${max}) recent`.execute(trx);
  const row = rows[0]!;
  if (row.n < max || !row.oldest) return null;
  return Math.max(1, Math.ceil((row.oldest.getTime() + windowSeconds * 1000 - Date.now()) / 1000));
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
