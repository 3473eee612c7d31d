import { sql } from 'kysely';
import type { TicketSecret } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { isoUtc } from '../../db/sql';
import { createdEventData, ticketNote, type NewSecret } from './secrets.repository';

/** Who sent a secret from which ticket (a verified sidebar session). */
export interface TicketBinding {
  desk: string;
  ticketId: string;
  /** Issue 14: the number the desk shows, for the customer's "sent by" line (modules/branding). */
  ticketDisplayId?: string;
  agentId: string;
  /** Already masked. */
  agentLabel: string;
  fingerprint: string;
  /** Only the ticket's requester may open it (after verifying); `requesterKey` names them. */
  requiresVerification: boolean;
  /** HMAC (primary keyring key) of the requester's identity on record; never the identifier. */
  requesterKey: Buffer | null;
}

/**
 * A secret sent from a ticket sidebar, in ONE statement: the secret, its payload, `secret.created`
 * (with the ticket context), the ticket binding and the "sent" note in the outbox. Either all of
 * it commits or none (a failing outbox insert leaves no secret behind).
 */
export async function insertTicketSecret(db: Db, s: NewSecret, b: TicketBinding): Promise<{ eventId: string }> {
  const data = createdEventData(s, {
    desk: b.desk,
    ticketId: b.ticketId,
    agentId: b.agentId,
    agent: b.agentLabel,
    ...(b.requiresVerification ? { requiresVerification: true } : {}),
  });
  const { rows } = await sql<{ event_id: string }>`
    WITH c AS (
      INSERT INTO secrets (tenant_id, id, kind, expires_at, views_total, views_left, size_bytes, label_masked,
                           key_check_hash, passphrase_salt, passphrase_check_hash, revoke_token_hash, requires_verification)
      VALUES (${s.tenantId}, ${s.id}, ${s.kind}, ${s.expiresAt}, ${s.views}, ${s.views}, ${s.sizeBytes},
              ${s.labelMasked}, ${s.keyCheckHash}, ${s.passphraseSalt}, ${s.passphraseCheckHash}, ${s.revokeTokenHash},
              ${b.requiresVerification})
      RETURNING tenant_id, id, kind, expires_at, views_total, label_masked
    ), payload AS (
      INSERT INTO secret_payloads (tenant_id, secret_id, format, kid, wrapped_key, ciphertext)
      SELECT tenant_id, id, ${s.payload.format}, ${s.payload.kid}, ${s.payload.wrappedKey}, ${s.payload.ciphertext}
        FROM c
    ), e AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'secret.created', id, ${data}::jsonb FROM c
      RETURNING id, occurred_at
    ), t AS (
      INSERT INTO ticket_secrets (tenant_id, secret_id, ticket_id, agent_id, agent_label, fingerprint, kind, views_total, expires_at,
                                  requester_key, ticket_display_id)
      SELECT tenant_id, id, ${b.ticketId}, ${b.agentId}, ${b.agentLabel}, ${b.fingerprint}, kind, views_total, expires_at,
             ${b.requesterKey}, ${b.ticketDisplayId?.slice(0, 64) ?? null} FROM c
      RETURNING *
    )
    ${ticketNote('sent', sql`t.agent_label`)}
      FROM t, e, c
    RETURNING audit_event_id AS event_id`.execute(db);
  return { eventId: rows[0]!.event_id };
}

/**
 * This ticket's secrets, newest first, with the worst state of their notes. A waiting secret past
 * its expiry reads as expired even before the purge job has deleted it.
 */
export async function listForTicket(db: Db, tenantId: string, ticketId: string, limit = 100): Promise<TicketSecret[]> {
  const { rows } = await sql<{
    id: string;
    fingerprint: string;
    kind: 'text' | 'file';
    created_at: string;
    expires_at: string;
    views_total: number;
    views_used: number;
    status: TicketSecret['status'];
    agent_label: string;
    note_status: TicketSecret['noteStatus'];
  }>`
    SELECT t.secret_id AS id, t.fingerprint, t.kind, ${isoUtc(sql`t.created_at`)} AS created_at,
           ${isoUtc(sql`t.expires_at`)} AS expires_at, t.views_total, t.views_used, t.agent_label,
           CASE WHEN t.status = 'waiting' AND t.expires_at <= now() THEN 'expired' ELSE t.status END AS status,
           coalesce((SELECT CASE WHEN bool_or(o.status = 'failed') THEN 'failed'
                                 WHEN bool_or(o.status = 'pending') THEN 'pending'
                                 ELSE 'delivered' END
                       FROM note_outbox o WHERE o.tenant_id = t.tenant_id AND o.secret_id = t.secret_id), 'pending') AS note_status
      FROM ticket_secrets t
     WHERE t.tenant_id = ${tenantId} AND t.ticket_id = ${ticketId}
     ORDER BY t.created_at DESC, t.secret_id
     LIMIT ${limit}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    fingerprint: r.fingerprint,
    kind: r.kind,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    viewsTotal: r.views_total,
    viewsUsed: r.views_used,
    status: r.status,
    agentLabel: r.agent_label,
    noteStatus: r.note_status,
  }));
}
