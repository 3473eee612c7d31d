import { sql } from 'kysely';
import type { Db } from '../../db/database';
import { isoUtc } from '../../db/sql';

/**
 * Verified-requester-only secrets: who the ticket's requester is (as an HMAC key), and the one-time
 * reveal grants a successful recipient verification earns. See NOTES.md ("Verified requester only").
 */

export interface RecipientTarget {
  ticketId: string;
  agentId: string;
  agentLabel: string;
  /** HMAC of the requester's identity on record when the secret was sent; null when the desk had none. */
  requesterKey: Buffer | null;
}

/**
 * The ticket binding of a secret that is still available and requires verification; undefined for
 * unknown, gone, other-tenant, or ordinary secrets (the caller answers all of them alike).
 */
export async function findRecipientTarget(db: Db, tenantId: string, secretId: string): Promise<RecipientTarget | undefined> {
  const row = await db
    .selectFrom('secrets as s')
    .innerJoin('ticket_secrets as t', (j) => j.onRef('t.tenant_id', '=', 's.tenant_id').onRef('t.secret_id', '=', 's.id'))
    .select(['t.ticket_id', 't.agent_id', 't.agent_label', 't.requester_key'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.id', '=', secretId)
    .where('s.requires_verification', '=', true)
    .where('s.views_left', '>', 0)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row && { ticketId: row.ticket_id, agentId: row.agent_id, agentLabel: row.agent_label, requesterKey: row.requester_key };
}

export interface NewRevealGrant {
  tenantId: string;
  secretId: string;
  verificationId: string;
  /** Keys of the person the IdP verified (every keyring key: matching tries them all). */
  verifiedKeys: readonly Buffer[];
  grantHash: Buffer;
  ttlSeconds: number;
}

/**
 * Issues a grant in ONE statement, only when the secret is still available, requires verification,
 * its requester key is one of the verified person's keys and the verification has no grant yet;
 * writes `secret.reveal_granted` with it. Returns undefined (nothing written) otherwise.
 */
export async function insertRevealGrant(db: Db, g: NewRevealGrant): Promise<{ eventId: string; expiresAt: Date } | undefined> {
  if (g.verifiedKeys.length === 0) return undefined;
  const { rows } = await sql<{ event_id: string; expires_at: Date }>`
    WITH target AS (
      SELECT s.tenant_id, s.id FROM secrets s
        JOIN ticket_secrets t ON t.tenant_id = s.tenant_id AND t.secret_id = s.id
       WHERE s.tenant_id = ${g.tenantId} AND s.id = ${g.secretId} AND s.requires_verification
         AND s.views_left > 0 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND t.requester_key = ANY (${[...g.verifiedKeys]}::bytea[])
    ), granted AS (
      INSERT INTO reveal_grants (tenant_id, secret_id, grant_hash, verification_id, expires_at)
      SELECT tenant_id, id, ${g.grantHash}, ${g.verificationId}, now() + make_interval(secs => ${g.ttlSeconds}) FROM target
      -- One grant per verification, whatever races (reveal_grants_verification_uq).
      ON CONFLICT (verification_id) DO NOTHING
      RETURNING tenant_id, secret_id, verification_id, expires_at
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'secret.reveal_granted', secret_id,
             jsonb_build_object('outcome', 'ok', 'verificationId', verification_id::text,
                                'expiresAt', ${isoUtc(sql`expires_at`)})
        FROM granted
      RETURNING id
    )
    SELECT (SELECT id FROM event) AS event_id, expires_at FROM granted`.execute(db);
  const row = rows[0];
  return row && { eventId: row.event_id, expiresAt: row.expires_at };
}
