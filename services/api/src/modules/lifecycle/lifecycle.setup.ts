import type { Db } from '../../db/database';
import type { DeskTenant, HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { DeskEventHandlers } from '../desk-events/desk-event.types';
import { createLifecycleSweep } from './lifecycle-sweep';
import { createLifecycleMetrics } from './lifecycle.metrics';
import { createTicketLifecycle, type TicketItemsOnLifecycle } from './ticket-lifecycle.service';

/** Issue 12: the ticket-lifecycle handler and its reconciliation sweep, built once by compose.ts. */
export function setupLifecycle(deps: {
  db: Db;
  logger: Logger;
  metrics: Pick<Metrics, 'registry'>;
  onNoteQueued(): void;
  loadTenant(tenantId: string): Promise<DeskTenant | undefined>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  sweepMaxTickets: number;
  /** Issue 11 extension point: document requests end with their ticket too (not built yet). */
  documentRequests?: TicketItemsOnLifecycle;
}) {
  const metrics = createLifecycleMetrics(deps.metrics);
  const handler = createTicketLifecycle({
    db: deps.db,
    logger: deps.logger,
    metrics,
    onNoteQueued: deps.onNoteQueued,
    ...(deps.documentRequests ? { documentRequests: deps.documentRequests } : {}),
  });
  const sweep = createLifecycleSweep({
    db: deps.db,
    logger: deps.logger,
    metrics,
    loadTenant: deps.loadTenant,
    connectorFor: deps.connectorFor,
    onTicketLifecycle: handler.onTicketLifecycle,
    maxTickets: deps.sweepMaxTickets,
  });
  // The seam the desk webhook receivers call (modules/desk-events): this handler fits it as it is.
  const onTicketLifecycle: Required<DeskEventHandlers>['onTicketLifecycle'] = async (event) => {
    await handler.onTicketLifecycle(event);
  };
  return {
    onTicketLifecycle,
    /** The same handler with what it did (tests, the sweep's report). */
    handle: handler.onTicketLifecycle,
    sweep,
    metrics,
  };
}

export type Lifecycle = ReturnType<typeof setupLifecycle>;
