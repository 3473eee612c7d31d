import type { Db } from '../../db/database';
import { isDatabaseOutage } from '../../db/availability';
import { HelpdeskError, type DeskTenant, type HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import { shortId } from '../../lib/ids';
import { maskIdentifiers } from '../../lib/mask';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import * as outbox from './outbox.repository';
import { noteTextDigest } from './note-digest';
import { parseNote, renderParsedNote } from './note-text';

/**
 * Delivers leased outbox rows to the desks, outside any transaction (see NOTES.md for the rules).
 */

export const MAX_BACKOFF_MS = 5 * 60_000;
const BATCH = 20;

export interface NoteDeliveryDeps {
  db: Db;
  logger: Logger;
  metrics: Pick<Metrics, 'notesDelivered' | 'notesFailed'>;
  /** The tenant with opened credentials; undefined once it is removed. */
  loadTenant(tenantId: string): Promise<DeskTenant | undefined>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  /** A chat workspace tenant's connector (issue 13): its notes are masked audit lines in the audit channel. */
  chatConnectorFor?(tenantId: string): Promise<HelpdeskConnector | undefined>;
  maxAttempts: number;
  backoffMs: number;
  /** Desk call timeout: the lease covers a find and a write with it. */
  timeoutMs: number;
}

/** Delay before attempt n+1 after n failed attempts: base, 2×base, 4×base, … capped at 5 minutes. */
export const backoffAfter = (attempts: number, baseMs: number): number =>
  Math.min(baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)), MAX_BACKOFF_MS);

type Kind = HelpdeskError['kind'] | 'internal';

/** Short, masked, never a URL or note text (HelpdeskError messages are written that way). */
function describe(err: unknown): { kind: Kind; text: string } {
  if (err instanceof HelpdeskError) return { kind: err.kind, text: `${err.kind}: ${maskIdentifiers(err.message)}`.slice(0, 200) };
  return { kind: 'internal', text: 'internal: delivery failed inside Vouchsafe' };
}

/** The previous attempt may have written the note even though it failed (or never reported back). */
function mayHaveLanded(row: outbox.LeasedNote): boolean {
  if (row.attempts <= 1) return false;
  if (row.wasAbandoned) return true;
  const prev = row.lastError ?? '';
  return prev.startsWith('unavailable:') || prev.startsWith('internal:');
}

/** Ticket gone or the desk refuses the note as such: retrying cannot help. */
const isPermanent = (kind: Kind) => kind === 'not_found' || kind === 'rejected';

export function createNoteDelivery(deps: NoteDeliveryDeps) {
  const { db } = deps;
  const log = deps.logger.child({ component: 'notes' });
  const leaseMs = 2 * deps.timeoutMs + 30_000;

  async function deliverOne(row: outbox.LeasedNote, connector: HelpdeskConnector | undefined): Promise<void> {
    const ctx = { note: shortId(row.id), action: row.action, attempt: row.attempts };
    const parsed = parseNote(row.action, row.note);
    if (!parsed || !connector) {
      if (await outbox.markFailed(db, row, parsed ? 'rejected: the tenant was removed' : 'internal: the stored note cannot be rendered')) {
        deps.metrics.notesFailed.inc();
        log.warn(ctx, 'internal note given up');
      }
      return;
    }
    try {
      // Rendering is deterministic (stored facts + receipt + the desk's escaping): an earlier attempt wrote this text.
      const text = renderParsedNote(parsed, row.auditEventId, connector.escapeNoteText);
      if (mayHaveLanded(row) && (await connector.findNote(row.ticketId, row.auditEventId))) {
        if (await outbox.markDelivered(db, row, null, noteTextDigest(text))) deps.metrics.notesDelivered.inc();
        log.info(ctx, 'internal note found on the desk from an earlier attempt');
        return;
      }
      const { remoteId } = await connector.addInternalNote(row.ticketId, text);
      if (await outbox.markDelivered(db, row, remoteId, noteTextDigest(text))) deps.metrics.notesDelivered.inc();
      log.info(ctx, 'internal note delivered');
    } catch (err) {
      const { kind, text } = describe(err);
      if (isPermanent(kind) || row.attempts >= deps.maxAttempts) {
        if (await outbox.markFailed(db, row, text)) deps.metrics.notesFailed.inc();
        log.warn({ ...ctx, kind }, 'internal note failed for good');
      } else {
        const delayMs = backoffAfter(row.attempts, deps.backoffMs);
        await outbox.reschedule(db, row, delayMs, text);
        log.info({ ...ctx, kind, retryInMs: delayMs }, 'internal note not delivered; will retry');
      }
      if (kind === 'internal') log.error({ err, ...ctx }, 'internal note delivery crashed');
    }
  }

  /** Leases one batch and delivers it; returns how many rows it handled. */
  async function deliverBatch(): Promise<number> {
    const rows = await outbox.leaseDue(db, BATCH, leaseMs);
    if (rows.length === 0) return 0;
    const connectors = new Map<string, Promise<HelpdeskConnector | undefined>>();
    const connectorOf = (tenantId: string) => {
      let c = connectors.get(tenantId);
      if (!c) {
        c = deps.loadTenant(tenantId).then((t) => (t ? deps.connectorFor(t) : deps.chatConnectorFor?.(tenantId)));
        connectors.set(tenantId, c);
      }
      return c;
    };
    // Notes of one ticket go out in order; different tickets in parallel.
    const byTicket = new Map<string, outbox.LeasedNote[]>();
    for (const row of rows) {
      const key = `${row.tenantId}\u0000${row.ticketId}`;
      byTicket.set(key, [...(byTicket.get(key) ?? []), row]);
    }
    await Promise.all(
      [...byTicket.values()].map(async (ticketRows) => {
        for (const row of ticketRows) {
          let connector: HelpdeskConnector | undefined;
          try {
            connector = await connectorOf(row.tenantId);
          } catch (err) {
            // Could not load the tenant (database or keyring trouble): try again later.
            log.error({ err, note: shortId(row.id) }, 'cannot load the tenant for a note');
            await outbox.reschedule(db, row, backoffAfter(row.attempts, deps.backoffMs), 'internal: tenant could not be loaded');
            continue;
          }
          await deliverOne(row, connector);
        }
      }),
    );
    return rows.length;
  }

  /** Delivers everything due now (batch after batch). */
  async function deliverDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await deliverBatch();
      total += n;
      if (n < BATCH) return total;
    }
  }

  return { deliverDue };
}

/**
 * Runs deliveries in this process: `nudge()` after a commit that queued a note gets it out within
 * milliseconds; the jobs loop calls `deliverDue()` for retries and for rows other processes queued.
 * Nudges while a run is in flight coalesce into one more run.
 */
export function createNoteDispatcher(deps: NoteDeliveryDeps) {
  const delivery = createNoteDelivery(deps);
  const log = deps.logger.child({ component: 'notes' });
  let running: Promise<void> | undefined;
  let isRequested = false;
  let isStopped = false;

  async function drain() {
    do {
      isRequested = false;
      await delivery.deliverDue();
    } while (isRequested && !isStopped);
  }

  function nudge(): void {
    if (isStopped) return;
    if (running) {
      isRequested = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => {
        if (!isDatabaseOutage(err)) log.warn({ err }, 'note delivery failed; the jobs loop will retry'); // an outage is logged once
      })
      .finally(() => {
        running = undefined;
        // A nudge that came in as the last run was finishing.
        if (isRequested) nudge();
      });
  }

  return {
    nudge,
    deliverDue: () => delivery.deliverDue(),
    /** Resolves when the in-process run (if any) is over. */
    idle: async () => {
      while (running) await running;
    },
    async stop() {
      isStopped = true;
      while (running) await running;
    },
  };
}

export type NoteDispatcher = ReturnType<typeof createNoteDispatcher>;
