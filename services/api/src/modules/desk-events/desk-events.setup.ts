import type { Db } from '../../db/database';
import type { DeskTenant, HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { Keyring } from '../keys/keyring';
import type { TenantsService } from '../tenants/tenants.service';
import { createCommentRedactions } from './comment-redaction';
import type { DeskEventHandlers } from './desk-event.types';
import { createDeskEventDispatcher, type DeskEventsDeps } from './desk-events.routes';
import { createWebhookSecrets } from './webhook-secrets';

/**
 * Issue 12: the desk-events part of the object graph (compose.ts builds it once): webhook secrets, the redaction
 * handler and its worker, the dispatcher that runs handlers after the answer, and what the receivers need.
 */
export function setupDeskEvents(deps: {
  db: Db;
  keyring: Keyring;
  logger: Logger;
  metrics: Pick<Metrics, 'deskEvents' | 'commentRedactions'>;
  tenants: Pick<TenantsService, 'loadDeskTenant'>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  onNoteQueued(): void;
  maxAttempts: number;
  backoffMs: number;
  timeoutMs: number;
  /** The ticket-lifecycle handler (modules/lifecycle: revoke, cancel, note). */
  onTicketLifecycle: NonNullable<DeskEventHandlers['onTicketLifecycle']>;
}) {
  const secrets = createWebhookSecrets({ db: deps.db, keyring: deps.keyring });
  const redactions = createCommentRedactions({
    db: deps.db,
    logger: deps.logger,
    metrics: deps.metrics,
    loadTenant: (id) => deps.tenants.loadDeskTenant({ id }),
    connectorFor: deps.connectorFor,
    onNoteQueued: deps.onNoteQueued,
    maxAttempts: deps.maxAttempts,
    backoffMs: deps.backoffMs,
    timeoutMs: deps.timeoutMs,
  });
  const handlers: DeskEventHandlers = { onComment: redactions.onComment, onTicketLifecycle: deps.onTicketLifecycle };
  const dispatcher = createDeskEventDispatcher({ logger: deps.logger, handlers });
  const receiverDeps: DeskEventsDeps = { db: deps.db, logger: deps.logger, metrics: deps.metrics, secrets, dispatcher };
  return {
    secrets,
    redactions,
    dispatcher,
    receiverDeps,
    /** Everything handed to handlers has been handled and every redaction run in this process is over (tests). */
    async idle(): Promise<void> {
      await dispatcher.idle();
      await redactions.idle();
    },
    async stop(): Promise<void> {
      await dispatcher.idle();
      await redactions.stop();
    },
  };
}
