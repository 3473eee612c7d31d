import {
  ReviewSearchQuerySchema,
  type ReceiptCheck,
  type ReviewEntry,
  type ReviewSearchResult,
  type ReviewTenant,
  type ReviewTimeline,
} from '@vouchsafe/contracts';
import type { ZodError } from 'zod';
import type { DeskTenant } from '../../helpdesks/helpdesk.types';
import { AppError } from '../../errors';
import { maskIdentifiers } from '../../lib/mask';
import { checkReceipt, noteVerdict, type NoteVerdict, type ReceiptDeps } from '../audit/receipts';
import * as repo from './review.repository';
import { toEntry } from './review-entry';

/**
 * The reviewer query API (issue 9): tenants, search, a ticket's timeline with each note's receipt checked, and single
 * receipts. Every call is audited in the tenant it looked at (`review.*`, with the actor and the filters, masked).
 * Desk calls run after the database reads, outside any transaction, a few at a time. See modules/review/NOTES.md.
 */

export interface ReviewDeps extends ReceiptDeps {
  /** Desk calls of one timeline in flight at once (default 4). */
  deskConcurrency?: number;
  /** Notes of one timeline checked against the desk (default 100); later ones say `unavailable` (not checked). */
  maxDeskChecks?: number;
}

/** Longest timeline answered (oldest first); a ticket with more events is cut there (`truncated` in the audit). */
export const TIMELINE_LIMIT = 1_000;

function badQuery(err: ZodError): AppError {
  const issues = err.issues.map((i) => ({ path: i.path.join('.') || '(query)', message: i.message }));
  return new AppError('bad_request', `The search is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`, {
    issues,
  });
}

function decodeCursor(cursor: string): repo.SearchCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      typeof v[0] === 'string' &&
      !Number.isNaN(Date.parse(v[0])) &&
      typeof v[1] === 'string' &&
      /^\d{1,19}$/.test(v[1])
    ) {
      return { at: v[0], seq: v[1] };
    }
  } catch {
    // falls through to the refusal
  }
  throw new AppError('bad_request', 'The search is not valid: cursor: not one this API gave out.', {
    issues: [{ path: 'cursor', message: 'not one this API gave out' }],
  });
}

const encodeCursor = (row: { occurred_at: Date; seq: string }): string =>
  Buffer.from(JSON.stringify([row.occurred_at.toISOString(), row.seq])).toString('base64url');

/** Filters as audited: free text masked (an email or phone number typed into a filter is not kept whole). */
function auditedFilters(q: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || k === 'cursor') continue;
    out[k] = typeof v === 'string' ? maskIdentifiers(v).slice(0, 200) : v;
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight; keeps order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function createReviewService(deps: ReviewDeps) {
  const { db } = deps;

  async function tenantOf(slug: string): Promise<repo.ReviewTenantRow> {
    const tenant = await repo.tenantBySlug(db, slug);
    if (!tenant) throw new AppError('not_found', 'There is no such tenant.');
    return tenant;
  }

  async function tenants(): Promise<ReviewTenant[]> {
    return (await repo.listTenants(db)).map((t) => ({ slug: t.slug, name: t.name, desk: t.desk ?? 'none' }));
  }

  async function search(slug: string, rawQuery: unknown, actor: string): Promise<ReviewSearchResult> {
    const tenant = await tenantOf(slug);
    const parsed = ReviewSearchQuerySchema.safeParse(rawQuery);
    if (!parsed.success) throw badQuery(parsed.error);
    const q = parsed.data;
    const rows = await repo.searchEvents(db, tenant.id, q, q.cursor === undefined ? undefined : decodeCursor(q.cursor));
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > q.limit && last ? encodeCursor(last) : null;
    await repo.insertReviewEvent(db, tenant.id, 'review.searched', {
      actor,
      query: auditedFilters(q),
      isNextPage: q.cursor !== undefined,
      results: page.length,
    });
    return { items: page.map((r) => toEntry(r, null, null)), nextCursor };
  }

  async function timeline(slug: string, ticketId: string, actor: string): Promise<ReviewTimeline> {
    const tenant = await tenantOf(slug);
    if (ticketId.length === 0 || ticketId.length > 128) throw new AppError('not_found', 'There is no such ticket in this tenant.');
    const rows = await repo.ticketEvents(db, tenant.id, ticketId, TIMELINE_LIMIT);
    // Another tenant's ticket (or none) has no events here: 404, as for any foreign id (S5).
    if (rows.length === 0) throw new AppError('not_found', 'There is no such ticket in this tenant.');
    const records = await repo.noteRecords(
      db,
      tenant.id,
      rows.map((r) => r.id),
    );
    // One tenant load for the whole timeline; the desk is then asked a few notes at a time.
    let tenantLoad: Promise<DeskTenant | undefined> | undefined;
    const once: ReviewDeps = { ...deps, loadTenant: (id) => (tenantLoad ??= deps.loadTenant(id)) };
    const maxChecks = deps.maxDeskChecks ?? 100;
    let deskChecks = 0;
    const withNotes = rows.filter((r) => records.has(r.id));
    const verdicts = await mapLimit(withNotes, deps.deskConcurrency ?? 4, async (r): Promise<[string, NoteVerdict]> => {
      const record = records.get(r.id)!;
      if (record.kind === 'delivered' && ++deskChecks > maxChecks) {
        return [r.id, { status: 'unavailable', reason: 'Not checked: this timeline has more notes than one request checks.' }];
      }
      return [r.id, await noteVerdict(once, tenant.id, r.id, record)];
    });
    const byId = new Map(verdicts);
    const entries: ReviewEntry[] = rows.map((r) => toEntry(r, ticketId, byId.get(r.id) ?? null));
    await repo.insertReviewEvent(db, tenant.id, 'review.timeline_viewed', {
      actor,
      query: auditedFilters({ ticket: ticketId }),
      entries: entries.length,
      ...(rows.length === TIMELINE_LIMIT ? { truncated: true } : {}),
    });
    return { tenant: tenant.slug, ticketId, entries };
  }

  async function receipt(slug: string, receiptId: string, actor: string): Promise<ReceiptCheck> {
    const tenant = await tenantOf(slug);
    const check = await checkReceipt(deps, tenant.id, receiptId);
    await repo.insertReviewEvent(db, tenant.id, 'review.receipt_checked', {
      actor,
      receipt: check.receipt,
      hashValid: check.chain.hashValid,
      checkpointValid: check.checkpointValid,
      noteStatus: check.note.status,
    });
    return check;
  }

  return { tenants, search, timeline, receipt };
}

export type ReviewService = ReturnType<typeof createReviewService>;
