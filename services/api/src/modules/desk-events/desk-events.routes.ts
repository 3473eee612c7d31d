import { Router, type Request, type Response } from 'express';
import { DESK_EVENT_PATHS, DESKS, type Desk } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { parseSignedJson, rawBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { DeskEvent, DeskEventHandlers } from './desk-event.types';
import { recordDelivery } from './desk-event-receipts.repository';
import { PayloadError, parseJira, parseServiceNow, parseZendesk } from './desk-payloads';
import { isFresh, UNKNOWN_TENANT_SECRET, verifyJira, verifyServiceNow, verifyZendesk, type SignatureVerdict } from './signatures';
import type { WebhookSecrets } from './webhook-secrets';

/**
 * `POST /api/v1/desk-events/<desk>/<tenant slug>`: one receiver per desk. The tenant comes from the path AND must be
 * the one whose secret signed the raw body; nothing in the body chooses it. Order: unknown tenant (404, after an HMAC
 * over a fixed secret so it takes the same time) → signature (401) → body (400) → replay (2xx, nothing done) →
 * 202, and the events go to the handlers after the answer (never holding the desk's request on a desk API call).
 * Every outcome is counted in `vouchsafe_desk_events_total{desk,outcome}`; bodies are never logged.
 */

export interface DeskEventsDeps {
  db: Db;
  logger: Logger;
  metrics: Pick<Metrics, 'deskEvents'>;
  secrets: Pick<WebhookSecrets, 'forReceiver'>;
  /** Runs the handlers after the answer (tests await `idle()`). */
  dispatcher: DeskEventDispatcher;
  now?: () => Date;
}

const VERIFY: Record<Desk, (secret: Buffer, req: Request, raw: Buffer, now: Date) => SignatureVerdict> = {
  zendesk: (s, req, raw, now) => verifyZendesk(s, req.headers, raw, now),
  jira: (s, req, raw) => verifyJira(s, req.headers, raw),
  servicenow: (s, req, raw, now) => verifyServiceNow(s, req.headers, raw, now),
};

function parseFor(desk: Desk, body: unknown, raw: Buffer, tenantId: string, now: Date) {
  switch (desk) {
    case 'zendesk':
      return parseZendesk(body, { tenantId }, now);
    case 'jira':
      return parseJira(body, raw, { tenantId });
    case 'servicenow':
      return parseServiceNow(body, { tenantId }, now);
  }
}

/** Runs handlers outside the request; a handler failure is logged (kind and ids only) and never reaches the desk. */
export function createDeskEventDispatcher(deps: { logger: Logger; handlers: DeskEventHandlers }) {
  const log = deps.logger.child({ component: 'desk-events' });
  const running = new Set<Promise<void>>();
  async function handle(event: DeskEvent): Promise<void> {
    try {
      if (event.kind === 'comment.created') await deps.handlers.onComment?.(event);
      else await deps.handlers.onTicketLifecycle?.(event);
    } catch (err) {
      // The error may come from a desk or the database; it never carries the comment text (handlers are written so).
      log.error({ err, desk: event.desk, kind: event.kind, tenant: event.tenantId }, 'desk event handler failed');
    }
  }
  return {
    dispatch(events: readonly DeskEvent[]): void {
      if (events.length === 0) return;
      const p = (async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        for (const e of events) await handle(e);
      })();
      running.add(p);
      void p.finally(() => running.delete(p));
    },
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
export type DeskEventDispatcher = ReturnType<typeof createDeskEventDispatcher>;

export function deskEventRoutes(deps: DeskEventsDeps): Router {
  const router = Router();
  router.use(noStore);
  const now = deps.now ?? (() => new Date());

  const receive = (desk: Desk) => async (req: Request, res: Response) => {
    const count = (outcome: string) => deps.metrics.deskEvents.inc({ desk, outcome });
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const at = now();
    const tenant = await deps.secrets.forReceiver(desk, String(req.params.tenant ?? ''));
    const verdict = VERIFY[desk](tenant?.secret ?? UNKNOWN_TENANT_SECRET, req, raw, at);
    if (!tenant) {
      count('unknown_tenant');
      throw new AppError('not_found', 'There is no desk event receiver at this address.');
    }
    const log = req.log.child({ tenant: tenant.slug, desk });
    if (!verdict.ok) {
      count(verdict.reason);
      log.warn({ reason: verdict.reason }, 'desk webhook refused');
      throw new AppError('unauthorized', 'The webhook signature could not be verified.');
    }
    let parsed: ReturnType<typeof parseFor>;
    try {
      parsed = parseFor(desk, parseSignedJson(raw), raw, tenant.id, at);
    } catch (err) {
      count('malformed');
      log.warn('desk webhook body refused');
      if (err instanceof PayloadError) throw new AppError('bad_request', `The request is not valid: ${err.message}.`);
      throw err;
    }
    // Jira signs no header timestamp: the body's own time (covered by the signature) must be fresh.
    if (desk === 'jira' && (!parsed.occurredAt || !isFresh(parsed.occurredAt, at))) {
      count('stale');
      log.warn({ reason: 'stale' }, 'desk webhook refused');
      throw new AppError('unauthorized', 'The webhook signature could not be verified.');
    }
    if (!(await recordDelivery(deps.db, tenant.id, parsed.eventKey))) {
      count('duplicate');
      log.info('desk webhook already received; nothing done');
      res.status(200).json({ status: 'duplicate' });
      return;
    }
    count('accepted');
    res.status(202).json({ status: 'accepted', events: parsed.events.length });
    deps.dispatcher.dispatch(parsed.events);
  };

  for (const desk of DESKS) router.post(`/${desk}/:tenant`, rawBody('256kb'), receive(desk));
  return router;
}

export const DESK_EVENTS_MOUNT = DESK_EVENT_PATHS.mount;
