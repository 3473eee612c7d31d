import { createHash } from 'node:crypto';
import type { Db } from '../../db/database';
import { HelpdeskError, TICKET_STATES_BATCH, type DeskTenant, type HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import type { Logger } from '../../logger';
import type { TicketLifecycleEvent } from '../desk-events/desk-event.types';
import type { LifecycleMetrics } from './lifecycle.metrics';
import { markChecked, sweepCandidates, type SweepCandidate } from './lifecycle.repository';

/**
 * Issue 12: the reconciliation sweep. Desks drop webhooks (outages, misconfigured triggers), so every process's jobs
 * loop asks the desks, now and then, about the tickets that still have outstanding secrets or open verifications, and
 * feeds what it learns into the same handler as `TicketLifecycleEvent{source:'sweep'}`. Bounded per run (at most
 * `maxTickets`, least recently checked first, in desk batches of TICKET_STATES_BATCH); the desk is asked with no
 * transaction open. A desk that fails to answer is skipped and asked again next run: "unavailable" is never read as
 * "deleted". Processes running it at once only repeat work the handler makes idempotent. See NOTES.md.
 */

export interface LifecycleSweepDeps {
  db: Db;
  logger: Logger;
  metrics: LifecycleMetrics;
  loadTenant(tenantId: string): Promise<DeskTenant | undefined>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  onTicketLifecycle(event: TicketLifecycleEvent): Promise<unknown>;
  /** Most tickets asked about per run. */
  maxTickets: number;
}

export interface SweepReport {
  asked: number;
  ended: number;
  unavailable: number;
}

export function createLifecycleSweep(deps: LifecycleSweepDeps) {
  const log = deps.logger.child({ component: 'lifecycle-sweep' });

  async function sweepTenant(tenantId: string, ticketIds: string[], report: SweepReport): Promise<void> {
    const tenant = await deps.loadTenant(tenantId);
    if (!tenant) return;
    const connector = deps.connectorFor(tenant);
    for (let i = 0; i < ticketIds.length; i += TICKET_STATES_BATCH) {
      const batch = ticketIds.slice(i, i + TICKET_STATES_BATCH);
      let states;
      try {
        states = await connector.ticketStates(batch);
      } catch (err) {
        if (!(err instanceof HelpdeskError)) throw err;
        // Skip this tenant for this run; the tickets stay least-recently-checked and go first next time.
        report.unavailable += batch.length;
        deps.metrics.sweepTickets.inc({ outcome: 'desk_unavailable' }, batch.length);
        log.warn(
          { desk: tenant.desk, kind: err.kind, tickets: batch.length },
          'lifecycle sweep: desk did not answer; asking again next run',
        );
        return;
      }
      await markChecked(deps.db, tenantId, batch);
      report.asked += batch.length;
      const occurredAt = new Date();
      for (const ticketId of batch) {
        const state = states.get(ticketId);
        if (!state) continue;
        deps.metrics.sweepTickets.inc({ outcome: state.state });
        if (state.state === 'open') continue;
        const kind = state.state === 'closed' ? 'ticket.closed' : state.state === 'deleted' ? 'ticket.deleted' : 'ticket.merged';
        await deps.onTicketLifecycle({
          kind,
          tenantId,
          desk: tenant.desk,
          ticketId,
          source: 'sweep',
          occurredAt,
          eventId: `sweep:${createHash('sha256').update(`${tenantId}:${ticketId}:${kind}`).digest('hex').slice(0, 32)}`,
          ...(state.state === 'merged' && state.survivingTicketId ? { survivingTicketId: state.survivingTicketId } : {}),
        });
        report.ended += 1;
      }
    }
  }

  /** One bounded run: the oldest-checked tickets with outstanding items, grouped by tenant. */
  async function run(): Promise<SweepReport> {
    deps.metrics.sweepRuns.inc();
    const report: SweepReport = { asked: 0, ended: 0, unavailable: 0 };
    const byTenant = new Map<string, string[]>();
    for (const c of await sweepCandidates(deps.db, deps.maxTickets)) {
      byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c.ticketId]);
    }
    for (const [tenantId, ticketIds] of byTenant) await sweepTenant(tenantId, ticketIds, report);
    if (report.ended > 0 || report.unavailable > 0) log.info(report, 'lifecycle sweep ran');
    return report;
  }

  return { run };
}

export type LifecycleSweep = ReturnType<typeof createLifecycleSweep>;
export type { SweepCandidate };
