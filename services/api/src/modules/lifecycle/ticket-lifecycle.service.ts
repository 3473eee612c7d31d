import type { WithdrawnReason } from '@vouchsafe/contracts';
import type { Db, Tx } from '../../db/database';
import type { Logger } from '../../logger';
import type { TicketLifecycleEvent } from '../desk-events/desk-event.types';
import type { LifecycleMetrics } from './lifecycle.metrics';
import * as repo from './lifecycle.repository';

/**
 * Issue 12: when a ticket is solved/closed, deleted or merged, everything Vouchsafe still has outstanding on it ends,
 * in ONE transaction per ticket with no network call inside: its waiting secrets are withdrawn (revoked, payload
 * deleted; the customer's link says "withdrawn because …"), its open verifications cancelled (live sidebars hear it
 * at commit), audit events written (actor `system`, reason `ticket_closed` / `ticket_deleted` / `ticket_merged`), and
 * one summary note queued for after commit (none for a deleted ticket; a merge's goes on the surviving ticket, where
 * the merged ticket's secrets and fraud flags move). Idempotent: every statement is guarded by the state it leaves,
 * and nothing changed means no event and no note, so desk retries and sweep repeats do nothing. See NOTES.md.
 */

/**
 * Extension point for issue 11 (document requests, built in parallel): a module that holds ticket-bound items
 * registers one of these; it runs inside the same per-ticket transaction (no network call!) and returns how many
 * items it ended, which the note and the metrics count as document requests.
 */
export interface TicketItemsOnLifecycle {
  cancelForTicket(trx: Tx, change: repo.TicketChange): Promise<number>;
}

export interface TicketLifecycleDeps {
  db: Db;
  logger: Logger;
  metrics: LifecycleMetrics;
  /** Nudges the note dispatcher after commit. */
  onNoteQueued(): void;
  /** Issue 11: document requests (see TicketItemsOnLifecycle). */
  documentRequests?: TicketItemsOnLifecycle;
}

export interface LifecycleResult {
  secretsWithdrawn: number;
  verificationsCancelled: number;
  documentRequestsCancelled: number;
  secretsMoved: number;
  /** The summary audit event; undefined when nothing changed (a replay). */
  eventId?: string;
  isNoted: boolean;
}

const REASON: Record<TicketLifecycleEvent['kind'], WithdrawnReason> = {
  'ticket.closed': 'ticket_closed',
  'ticket.deleted': 'ticket_deleted',
  'ticket.merged': 'ticket_merged',
};

const CANCEL_TEXT: Record<WithdrawnReason, string> = {
  ticket_closed: 'Cancelled by Vouchsafe: the ticket was solved or closed.',
  ticket_deleted: 'Cancelled by Vouchsafe: the ticket was deleted.',
  ticket_merged: 'Cancelled by Vouchsafe: the ticket was merged into another ticket.',
};

export function createTicketLifecycle(deps: TicketLifecycleDeps) {
  const { db, metrics } = deps;
  const log = deps.logger.child({ component: 'ticket-lifecycle' });

  async function onTicketLifecycle(event: TicketLifecycleEvent): Promise<LifecycleResult> {
    const nothing: LifecycleResult = {
      secretsWithdrawn: 0,
      verificationsCancelled: 0,
      documentRequestsCancelled: 0,
      secretsMoved: 0,
      isNoted: false,
    };
    // The event's tenant must be an active tenant of the desk it names (receivers verified the desk's signature).
    if ((await repo.deskOf(db, event.tenantId)) !== event.desk) {
      log.warn({ kind: event.kind, source: event.source }, 'ticket lifecycle event for an unknown tenant or another desk ignored');
      return nothing;
    }
    const reason = REASON[event.kind];
    const survivor =
      event.kind === 'ticket.merged' && event.survivingTicketId && event.survivingTicketId !== event.ticketId
        ? event.survivingTicketId
        : undefined;
    const change: repo.TicketChange = {
      tenantId: event.tenantId,
      ticketId: event.ticketId,
      reason,
      source: event.source,
      // A desk clock ahead of ours must not spare items created just now; one behind spares items created after it.
      occurredAt: new Date(Math.min(event.occurredAt.getTime(), Date.now())),
    };
    const result = await db.transaction().execute(async (trx) => {
      await repo.lockTicket(trx, change.tenantId, change.ticketId);
      const secretsWithdrawn = await repo.withdrawSecrets(trx, change);
      const { methods } = await repo.cancelVerifications(trx, change, CANCEL_TEXT[reason]);
      const documentRequestsCancelled = (await deps.documentRequests?.cancelForTicket(trx, change)) ?? 0;
      const moved = survivor ? await repo.moveToSurvivor(trx, change, survivor) : { secrets: 0, flags: 0 };
      const r: LifecycleResult = {
        secretsWithdrawn,
        verificationsCancelled: methods.length,
        documentRequestsCancelled,
        secretsMoved: moved.secrets,
        isNoted: false,
      };
      if (secretsWithdrawn + methods.length + documentRequestsCancelled + moved.secrets + moved.flags === 0) return r;
      const summary = await repo.insertSummary(trx, change, {
        type: event.kind,
        data: {
          secretsWithdrawn,
          verificationsCancelled: methods.length,
          documentRequestsCancelled,
          secretsMoved: moved.secrets,
          fraudFlagsMoved: moved.flags,
          survivingTicketId: survivor ?? null,
          deskEventId: event.eventId.slice(0, 100),
        },
        // A deleted ticket is gone; a merge without a named survivor has nowhere reliable to write.
        noteTicketId: event.kind === 'ticket.closed' ? event.ticketId : (survivor ?? null),
        facts: {
          event: event.kind === 'ticket.closed' ? 'closed' : 'merged',
          secretsWithdrawn,
          verificationsCancelled: methods.length,
          documentRequestsCancelled,
          ...(survivor ? { mergedFrom: event.ticketId, secretsMoved: moved.secrets } : {}),
        },
      });
      return { ...r, eventId: summary.eventId, isNoted: summary.isNoted };
    });
    const labels = { event: event.kind, source: event.source };
    if (result.secretsWithdrawn) metrics.items.inc({ ...labels, item: 'secret_withdrawn' }, result.secretsWithdrawn);
    if (result.verificationsCancelled) metrics.items.inc({ ...labels, item: 'verification_cancelled' }, result.verificationsCancelled);
    if (result.documentRequestsCancelled)
      metrics.items.inc({ ...labels, item: 'document_request_cancelled' }, result.documentRequestsCancelled);
    if (result.secretsMoved) metrics.items.inc({ ...labels, item: 'secret_moved' }, result.secretsMoved);
    if (result.isNoted) deps.onNoteQueued();
    if (result.eventId) {
      log.info(
        {
          kind: event.kind,
          source: event.source,
          withdrawn: result.secretsWithdrawn,
          cancelled: result.verificationsCancelled,
          moved: result.secretsMoved,
        },
        'ticket lifecycle: outstanding items ended',
      );
    }
    return result;
  }

  return { onTicketLifecycle };
}

export type TicketLifecycle = ReturnType<typeof createTicketLifecycle>;
