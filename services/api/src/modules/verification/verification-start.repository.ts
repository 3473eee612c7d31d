import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Binding, ContactSource, VerificationMethod } from '@vouchsafe/contracts';
import type { Db, Tx } from '../../db/database';
import { isRefusedBy, jsonb, lockForTransaction, SQLSTATE } from '../../db/sql';
import { auditData, noteFacts, notifyChanged, recordTail } from './verification-record.sql';
import { AUDIT_TYPES } from './verification.types';

/**
 * Starting a verification: the reservation (row, `verification.started`, note, NOTIFY) made before
 * the IdP is asked, what the IdP answered, the link sent, and the per-secret limit on recipient
 * sign-ins. One statement each (verification-record.sql.ts); see NOTES.md.
 */

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
  isRefusedBy(err, SQLSTATE.uniqueViolation, 'verifications_one_open_uq');

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
         SET state = ${a.state}, binding = ${jsonb(a.binding)}, idp_ref = ${a.idpRef},
             provider_state = ${jsonb(a.providerState)}, next_poll_at = ${a.isPolled ? sql`now()` : sql`NULL`}
       WHERE tenant_id = ${tenantId} AND id = ${id} AND state = 'started'
      RETURNING id, tenant_id, ticket_id
    )
    SELECT v.id, ${notifyChanged} FROM v`.execute(db);
  return rows.length > 0;
}

/** started → waiting once a link has been sent (no audit event of its own: `started` already says it). */
export async function markWaiting(db: Db, tenantId: string, id: string, binding: Binding | null): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    WITH v AS (
      UPDATE verifications SET state = 'waiting', binding = coalesce(${jsonb(binding)}, binding)
       WHERE tenant_id = ${tenantId} AND id = ${id} AND state = 'started'
      RETURNING id, tenant_id, ticket_id
    )
    SELECT v.id, ${notifyChanged} FROM v`.execute(db);
  return rows.length > 0;
}

/**
 * Issue 16 item 6: the short link posted to the requester (`/v/<shortLinkId>`) and the IdP URL it redirects to, set
 * while the verification is still `started` (before the public reply goes out). False when the agent cancelled
 * meanwhile: then nothing is posted.
 */
export async function setShortLink(db: Db, tenantId: string, id: string, shortLinkId: string, linkUrl: string): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`
    UPDATE verifications SET short_link_id = ${shortLinkId}, link_url = ${linkUrl}
     WHERE tenant_id = ${tenantId} AND id = ${id} AND state = 'started' AND short_link_id IS NULL
    RETURNING id`.execute(db);
  return rows.length > 0;
}

/**
 * Seconds until another recipient sign-in may start for this secret, or null when it may start now:
 * at most `max` per `windowSeconds` per secret. Takes a per-secret advisory lock for the rest of the
 * transaction, so racing requests count each other.
 */
export async function recipientStartsBlocked(
  trx: Tx,
  tenantId: string,
  secretId: string,
  max: number,
  windowSeconds: number,
): Promise<number | null> {
  await lockForTransaction(trx, `recipient:${tenantId}:${secretId}`);
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
 * A caller verification refused by the customer's push or contact limit (possible push bombing): one audit event, in
 * its own statement after the refused reservation rolled back (no row, no note — the sidebar says it to the agent).
 * Only for agent-started (caller) verifications: each one is an authenticated agent's click, so it cannot flood.
 */
export async function recordThrottledStart(
  db: Db,
  t: { tenantId: string; ticketId: string; agentId: string; agentLabel: string; method: string; retryAfterSeconds: number | null },
): Promise<void> {
  await sql`
    INSERT INTO audit_events (tenant_id, type, data)
    VALUES (${t.tenantId}, 'verification.rate_limited', ${jsonb({
      purpose: 'caller',
      ticketId: t.ticketId,
      agentId: t.agentId,
      agent: t.agentLabel,
      method: t.method,
      outcome: 'rate_limited',
      ...(t.retryAfterSeconds === null ? {} : { retryAfterSeconds: t.retryAfterSeconds }),
    })})`.execute(db);
}
