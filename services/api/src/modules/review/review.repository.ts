import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { ReviewSearchQuery } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { jsonb } from '../../db/sql';
import type { Database } from '../../db/schema';
import type { NoteRecord } from '../audit/receipts';
import { AUDIT_EVENT_COLUMNS, type AuditEventRow } from '../audit/receipts-view';
import { ADMIN_PREFIXES } from './review-entry';

/**
 * Reads for the reviewer API, every one scoped by tenant. Filters are written so the planner can use the partial
 * indexes of migration 2026-12-03T06-00-00-receipts-retention (each repeats its index's `data ? 'field'` predicate).
 */

type Eb = ExpressionBuilder<Database, 'audit_events'>;

export interface ReviewTenantRow {
  id: string;
  slug: string;
  name: string;
  desk: string | null;
}

/** Every tenant, removed ones included: their trails stay reviewable. */
export async function listTenants(db: Db): Promise<ReviewTenantRow[]> {
  return db.selectFrom('tenants').select(['id', 'slug', 'name', 'desk']).orderBy('slug').execute();
}

export async function tenantBySlug(db: Db, slug: string): Promise<ReviewTenantRow | undefined> {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(slug)) return undefined;
  return db.selectFrom('tenants').select(['id', 'slug', 'name', 'desk']).where('slug', '=', slug).executeTakeFirst();
}

/** Events about a ticket: those naming it, and every event of a secret sent from it (reveals and expiry do not name it). */
function aboutTicket(eb: Eb, tenantId: string, ticketId: string): Expression<SqlBool> {
  return eb.or([
    sql<SqlBool>`(audit_events.data ? 'ticketId' AND audit_events.data->>'ticketId' = ${ticketId})`,
    sql<SqlBool>`(audit_events.secret_id IS NOT NULL AND audit_events.secret_id IN (
        SELECT c.secret_id FROM audit_events c
         WHERE c.tenant_id = ${tenantId} AND c.data ? 'ticketId' AND c.data->>'ticketId' = ${ticketId}
           AND c.type = 'secret.created' AND c.secret_id IS NOT NULL))`,
  ]);
}

function byKind(kind: ReviewSearchQuery['kind']): Expression<SqlBool> | undefined {
  const admin = sql.join(
    ADMIN_PREFIXES.map((p) => sql`type LIKE ${`${p}%`}`),
    sql` OR `,
  );
  switch (kind) {
    case undefined:
      return undefined;
    case 'override':
      return sql<SqlBool>`type LIKE 'verification.override%'`;
    case 'verification':
      return sql<SqlBool>`(type LIKE 'verification.%' AND type NOT LIKE 'verification.override%')`;
    case 'secret':
      return sql<SqlBool>`type LIKE 'secret.%'`;
    case 'review':
      return sql<SqlBool>`type LIKE 'review.%'`;
    case 'admin':
      return sql<SqlBool>`(${admin})`;
    case 'other':
      return sql<SqlBool>`NOT (type LIKE 'verification.%' OR type LIKE 'secret.%' OR type LIKE 'review.%' OR ${admin})`;
  }
}

export interface SearchCursor {
  at: string;
  seq: string;
}

/** Newest first, keyset on (occurred_at, seq); one row more than asked tells whether there is a next page. */
export function searchEventsQuery(db: Db, tenantId: string, q: ReviewSearchQuery, after: SearchCursor | undefined) {
  return db
    .selectFrom('audit_events')
    .select(AUDIT_EVENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where((eb) => {
      const and: Expression<SqlBool>[] = [];
      if (q.ticket !== undefined) and.push(aboutTicket(eb, tenantId, q.ticket));
      if (q.agent !== undefined) {
        and.push(sql<SqlBool>`((data ? 'agentId' AND data->>'agentId' = ${q.agent}) OR (data ? 'agent' AND data->>'agent' = ${q.agent}))`);
      }
      if (q.from !== undefined) and.push(eb('occurred_at', '>=', new Date(q.from)));
      if (q.until !== undefined) and.push(eb('occurred_at', '<', new Date(q.until)));
      if (q.outcome !== undefined) {
        and.push(
          sql<SqlBool>`(type LIKE ${`%.${q.outcome.replace(/[\\%_]/g, '\\$&')}`} OR data->>'state' = ${q.outcome} OR data->>'outcome' = ${q.outcome})`,
        );
      }
      if (q.flag === 'override') and.push(sql<SqlBool>`type LIKE 'verification.override%'`);
      if (q.flag === 'possible_fraud') and.push(sql<SqlBool>`(data->>'isFraudSuspected') = 'true'`);
      const kind = byKind(q.kind);
      if (kind) and.push(kind);
      if (after) and.push(sql<SqlBool>`(occurred_at, seq) < (${new Date(after.at)}::timestamptz, ${after.seq}::bigint)`);
      return eb.and(and);
    })
    .orderBy('occurred_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(q.limit + 1);
}

export async function searchEvents(
  db: Db,
  tenantId: string,
  q: ReviewSearchQuery,
  after: SearchCursor | undefined,
): Promise<AuditEventRow[]> {
  return searchEventsQuery(db, tenantId, q, after).execute();
}

/** A ticket's events, oldest first, at most `limit`. */
export async function ticketEvents(db: Db, tenantId: string, ticketId: string, limit: number): Promise<AuditEventRow[]> {
  return db
    .selectFrom('audit_events')
    .select(AUDIT_EVENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where((eb) => aboutTicket(eb, tenantId, ticketId))
    .orderBy('occurred_at')
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** The note records of many events at once (two indexed reads), keyed by event id; events without a note are absent. */
export async function noteRecords(db: Db, tenantId: string, eventIds: string[]): Promise<Map<string, NoteRecord>> {
  const out = new Map<string, NoteRecord>();
  if (eventIds.length === 0) return out;
  const outbox = await db
    .selectFrom('note_outbox')
    .select(['audit_event_id', 'status', 'last_error'])
    .where('tenant_id', '=', tenantId)
    .where('audit_event_id', 'in', eventIds)
    .execute();
  for (const r of outbox) {
    out.set(
      r.audit_event_id,
      r.status === 'pending'
        ? { kind: 'pending' }
        : r.status === 'failed'
          ? { kind: 'failed', lastError: r.last_error }
          : { kind: 'delivered_unrecorded' },
    );
  }
  const receipts = await db
    .selectFrom('note_receipts')
    .select(['audit_event_id', 'ticket_id', 'text_sha256', 'remote_id'])
    .where('tenant_id', '=', tenantId)
    .where('audit_event_id', 'in', eventIds)
    .execute();
  for (const r of receipts) {
    out.set(r.audit_event_id, { kind: 'delivered', ticketId: r.ticket_id, textSha256: r.text_sha256, remoteId: r.remote_id });
  }
  return out;
}

/** A reviewer's action, audited in the tenant it looked at (the sealer chains it like any event). */
export async function insertReviewEvent(db: Db, tenantId: string, type: string, data: Record<string, unknown>): Promise<void> {
  await sql`INSERT INTO audit_events (tenant_id, type, data) VALUES (${tenantId}, ${type}, ${jsonb(data)})`.execute(db);
}
