import { sql, type RawBuilder } from 'kysely';
import { executePrepared, type Db } from '../../db/database';
import type { SealedPayload } from '../keys/keyring';
import { ticketNote } from './secrets.repository';

/**
 * The reveal of a secret: the one statement that consumes a view (S2), the read-only diagnosis of
 * a reveal that matched nothing, and the failed-guess counting behind the throttle (S9). Like every
 * statement on secrets, each is scoped by tenant and does its whole job in ONE SQL statement.
 * See NOTES.md ("Exactly one reveal", "Guess throttling").
 */

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
  const { rows } = await executePrepared(
    db,
    sql<{
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
      FROM consumed c, (SELECT * FROM kept UNION ALL SELECT * FROM purged) p`,
  );
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
