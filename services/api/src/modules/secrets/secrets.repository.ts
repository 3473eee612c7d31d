import { sql, type RawBuilder } from 'kysely';
import { executePrepared, type Db } from '../../db/database';
import type { SealedPayload } from '../keys/keyring';
import type { NoteAction } from '../notes/note-text';

/**
 * Every statement here is scoped by tenant and does its whole job (the state change and its
 * audit event) in ONE SQL statement, so a decision about a secret can never be split by a crash
 * or raced by another process. See NOTES.md in this folder.
 */

/** A timestamp as ISO 8601 UTC with milliseconds, in SQL. */
export const isoUtc = (column: RawBuilder<unknown>) => sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

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
  const { rows } = await executePrepared(db, sql<{ event_id: string }>`
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
    RETURNING id AS event_id`);
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

export interface RevealInput {
  tenantId: string;
  id: string;
  keyCheckHash: Buffer;
  passphraseCheckHash: Buffer | null;
  /** SHA-256 of the reveal grant the recipient brought (verified-requester-only secrets); null without one. */
  grantHash?: Buffer | null;
  clientKey: Buffer;
  clientIp: string | null;
}

/**
 * What must hold for a reveal, on the secrets row `s` — apart from the reveal grant. Shared by the
 * grant CTE and the consuming UPDATE of consumeView, so the grant is only spent on a reveal that
 * happens.
 */
function revealable(r: RevealInput): RawBuilder<unknown> {
  return sql`s.tenant_id = ${r.tenantId} AND s.id = ${r.id}
         AND s.views_left > 0 AND s.revoked_at IS NULL AND s.expires_at > now()
         AND s.key_check_hash = ${r.keyCheckHash}
         AND (s.passphrase_check_hash IS NULL OR s.passphrase_check_hash = ${r.passphraseCheckHash})
         AND NOT EXISTS (
           SELECT 1 FROM reveal_attempts a
            WHERE a.tenant_id = s.tenant_id AND a.secret_id = s.id AND a.client_key = ${r.clientKey}
              AND a.next_allowed_at > now())`;
}

export interface Revealed {
  kind: 'text' | 'file';
  viewsLeft: number;
  payload: SealedPayload;
  eventId: string;
  /** A ticket-bound secret: the same statement queued an internal note. */
  isNoted: boolean;
}

/**
 * Consumes one view and hands over the payload, in one statement (S2). The UPDATE takes the row
 * lock; a concurrent reveal re-checks `views_left > 0` against the committed row, so a one-view
 * secret is delivered at most once across any number of processes. When views_left reaches 0 the
 * same statement deletes the payload. A wrong key or passphrase, a throttled client, or an expired
 * / revoked secret simply match nothing: nothing is consumed.
 *
 * A verified-requester-only secret also needs an unexpired reveal grant: the `grant` CTE deletes it
 * (only when everything else matches) and the UPDATE requires that delete to have returned a row.
 * Two reveals racing with the same grant serialise on the grant row; the second finds it gone and
 * consumes nothing — the DELETE is the gate, not a read that a concurrent statement could miss.
 */
export async function consumeView(db: Db, r: RevealInput): Promise<Revealed | undefined> {
  const { rows } = await executePrepared(db, sql<{
    kind: 'text' | 'file';
    views_left: number;
    format: number;
    kid: string;
    wrapped_key: Buffer;
    ciphertext: Buffer;
    event_id: string;
    noted: boolean;
  }>`
    WITH grant_used AS (
      DELETE FROM reveal_grants g USING secrets s
       WHERE g.tenant_id = s.tenant_id AND g.secret_id = s.id AND g.grant_hash = ${r.grantHash ?? null}
         AND g.expires_at > now() AND s.requires_verification AND ${revealable(r)}
      RETURNING g.verification_id
    ), consumed AS (
      UPDATE secrets s
         SET views_left = s.views_left - 1, last_viewed_at = now()
       WHERE ${revealable(r)}
         AND (NOT s.requires_verification OR EXISTS (SELECT 1 FROM grant_used))
      RETURNING s.tenant_id, s.id, s.kind, s.views_left, s.size_bytes, s.label_masked
    ), kept AS (
      SELECT p.format, p.kid, p.wrapped_key, p.ciphertext
        FROM secret_payloads p JOIN consumed c ON p.tenant_id = c.tenant_id AND p.secret_id = c.id
       WHERE c.views_left > 0
    ), purged AS (
      DELETE FROM secret_payloads p USING consumed c
       WHERE p.tenant_id = c.tenant_id AND p.secret_id = c.id AND c.views_left = 0
      RETURNING p.format, p.kid, p.wrapped_key, p.ciphertext
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      SELECT tenant_id, 'secret.revealed', id,
             jsonb_strip_nulls(jsonb_build_object('outcome', 'ok', 'viewsLeft', views_left, 'sizeBytes', size_bytes,
                                'purged', views_left = 0, 'clientIp', ${r.clientIp}::text,
                                'verificationId', (SELECT verification_id::text FROM grant_used LIMIT 1)))
        FROM consumed
      RETURNING id, tenant_id, secret_id, occurred_at
    ), ticket AS (
      UPDATE ticket_secrets t
         SET views_used = t.views_total - c.views_left, updated_at = now(),
             status = CASE WHEN c.views_left = 0 THEN 'viewed' ELSE t.status END
        FROM consumed c
       WHERE t.tenant_id = c.tenant_id AND t.secret_id = c.id
      RETURNING t.*
    ), note AS (
      ${ticketNote('viewed', sql`t.agent_label`)}
        FROM ticket t JOIN event e ON e.tenant_id = t.tenant_id AND e.secret_id = t.secret_id
        JOIN consumed c ON c.tenant_id = t.tenant_id AND c.id = t.secret_id
      RETURNING 1
    )
    SELECT c.kind, c.views_left, p.format, p.kid, p.wrapped_key, p.ciphertext, (SELECT id FROM event) AS event_id,
           EXISTS (SELECT 1 FROM note) AS noted
      FROM consumed c, (SELECT * FROM kept UNION ALL SELECT * FROM purged) p`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    kind: row.kind,
    viewsLeft: row.views_left,
    payload: { format: row.format, kid: row.kid, wrappedKey: row.wrapped_key, ciphertext: row.ciphertext },
    eventId: row.event_id,
    isNoted: row.noted,
  };
}

export interface RevealDiagnosis {
  isAvailable: boolean;
  isKeyOk: boolean;
  needsPassphrase: boolean;
  isPassphraseOk: boolean;
  needsVerification: boolean;
  /** The grant sent (if any) is this secret's, unexpired and unused. */
  isGrantOk: boolean;
  /** Seconds until this client may guess again; null when it is not throttled. */
  retryAfterSeconds: number | null;
}

/** Why did consumeView match nothing? Only read on the failure path. */
export async function diagnoseReveal(db: Db, r: RevealInput): Promise<RevealDiagnosis | undefined> {
  const { rows } = await sql<{
    available: boolean;
    key_ok: boolean;
    needs_passphrase: boolean;
    passphrase_ok: boolean;
    needs_verification: boolean;
    grant_ok: boolean;
    retry_after: number | null;
  }>`
    SELECT (s.views_left > 0 AND s.revoked_at IS NULL AND s.expires_at > now()) AS available,
           s.key_check_hash = ${r.keyCheckHash} AS key_ok,
           s.passphrase_check_hash IS NOT NULL AS needs_passphrase,
           (s.passphrase_check_hash IS NULL OR s.passphrase_check_hash = ${r.passphraseCheckHash}) IS TRUE AS passphrase_ok,
           s.requires_verification AS needs_verification,
           EXISTS (SELECT 1 FROM reveal_grants g WHERE g.tenant_id = s.tenant_id AND g.secret_id = s.id
                      AND g.grant_hash = ${r.grantHash ?? null} AND g.expires_at > now()) AS grant_ok,
           (SELECT ceil(extract(epoch FROM a.next_allowed_at - now()))::int FROM reveal_attempts a
             WHERE a.tenant_id = s.tenant_id AND a.secret_id = s.id AND a.client_key = ${r.clientKey}
               AND a.next_allowed_at > now()) AS retry_after
      FROM secrets s WHERE s.tenant_id = ${r.tenantId} AND s.id = ${r.id}`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  return {
    isAvailable: row.available,
    isKeyOk: row.key_ok,
    needsPassphrase: row.needs_passphrase,
    isPassphraseOk: row.passphrase_ok,
    needsVerification: row.needs_verification,
    isGrantOk: row.grant_ok,
    retryAfterSeconds: row.retry_after === null ? null : Math.max(1, row.retry_after),
  };
}

export const THROTTLE = {
  freeFailures: 3,
  maxDelaySeconds: 15 * 60,
  secretWideFailures: 30,
  secretWideSpacingSeconds: 60,
} as const;

/**
 * Records one failed guess for (secret, client) and its audit event, in one statement.
 * The backoff rule is written down in NOTES.md; its numbers live in THROTTLE.
 */
export async function recordFailure(
  db: Db,
  r: RevealInput,
  outcome: 'wrong_link_key' | 'wrong_passphrase',
): Promise<{ retryAfterSeconds: number }> {
  const { rows } = await sql<{ retry_after: number }>`
    WITH secret_failures AS (
      SELECT coalesce(sum(failures), 0) + 1 AS total FROM reveal_attempts
       WHERE tenant_id = ${r.tenantId} AND secret_id = ${r.id}
    ), attempt AS (
      INSERT INTO reveal_attempts (tenant_id, secret_id, client_key, failures, next_allowed_at)
      VALUES (${r.tenantId}, ${r.id}, ${r.clientKey}, 1, now())
      ON CONFLICT (tenant_id, secret_id, client_key) DO UPDATE
        SET failures = reveal_attempts.failures + 1,
            next_allowed_at = now() + make_interval(secs => greatest(
              CASE WHEN reveal_attempts.failures + 1 < ${THROTTLE.freeFailures} THEN 0
                   ELSE least(power(2, reveal_attempts.failures + 1 - ${THROTTLE.freeFailures}), ${THROTTLE.maxDelaySeconds}) END,
              CASE WHEN (SELECT total FROM secret_failures) >= ${THROTTLE.secretWideFailures}
                   THEN ${THROTTLE.secretWideSpacingSeconds} ELSE 0 END))
      RETURNING next_allowed_at
    ), event AS (
      INSERT INTO audit_events (tenant_id, type, secret_id, data)
      VALUES (${r.tenantId}, 'secret.reveal_failed', ${r.id},
              jsonb_build_object('outcome', ${outcome}::text, 'clientIp', ${r.clientIp}::text))
    )
    SELECT ceil(extract(epoch FROM next_allowed_at - now()))::int AS retry_after FROM attempt`.execute(db);
  return { retryAfterSeconds: Math.max(0, rows[0]?.retry_after ?? 0) };
}

/** Audit for a reveal attempt on a secret that exists but is no longer available. */
export async function recordGoneAttempt(db: Db, r: RevealInput): Promise<void> {
  await sql`
    INSERT INTO audit_events (tenant_id, type, secret_id, data)
    SELECT tenant_id, 'secret.reveal_failed', id, jsonb_build_object('outcome', 'gone', 'clientIp', ${r.clientIp}::text)
      FROM secrets WHERE tenant_id = ${r.tenantId} AND id = ${r.id}`.execute(db);
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
                                'expiredAt', to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
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
