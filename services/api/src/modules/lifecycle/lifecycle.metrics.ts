import { Counter } from 'prom-client';
import type { Metrics } from '../../metrics';

/**
 * Issue 12: what the ticket-lifecycle handler and its reconciliation sweep did, on the app's registry (metrics.ts).
 * Labels are fixed words only (event kind, source, item, sweep outcome), never ids.
 */
export function createLifecycleMetrics(metrics: Pick<Metrics, 'registry'>) {
  const registers = [metrics.registry];
  const items = new Counter({
    name: 'vouchsafe_lifecycle_items_total',
    help: 'Items ended because their ticket was closed, deleted or merged, by event, source (webhook, sweep) and item (secret_withdrawn, verification_cancelled, secret_moved, document_request_cancelled).',
    labelNames: ['event', 'source', 'item'] as const,
    registers,
  });
  const sweepTickets = new Counter({
    name: 'vouchsafe_lifecycle_sweep_tickets_total',
    help: 'Tickets the reconciliation sweep asked a desk about, by what the desk answered (open, closed, deleted, merged) or desk_unavailable (skipped, asked again next run).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const sweepRuns = new Counter({
    name: 'vouchsafe_lifecycle_sweep_runs_total',
    help: 'Reconciliation sweep runs of this process.',
    registers,
  });
  for (const outcome of ['open', 'closed', 'deleted', 'merged', 'desk_unavailable']) sweepTickets.inc({ outcome }, 0);
  return { items, sweepTickets, sweepRuns };
}

export type LifecycleMetrics = ReturnType<typeof createLifecycleMetrics>;
