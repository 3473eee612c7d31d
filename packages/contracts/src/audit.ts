import { z } from 'zod';

/**
 * What compliance reviewers read (issue 9): audit events as the auditor API and the reviewer console
 * show them, signed chain checkpoints, and the check of a note's receipt. Nothing here ever holds a
 * secret, a key or a full identifier: event data is what the audit row holds (ids, masked labels,
 * sizes, times, outcomes).
 */

/** One audit event. `chainIndex`/`hash` are null until the sealer has chained it. Hashes are lowercase hex. */
export const AuditEventViewSchema = z.object({
  id: z.string().uuid(),
  type: z.string(),
  secretId: z.string().nullable(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  chainIndex: z.number().int().nullable(),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});
export type AuditEventView = z.infer<typeof AuditEventViewSchema>;

/** A signed chain head: Ed25519 JWS (compact) over {tenantId, chainIndex, hash, signedAt}, signed outside the database. */
export const AuditCheckpointViewSchema = z.object({
  tenantId: z.string().uuid(),
  chainIndex: z.number().int(),
  hash: z.string(),
  signedAt: z.string(),
  kid: z.string(),
  jws: z.string(),
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
  receipt: z.string().uuid(),
  event: AuditEventViewSchema,
  /** The event's place in its tenant's chain: sealed yet, and whether its hash recomputes from its content. */
  chain: z.object({ sealed: z.boolean(), hashValid: z.boolean().nullable(), index: z.number().int().nullable() }),
  /** The first signed checkpoint at or after the event's index (null while none covers it yet). */
  checkpoint: AuditCheckpointViewSchema.nullable(),
  /** Whether the checkpoint's signature verified with the configured audit public key. */
  checkpointValid: z.boolean().nullable(),
  note: z.object({ status: ReceiptNoteStatusSchema, reason: z.string().optional() }),
});
export type ReceiptCheck = z.infer<typeof ReceiptCheckSchema>;
