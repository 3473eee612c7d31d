import { sql } from 'kysely';
import type { FindingFacts } from '@vouchsafe/detector';
import type { Db } from '../../db/database';
import { isoUtc, jsonb } from '../../db/sql';
import type { RedactionNoteAction } from '../notes/redaction-note-text';

/**
 * `comment_scans`: one row per comment in which secrets were found — masked facts only, never the text — unique per
 * tenant + ticket + comment, so a desk's retries and repeated webhooks are noted and redacted once. Each decision is
 * one statement with its audit event and, where a note is due, its note_outbox row (modules/notes delivers it after
 * commit). Rows waiting for a redaction are leased like the note outbox (SKIP LOCKED); the desk call happens with no
 * transaction open, and the outcome is written by one statement fenced by the attempt number.
 */

export type ScanMode = 'report' | 'redact' | 'redact_and_offer_upload';

export interface NewScan {
  tenantId: string;
  desk: string;
  ticketId: string;
  commentId: string;
  mode: ScanMode;
  facts: FindingFacts[];
  isPublic: boolean;
  author: string;
}

/**
 * Records what was found. `report`: status `reported`, audit `comment.secret_found` and the note, all now. The
 * redact modes: status `pending` and the audit event; the note comes with the outcome. undefined when this comment
 * was already recorded (nothing written).
 */
export async function recordFound(db: Db, s: NewScan): Promise<{ id: string; status: 'reported' | 'pending' } | undefined> {
  const status = s.mode === 'report' ? 'reported' : 'pending';
  const data = {
    desk: s.desk,
    ticketId: s.ticketId,
    commentId: s.commentId,
    mode: s.mode,
    isPublic: s.isPublic,
    author: s.author,
    findings: s.facts,
  };
  const { rows } = await sql<{ id: string }>`
    WITH scan AS (
      INSERT INTO comment_scans (tenant_id, desk, ticket_id, comment_id, is_public, mode, facts, status, finished_at)
      VALUES (${s.tenantId}, ${s.desk}, ${s.ticketId}, ${s.commentId}, ${s.isPublic}, ${s.mode}, ${jsonb(s.facts)}, ${status},
              ${status === 'reported' ? sql`now()` : null})
      ON CONFLICT (tenant_id, ticket_id, comment_id) DO NOTHING
      RETURNING id, tenant_id, ticket_id, comment_id, facts
    ), e AS (
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, 'comment.secret_found', ${jsonb(data)} || jsonb_build_object('scanId', id) FROM scan
      RETURNING id, tenant_id, occurred_at
    ), note AS (
      INSERT INTO note_outbox (tenant_id, ticket_id, audit_event_id, action, note)
      SELECT e.tenant_id, scan.ticket_id, e.id, 'comment_secret_reported',
             jsonb_build_object('at', ${isoUtc(sql`e.occurred_at`)}, 'commentId', scan.comment_id,
                                'isPublic', ${s.isPublic}::boolean, 'findings', scan.facts)
        FROM e, scan
       WHERE ${status} = 'reported'
    )
    SELECT id FROM scan`.execute(db);
  return rows[0] && { id: rows[0].id, status };
}

export interface LeasedScan {
  id: string;
  tenantId: string;
  desk: string;
  ticketId: string;
  commentId: string;
  mode: ScanMode;
  facts: FindingFacts[];
  attempts: number;
}

export async function leaseDue(db: Db, limit: number, leaseMs: number): Promise<LeasedScan[]> {
  const { rows } = await sql<{
    id: string;
    tenant_id: string;
    desk: string;
    ticket_id: string;
    comment_id: string;
    mode: ScanMode;
    facts: FindingFacts[];
    attempts: number;
  }>`
    UPDATE comment_scans s
       SET attempts = s.attempts + 1, lease_until = now() + make_interval(secs => ${leaseMs / 1000})
      FROM (SELECT id FROM comment_scans
             WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until <= now())
             ORDER BY next_attempt_at
             LIMIT ${limit}
               FOR UPDATE SKIP LOCKED) due
     WHERE s.id = due.id
    RETURNING s.id, s.tenant_id, s.desk, s.ticket_id, s.comment_id, s.mode, s.facts, s.attempts`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    desk: r.desk,
    ticketId: r.ticket_id,
    commentId: r.comment_id,
    mode: r.mode,
    facts: r.facts,
    attempts: r.attempts,
  }));
}

export type ScanOutcome = 'redacted' | 'already_clean' | 'not_redactable' | 'failed';

const NOTE_OF: Record<ScanOutcome, RedactionNoteAction | null> = {
  redacted: 'comment_secret_redacted',
  // Nothing left to remove (an earlier attempt's write landed, or someone edited it): the redaction note was either
  // written by that attempt's outcome or the secret is gone anyway; the audit event still says what happened.
  already_clean: 'comment_secret_redacted',
  not_redactable: 'comment_secret_not_redacted',
  failed: 'comment_secret_not_redacted',
};

/**
 * The outcome, its audit event (`comment.redacted` / `comment.redaction_failed`) and its note, in one statement
 * fenced by the lease's attempt number (a worker whose lease ran out changes nothing).
 */
export async function settle(
  db: Db,
  lease: Pick<LeasedScan, 'id' | 'attempts'>,
  outcome: ScanOutcome,
  note: { why: 'unsupported' | 'failed' | 'gone' | null; isUploadOfferPending: boolean },
  error: string | null,
): Promise<boolean> {
  const type = outcome === 'redacted' || outcome === 'already_clean' ? 'comment.redacted' : 'comment.redaction_failed';
  const { rows } = await sql<{ id: string }>`
    WITH done AS (
      UPDATE comment_scans
         SET status = ${outcome}, finished_at = now(), lease_until = NULL, last_error = ${error}
       WHERE id = ${lease.id} AND attempts = ${lease.attempts} AND status = 'pending'
      RETURNING id, tenant_id, desk, ticket_id, comment_id, is_public, mode, facts
    ), e AS (
      INSERT INTO audit_events (tenant_id, type, data)
      SELECT tenant_id, ${type}, jsonb_strip_nulls(jsonb_build_object(
               'scanId', id, 'desk', desk, 'ticketId', ticket_id, 'commentId', comment_id, 'mode', mode,
               'outcome', ${outcome}::text, 'findings', facts, 'error', ${error}::text))
        FROM done
      RETURNING id, tenant_id, occurred_at
    ), note AS (
      INSERT INTO note_outbox (tenant_id, ticket_id, audit_event_id, action, note)
      SELECT e.tenant_id, done.ticket_id, e.id, ${NOTE_OF[outcome]},
             jsonb_build_object('at', ${isoUtc(sql`e.occurred_at`)}, 'commentId', done.comment_id, 'isPublic', done.is_public,
                                'findings', done.facts, 'why', ${note.why}::text, 'isUploadOfferPending', ${note.isUploadOfferPending}::boolean)
        FROM e, done
    )
    SELECT id FROM done`.execute(db);
  return rows.length > 0;
}

export async function reschedule(db: Db, lease: Pick<LeasedScan, 'id' | 'attempts'>, delayMs: number, error: string): Promise<boolean> {
  const r = await db
    .updateTable('comment_scans')
    .set({ next_attempt_at: sql<Date>`now() + make_interval(secs => ${delayMs / 1000})`, lease_until: null, last_error: error })
    .where('id', '=', lease.id)
    .where('attempts', '=', lease.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
