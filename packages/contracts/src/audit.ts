import { z } from 'zod';
import { text } from './text';

/**
 * What compliance reviewers read (issue 9): audit events as the auditor API and the reviewer console
 * show them, signed chain checkpoints, and the check of a note's receipt. Nothing here ever holds a
 * secret, a key or a full identifier: event data is what the audit row holds (ids, masked labels,
 * sizes, times, outcomes).
 */

/** One audit event. `chainIndex`/`hash` are null until the sealer has chained it. Hashes are lowercase hex. */
export const AuditEventViewSchema = z.object({
  id: text().uuid(),
  type: text(),
  secretId: text().nullable(),
  occurredAt: text(),
  data: z.record(text(), z.unknown()),
  chainIndex: z.number().int().nullable(),
  prevHash: text().nullable(),
  hash: text().nullable(),
});
export type AuditEventView = z.infer<typeof AuditEventViewSchema>;

/** A signed chain head: Ed25519 JWS (compact) over {tenantId, chainIndex, hash, signedAt}, signed outside the database. */
export const AuditCheckpointViewSchema = z.object({
  tenantId: text().uuid(),
  chainIndex: z.number().int(),
  hash: text(),
  signedAt: text(),
  kid: text(),
  jws: text(),
});
export type AuditCheckpointView = z.infer<typeof AuditCheckpointViewSchema>;

/**
 * Whether the note a receipt names still reads, in the desk, as it was sent:
 * - `matches`: found in the ticket, text identical to what was sent;
 * - `edited`: found, but its text differs (someone changed it in the desk);
 * - `missing`: delivered once, no longer found in the ticket (deleted, or the ticket was);
 * - `pending`: not delivered yet (the outbox still holds it);
 * - `failed`: delivery gave up (the outbox says why);
 * - `no_note`: this event never produces a note;
 * - `unavailable`: the desk could not be asked right now (outage, credentials) — not a verdict.
 */
export const RECEIPT_NOTE_STATUSES = ['matches', 'edited', 'missing', 'pending', 'failed', 'no_note', 'unavailable'] as const;
export const ReceiptNoteStatusSchema = z.enum(RECEIPT_NOTE_STATUSES);
export type ReceiptNoteStatus = z.infer<typeof ReceiptNoteStatusSchema>;

export const ReceiptCheckSchema = z.object({
  receipt: text().uuid(),
  event: AuditEventViewSchema,
  /** The event's place in its tenant's chain: sealed yet, and whether its hash recomputes from its content. */
  chain: z.object({
    sealed: z.boolean(),
    hashValid: z.boolean().nullable(),
    index: z.number().int().nullable(),
    /**
     * Whether the chain recomputes from this event's hash, link by link, to the covering checkpoint's hash (so the
     * checkpoint's signature vouches for this event). null without a checkpoint, or when the segment is too long to
     * walk in one request (then `vouchsafe audit verify` is the check).
     */
    linksToCheckpoint: z.boolean().nullable().optional(),
  }),
  /** The first signed checkpoint at or after the event's index (null while none covers it yet). */
  checkpoint: AuditCheckpointViewSchema.nullable(),
  /** Whether the checkpoint's signature verified with the configured audit public key. */
  checkpointValid: z.boolean().nullable(),
  note: z.object({ status: ReceiptNoteStatusSchema, reason: text().optional() }),
});
export type ReceiptCheck = z.infer<typeof ReceiptCheckSchema>;

/*
 * Reviewer API (auditor scope or an operator signed in with the auditor role), all under
 * `/api/v1/audit`, tenant-scoped by slug; another tenant's ids answer 404:
 *   GET  /api/v1/audit/tenants                                  → ReviewTenant[]
 *   GET  /api/v1/audit/t/{tenant}/events?…ReviewSearchQuery      → ReviewSearchResult
 *   GET  /api/v1/audit/t/{tenant}/tickets/{ticketId}/timeline    → ReviewTimeline
 *   GET  /api/v1/audit/t/{tenant}/receipts/{receipt}             → ReceiptCheck
 *   GET  /api/v1/audit/t/{tenant}/export?since&until&format=ndjson|csv  (streamed)
 * Every call is itself audited (`review.*` events with the reviewer as actor).
 */

export const ReviewTenantSchema = z.object({ slug: text(), name: text(), desk: text() });
export type ReviewTenant = z.infer<typeof ReviewTenantSchema>;

/** Flags a reviewer filters on: a supervisor override, or a denied push / possible fraud. */
export const REVIEW_FLAGS = ['override', 'possible_fraud'] as const;
export const ReviewFlagSchema = z.enum(REVIEW_FLAGS);
export type ReviewFlag = z.infer<typeof ReviewFlagSchema>;

/** What a timeline or search row is about. */
export const REVIEW_KINDS = ['verification', 'override', 'secret', 'admin', 'review', 'other'] as const;
export const ReviewKindSchema = z.enum(REVIEW_KINDS);
export type ReviewKind = z.infer<typeof ReviewKindSchema>;

export const ReviewSearchQuerySchema = z
  .object({
    ticket: text().max(128).optional(),
    /** The agent's id or (masked) label as the audit rows hold it. */
    agent: text().max(200).optional(),
    from: text().datetime({ offset: true }).optional(),
    until: text().datetime({ offset: true }).optional(),
    /** The event type's action (`succeeded`, `denied`, `revealed`, …) or a verification state. */
    outcome: text().max(64).optional(),
    flag: ReviewFlagSchema.optional(),
    kind: ReviewKindSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    /** Opaque; from the previous page's `nextCursor`. */
    cursor: text().max(200).optional(),
  })
  .strict();
export type ReviewSearchQuery = z.infer<typeof ReviewSearchQuerySchema>;

/** One row of a search or a timeline: the event plus what a reviewer reads at a glance. */
export const ReviewEntrySchema = z.object({
  event: AuditEventViewSchema,
  kind: ReviewKindSchema,
  ticketId: text().nullable(),
  /** The agent (or operator, or token name) the event names, as the audit row holds it. */
  actor: text().nullable(),
  flags: z.array(ReviewFlagSchema),
  /** The note's receipt check for events that produce a note (timeline only; null in search results). */
  note: z.object({ status: ReceiptNoteStatusSchema, reason: text().optional() }).nullable(),
});
export type ReviewEntry = z.infer<typeof ReviewEntrySchema>;

export const ReviewSearchResultSchema = z.object({ items: z.array(ReviewEntrySchema), nextCursor: text().nullable() });
export type ReviewSearchResult = z.infer<typeof ReviewSearchResultSchema>;

export const ReviewTimelineSchema = z.object({
  tenant: text(),
  ticketId: text(),
  /** Oldest first. */
  entries: z.array(ReviewEntrySchema),
});
export type ReviewTimeline = z.infer<typeof ReviewTimelineSchema>;

/* ---- Audit export (issue 9, audit core) ---- */

/** Mount point of the auditor API (bearer token with the `auditor` scope). */
export const AUDIT_API_MOUNT = '/api/v1/audit';
/** `GET` streams a tenant's sealed chain segment (docs/AUDIT-FORMAT.md). */
export const auditExportPath = (tenantSlug: string) => `${AUDIT_API_MOUNT}/t/${encodeURIComponent(tenantSlug)}/export`;

export const AUDIT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export const AuditExportQuerySchema = z
  .object({
    /** Events that occurred at or after this instant (the segment starts at the first such event). */
    since: text().datetime({ offset: true }).optional(),
    /** Events that occurred before this instant (the segment ends at the last such event). */
    until: text().datetime({ offset: true }).optional(),
    format: z.enum(AUDIT_EXPORT_FORMATS).default('ndjson'),
  })
  .strict();
export type AuditExportQuery = z.infer<typeof AuditExportQuerySchema>;
