import type { AuditCheckpointView, ReceiptCheck, ReceiptNoteStatus } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { HelpdeskError, type DeskTenant, type HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import { maskIdentifiers } from '../../lib/mask';
import { noteTextDigest } from '../notes/note-digest';
import { rowHash } from './canonical';
import { AUDIT_EVENT_COLUMNS, toCheckpointView, toEventView, type AuditEventRow } from './receipts-view';

/**
 * Checking a note's receipt (issue 9): the audit event it names, its place in the chain and whether its hash
 * recomputes, the covering signed checkpoint, and whether the note as it stands in the desk is what was sent.
 * Database reads first (no transaction is held), then at most one desk call. See NOTES.md ("Receipts").
 */

export interface ReceiptDeps {
  db: Db;
  /** The tenant with opened desk credentials; undefined once removed (or not a desk tenant). */
  loadTenant(tenantId: string): Promise<DeskTenant | undefined>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  /**
   * Checks a checkpoint's Ed25519 signature with the configured audit public key (modules/audit/checkpoints*.ts).
   * Without it (no key configured in this process) `checkpointValid` is null: not checked, never "valid".
   */
  verifyCheckpoint?: (checkpoint: AuditCheckpointView) => Promise<boolean>;
}

/** Longest chain segment walked from an event to its checkpoint in one request. */
export const MAX_LINK_WALK = 50_000;
const PAGE = 5_000;

/** What the database says about a note: what was delivered (receipt row), or where its outbox row stands. */
export type NoteRecord =
  | { kind: 'delivered'; ticketId: string; textSha256: Buffer; remoteId: string | null }
  | { kind: 'pending' }
  | { kind: 'failed'; lastError: string | null }
  | { kind: 'delivered_unrecorded' }
  | { kind: 'none' };

export type NoteVerdict = { status: ReceiptNoteStatus; reason?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function checkReceipt(deps: ReceiptDeps, tenantId: string, receipt: string): Promise<ReceiptCheck> {
  const { db } = deps;
  const event = UUID.test(receipt) ? await findEvent(db, tenantId, receipt.toLowerCase()) : undefined;
  // Unknown, malformed and another tenant's receipts answer alike (S5).
  if (!event) throw new AppError('not_found', 'There is no audit event with this receipt in this tenant.');
  const index = event.chain_index === null ? null : BigInt(event.chain_index);
  const hashValid = index === null || !event.prev_hash || !event.hash ? null : rowHash(event.prev_hash, index, event).equals(event.hash);

  const cpRow =
    index === null
      ? undefined
      : await db
          .selectFrom('audit_checkpoints')
          .select(['tenant_id', 'chain_index', 'hash', 'signed_at', 'kid', 'jws'])
          .where('tenant_id', '=', tenantId)
          .where('chain_index', '>=', index.toString())
          .orderBy('chain_index')
          .limit(1)
          .executeTakeFirst();
  const checkpoint = cpRow ? toCheckpointView(cpRow) : null;
  const linksToCheckpoint = cpRow && index !== null && event.hash ? await linksTo(db, tenantId, index, event.hash, cpRow) : null;
  const checkpointValid = checkpoint && deps.verifyCheckpoint ? await deps.verifyCheckpoint(checkpoint).catch(() => false) : null;

  const note = await noteVerdict(deps, tenantId, event.id, await findNoteRecord(db, tenantId, event.id));
  return {
    receipt: event.id,
    event: toEventView(event),
    chain: { sealed: index !== null, hashValid, index: index === null ? null : Number(index), linksToCheckpoint },
    checkpoint,
    checkpointValid,
    note,
  };
}

async function findEvent(db: Db, tenantId: string, id: string): Promise<AuditEventRow | undefined> {
  return db
    .selectFrom('audit_events')
    .select(AUDIT_EVENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Recomputes the chain from the event (index, hash) up to the checkpoint's index and compares with its hash: the
 * signed head then vouches for this event. Reads pages of at most PAGE rows; gives up (null) past MAX_LINK_WALK.
 */
async function linksTo(
  db: Db,
  tenantId: string,
  fromIndex: bigint,
  fromHash: Buffer,
  cp: { chain_index: string; hash: Buffer },
): Promise<boolean | null> {
  const target = BigInt(cp.chain_index);
  if (target - fromIndex > BigInt(MAX_LINK_WALK)) return null;
  let prev = fromHash;
  let at = fromIndex;
  while (at < target) {
    const page = await db
      .selectFrom('audit_events')
      .select(AUDIT_EVENT_COLUMNS)
      .where('tenant_id', '=', tenantId)
      .where('chain_index', '>', at.toString())
      .where('chain_index', '<=', target.toString())
      .orderBy('chain_index')
      .limit(PAGE)
      .execute();
    if (page.length === 0) return false;
    for (const e of page) {
      const index = BigInt(e.chain_index!);
      if (index !== at + 1n) return false;
      prev = rowHash(prev, index, e);
      at = index;
    }
  }
  return prev.equals(cp.hash);
}

/** The note an event produced, as the database records it (tenant-scoped). */
export async function findNoteRecord(db: Db, tenantId: string, eventId: string): Promise<NoteRecord> {
  const receipt = await db
    .selectFrom('note_receipts')
    .select(['ticket_id', 'text_sha256', 'remote_id'])
    .where('tenant_id', '=', tenantId)
    .where('audit_event_id', '=', eventId)
    .executeTakeFirst();
  if (receipt) return { kind: 'delivered', ticketId: receipt.ticket_id, textSha256: receipt.text_sha256, remoteId: receipt.remote_id };
  const row = await db
    .selectFrom('note_outbox')
    .select(['status', 'last_error'])
    .where('tenant_id', '=', tenantId)
    .where('audit_event_id', '=', eventId)
    .executeTakeFirst();
  if (!row) return { kind: 'none' };
  if (row.status === 'pending') return { kind: 'pending' };
  if (row.status === 'failed') return { kind: 'failed', lastError: row.last_error };
  return { kind: 'delivered_unrecorded' };
}

/**
 * The note's status: database facts, and for a delivered note the desk's current text compared with what was sent.
 * Runs outside any transaction. A desk that cannot be asked is `unavailable` — never a verdict.
 */
export async function noteVerdict(deps: ReceiptDeps, tenantId: string, receipt: string, record: NoteRecord): Promise<NoteVerdict> {
  switch (record.kind) {
    case 'none':
      return { status: 'no_note' };
    case 'pending':
      return { status: 'pending', reason: 'The note has not been delivered to the desk yet.' };
    case 'failed':
      return { status: 'failed', reason: maskIdentifiers(record.lastError ?? 'delivery gave up').slice(0, 200) };
    case 'delivered_unrecorded':
      return { status: 'unavailable', reason: 'Delivered before Vouchsafe recorded what each note said; it cannot be compared.' };
    case 'delivered':
      return deskVerdict(deps, tenantId, receipt, record);
  }
}

async function deskVerdict(
  deps: ReceiptDeps,
  tenantId: string,
  receipt: string,
  record: Extract<NoteRecord, { kind: 'delivered' }>,
): Promise<NoteVerdict> {
  let connector: HelpdeskConnector;
  try {
    const tenant = await deps.loadTenant(tenantId);
    if (!tenant) return { status: 'unavailable', reason: 'The tenant was removed: its desk can no longer be asked.' };
    connector = deps.connectorFor(tenant);
  } catch {
    return { status: 'unavailable', reason: 'The tenant’s desk credentials could not be opened.' };
  }
  try {
    const note = await connector.readNote(record.ticketId, receipt, record.remoteId);
    if (!note) return { status: 'missing', reason: 'No note with this receipt is on the ticket any more (deleted, or the ticket was).' };
    return noteTextDigest(note.text).equals(record.textSha256)
      ? { status: 'matches' }
      : { status: 'edited', reason: 'The note in the desk no longer reads as it was sent.' };
  } catch (err) {
    if (err instanceof HelpdeskError) return { status: 'unavailable', reason: `The desk could not be asked (${err.kind}).` };
    return { status: 'unavailable', reason: 'The desk could not be asked.' };
  }
}
