import { sql, type RawBuilder } from 'kysely';
import { executePrepared, type Db } from '../../db/database';
import { isoUtc } from '../../db/sql';
import type { SealedPayload } from '../keys/keyring';
import type { NoteAction } from '../notes/note-text';
import type { WithdrawnReason } from '@vouchsafe/contracts';

/**
 * A secret's life apart from its reveal: create, metadata, revoke, purge (the reveal itself is in
 * reveal.repository.ts). Every statement here is scoped by tenant and does its whole job (the
 * state change and its audit event) in ONE SQL statement, so a decision about a secret can never
 * be split by a crash or raced by another process. See NOTES.md in this folder.
 */

/**
 * The `INSERT … SELECT` head that queues a ticket note (modules/notes), inside the statement that
 * writes its audit event. The caller adds FROM with `t` (the ticket_secrets row after the change),
 * `e` (the audit event: id, occurred_at) and `c` (the secret: label_masked). Facts only, all masked.
 */
export function ticketNote(action: NoteAction, agent: RawBuilder<unknown>) {
  return sql`INSERT INTO note_outbox (tenant_id, ticket_id, secret_id, audit_event_id, action, note)
      SELECT t.tenant_id, t.ticket_id, t.secret_id, e.id, ${sql.lit(action)},
             jsonb_build_object('agent', ${agent}, 'at', ${isoUtc(sql`e.occurred_at`)}, 'fingerprint', t.fingerprint,
                                'kind', t.kind, 'viewsTotal', t.views_total, 'viewsUsed', t.views_used,
                                'expiresAt', ${isoUtc(sql`t.expires_at`)}, 'label', c.label_masked)`;
}

export interface NewSecret {
  tenantId: string;
  id: string;
  kind: 'text' | 'file';
  expiresAt: Date;
  views: number;
  sizeBytes: number;
  labelMasked: string | null;
  keyCheckHash: Buffer;
  passphraseSalt: Buffer | null;
  passphraseCheckHash: Buffer | null;
  revokeTokenHash: Buffer;
  payload: SealedPayload;
  clientIp: string | null;
}

/** `secret.created` event data: sizes, times, masked label, never content or checks. */
export function createdEventData(s: NewSecret, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: s.kind,
    sizeBytes: s.sizeBytes,
    views: s.views,
    expiresAt: s.expiresAt.toISOString(),
    label: s.labelMasked,
    passphrase: s.passphraseCheckHash !== null,
    clientIp: s.clientIp,
    outcome: 'ok',
    ...extra,
  });
}

export async function insertSecret(db: Db, s: NewSecret): Promise<{ eventId: string }> {
  const data = createdEventData(s);
  const { rows } = await executePrepared(
    db,
    sql<{ event_id: string }>`
    WITH secret AS (
      INSERT INTO secrets (tenant_id, id, kind, expires_at, views_total, views_left, size_bytes, label_masked,
                           key_check_hash, passphrase_salt, passphrase_check_hash, revoke_token_hash)
      VALUES (${s.tenantId}, ${s.id}, ${s.kind}, ${s.expiresAt}, ${s.views}, ${s.views}, ${s.sizeBytes},
              ${s.labelMasked}, ${s.keyCheckHash}, ${s.passphraseSalt}, ${s.passphraseCheckHash}, ${s.revokeTokenHash})
      RETURNING tenant_id, id
    ), payload AS (
      INSERT INTO secret_payloads (tenant_id, secret_id, format, kid, wrapped_key, ciphertext)
      SELECT tenant_id, id, ${s.payload.format}, ${s.payload.kid}, ${s.payload.wrappedKey}, ${s.payload.ciphertext}
        FROM secret
    )
    INSERT INTO audit_events (tenant_id, type, secret_id, data)
    SELECT tenant_id, 'secret.created', id, ${data}::jsonb FROM secret
    RETURNING id AS event_id`,
  );
  return { eventId: rows[0]!.event_id };
}

export interface SecretMeta {
  kind: 'text' | 'file';
  expiresAt: Date;
  viewsLeft: number;
  passphraseSalt: Buffer | null;
  /** Only the ticket's requester may open it, with a reveal grant from their verification. */
  requiresVerification: boolean;
}

/** Metadata of a secret that can still be revealed; undefined for unknown, expired, used up or revoked. */
export async function findAvailable(db: Db, tenantId: string, id: string): Promise<SecretMeta | undefined> {
  const row = await db
    .selectFrom('secrets')
    .select(['kind', 'expires_at', 'views_left', 'passphrase_salt', 'requires_verification'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('views_left', '>', 0)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return (
    row && {
      kind: row.kind,
      expiresAt: row.expires_at,
      viewsLeft: row.views_left,
      passphraseSalt: row.passphrase_salt,
      requiresVerification: row.requires_verification,
    }
  );
}

/**
 * Issue 12: why a ticket-bound secret was withdrawn with its ticket, while its revoked row is kept (until its expiry);
 * undefined for every other secret (unknown, expired, viewed, revoked by hand).
 */
export async function findWithdrawnReason(db: Db, tenantId: string, id: string): Promise<WithdrawnReason | undefined> {
  const row = await db
    .selectFrom('ticket_secrets as t')
    .innerJoin('secrets as s', (j) => j.onRef('s.tenant_id', '=', 't.tenant_id').onRef('s.id', '=', 't.secret_id'))
    .select('t.withdrawn_reason')
    .where('t.tenant_id', '=', tenantId)
    .where('t.secret_id', '=', id)
    .where('s.revoked_at', 'is not', null)
    .executeTakeFirst();
  return row?.withdrawn_reason ?? undefined;
}

/** Revokes with the revoke token: content deleted and event written in one statement. */
export async function revoke(
  db: Db,
  a: { tenantId: string; id: string; revokeTokenHash: Buffer; clientIp: string | null },
): Promise<{ isNoted: boolean } | undefined> {
  return revokeWhere(db, sql`s.tenant_id = ${a.tenantId} AND s.id = ${a.id} AND s.revoke_token_hash = ${a.revokeTokenHash}`, {
    clientIp: a.clientIp,
  });
}

/**
 * Revokes a secret sent from this ticket (sidebar session): it must be bound to the same tenant
 * and ticket, otherwise nothing matches (the caller answers 404).
 */
export async function revokeForTicket(
  db: Db,
  a: { tenantId: string; ticketId: string; id: string; agentId: string; agentLabel: string; clientIp: string | null },
): Promise<{ isNoted: boolean } | undefined> {
  const bound = sql`s.tenant_id = ${a.tenantId} AND s.id = ${a.id} AND EXISTS (
    SELECT 1 FROM ticket_secrets b WHERE b.tenant_id = s.tenant_id AND b.secret_id = s.id AND b.ticket_id = ${a.ticketId})`;
  return revokeWhere(db, bound, { clientIp: a.clientIp, agentId: a.agentId, agentLabel: a.agentLabel });
}

/**
 * One statement: revoke, delete the content, write `secret.revoked`, and for a ticket-bound secret
 * mark it revoked and queue its note. The note names the revoking agent when there is one.
 */
async function revokeWhere(
  db: Db,
  match: RawBuilder<unknown>,
  by: { clientIp: string | null; agentId?: string; agentLabel?: string },
): Promise<{ isNoted: boolean } | undefined> {
  const { rows } = await sql<{ id: string; noted: boolean }>`
    WITH revoked AS (
      UPDATE secrets s SET revoked_at = now()
       WHERE ${match}
         AND s.revoked_at IS NULL AND s.views_left > 0 AND s.expires_at > now()
      RETURNING s.tenant_id, s.id, s.views_left, s.label_masked
    ), purged AS (
      DELETE FROM secret_payloads p USING revoked r WHERE p.tenant_id = r.tenant_id AND p.secret_id = r.id
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'secret.revoked', id,
             jsonb_strip_nulls(jsonb_build_object('outcome', 'ok', 'viewsLeft', views_left, 'clientIp', ${by.clientIp}::text,
                                                  'agentId', ${by.agentId ?? null}::text, 'agent', ${by.agentLabel ?? null}::text))
        FROM revoked
      RETURNING id, tenant_id, secret_id, occurred_at
    ), ticket AS (
      UPDATE ticket_secrets t SET status = 'revoked', updated_at = now()
        FROM revoked r WHERE t.tenant_id = r.tenant_id AND t.secret_id = r.id
      RETURNING t.*
    ), note AS (
      ${ticketNote('revoked', sql`coalesce(${by.agentLabel ?? null}::text, t.agent_label)`)}
        FROM ticket t JOIN event e ON e.tenant_id = t.tenant_id AND e.secret_id = t.secret_id
        JOIN revoked c ON c.tenant_id = t.tenant_id AND c.id = t.secret_id
      RETURNING 1
    )
    SELECT secret_id AS id, EXISTS (SELECT 1 FROM note) AS noted FROM event`.execute(db);
  const row = rows[0];
  return row && { isNoted: row.noted };
}

/**
 * Deletes up to `limit` expired secrets (and, by cascade, their payloads and attempt rows),
 * writing `secret.expired` for those that still had views left. SKIP LOCKED lets any number of
 * API processes purge at once without waiting on each other or on a reveal in flight.
 */
export async function purgeExpired(db: Db, limit: number): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    WITH doomed AS (
      SELECT tenant_id, id FROM secrets WHERE expires_at <= now()
       ORDER BY expires_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), deleted AS (
      DELETE FROM secrets s USING doomed d WHERE s.tenant_id = d.tenant_id AND s.id = d.id
      RETURNING s.tenant_id, s.id, s.views_left, s.revoked_at, s.expires_at, s.label_masked
    ), events AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'secret.expired', id,
             jsonb_build_object('outcome', 'purged', 'viewsLeft', views_left,
                                'expiredAt', ${isoUtc(sql`expires_at`)})
        FROM deleted WHERE views_left > 0 AND revoked_at IS NULL
      RETURNING id, tenant_id, secret_id, occurred_at
    ), ticket AS (
      UPDATE ticket_secrets t SET status = 'expired', updated_at = now()
        FROM events e WHERE t.tenant_id = e.tenant_id AND t.secret_id = e.secret_id
      RETURNING t.*
    ), note AS (
      ${ticketNote('expired', sql`t.agent_label`)}
        FROM ticket t JOIN events e ON e.tenant_id = t.tenant_id AND e.secret_id = t.secret_id
        JOIN deleted c ON c.tenant_id = t.tenant_id AND c.id = t.secret_id
    )
    SELECT count(*)::text AS n FROM deleted`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
