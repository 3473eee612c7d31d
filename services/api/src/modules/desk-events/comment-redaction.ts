import { detect, findingFacts, type Finding } from '@vouchsafe/detector';
import type { Db } from '../../db/database';
import { HelpdeskError, type CommentRedaction, type DeskTenant, type HelpdeskConnector } from '../../helpdesks/helpdesk.types';
import { shortId } from '../../lib/ids';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { backoffAfter } from '../notes/note-delivery';
import { loadPolicy } from '../policy/load-policy';
import type { DeskCommentEvent } from './desk-event.types';
import * as scans from './comment-scans.repository';

/**
 * Issue 12, the redaction handler (`onComment`) and its worker. The comment text lives only in memory, only while it
 * is scanned: nothing stores, logs or audits it; rows and notes carry the detector's masked facts. Rules: NOTES.md.
 */

/** What replaces a secret where the desk lets us choose (Jira): the masked preview, e.g. "[Redacted by Vouchsafe: •••• 4242]". */
export const placeholderOf = (f: Finding): string => `[Redacted by Vouchsafe: ${f.preview}]`;

/** The spans to remove from a piece of the desk's current text. */
export const findSecrets = (text: string): CommentRedaction[] =>
  detect(text).map((f) => ({ start: f.start, end: f.end, placeholder: placeholderOf(f) }));

export interface CommentRedactionDeps {
  db: Db;
  logger: Logger;
  metrics: Pick<Metrics, 'commentRedactions'>;
  loadTenant(tenantId: string): Promise<DeskTenant | undefined>;
  connectorFor(tenant: DeskTenant): HelpdeskConnector;
  /** A note row was committed: deliver it now. */
  onNoteQueued(): void;
  maxAttempts: number;
  backoffMs: number;
  timeoutMs: number;
}

const BATCH = 20;

export function createCommentRedactions(deps: CommentRedactionDeps) {
  const { db } = deps;
  const log = deps.logger.child({ component: 'comment-redaction' });
  const leaseMs = 2 * deps.timeoutMs + 30_000;

  async function redactOne(row: scans.LeasedScan): Promise<void> {
    const ctx = { scan: shortId(row.id), desk: row.desk, attempt: row.attempts };
    // The upload offer of `redact_and_offer_upload` needs the document exchange (issue 11), not in this build.
    const isUploadOfferPending = row.mode === 'redact_and_offer_upload';
    const settle = async (outcome: scans.ScanOutcome, why: 'unsupported' | 'failed' | 'gone' | null, error: string | null) => {
      if (await scans.settle(db, row, outcome, { why, isUploadOfferPending }, error)) {
        deps.metrics.commentRedactions.inc({ desk: row.desk, outcome });
        deps.onNoteQueued();
        log.info({ ...ctx, outcome }, 'comment redaction settled');
      }
    };
    try {
      const tenant = await deps.loadTenant(row.tenantId);
      if (!tenant) return await settle('failed', 'failed', 'rejected: the tenant was removed');
      // No transaction is open here: the desk call runs on its own, the outcome is one statement after it.
      const outcome = await deps.connectorFor(tenant).redactComment(row.ticketId, row.commentId, findSecrets);
      if (outcome === 'unsupported') return await settle('not_redactable', 'unsupported', null);
      await settle(outcome === 'redacted' ? 'redacted' : 'already_clean', null, null);
    } catch (err) {
      const kind = err instanceof HelpdeskError ? err.kind : 'internal';
      // HelpdeskError messages name the operation and status, never a URL, credential or the text.
      const text = err instanceof HelpdeskError ? `${kind}: ${err.message}`.slice(0, 200) : 'internal: redaction failed inside Vouchsafe';
      if (kind === 'not_found') return settle('failed', 'gone', text);
      if (kind === 'rejected' || row.attempts >= deps.maxAttempts) return settle('failed', 'failed', text);
      const delayMs = backoffAfter(row.attempts, deps.backoffMs);
      await scans.reschedule(db, row, delayMs, text);
      log.info({ ...ctx, kind, retryInMs: delayMs }, 'comment redaction failed; will retry');
      if (kind === 'internal') log.error({ err, ...ctx }, 'comment redaction crashed');
    }
  }

  /** Redacts everything due now; returns how many rows it handled. */
  async function runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await scans.leaseDue(db, BATCH, leaseMs);
      for (const row of rows) await redactOne(row);
      total += rows.length;
      if (rows.length < BATCH) return total;
    }
  }

  let running: Promise<void> | undefined;
  let isRequested = false;
  let isStopped = false;
  function nudge(): void {
    if (isStopped) return;
    if (running) {
      isRequested = true;
      return;
    }
    running = (async () => {
      do {
        isRequested = false;
        await runDue();
      } while (isRequested && !isStopped);
    })()
      .catch((err: unknown) => log.warn({ err }, 'comment redaction run failed; the jobs loop will retry'))
      .finally(() => {
        running = undefined;
      });
  }

  /** The `onComment` handler: detect, then record per the tenant's policy (one statement), then redact after commit. */
  async function onComment(event: DeskCommentEvent): Promise<void> {
    const { policy } = await loadPolicy(db, event.tenantId);
    const mode = policy.commentRedaction;
    if (mode === 'off') return;
    const findings = detect(event.body);
    if (findings.length === 0) return;
    const recorded = await scans.recordFound(db, {
      tenantId: event.tenantId,
      desk: event.desk,
      ticketId: event.ticketId,
      commentId: event.commentId,
      mode,
      facts: findings.map(findingFacts),
      isPublic: event.public,
      author: event.author,
    });
    if (!recorded) return; // this comment was handled before (a desk retry or a second event for it)
    if (recorded.status === 'reported') {
      deps.metrics.commentRedactions.inc({ desk: event.desk, outcome: 'reported' });
      deps.onNoteQueued();
    } else {
      nudge();
    }
  }

  return {
    onComment,
    runDue,
    nudge,
    idle: async () => {
      while (running) await running;
    },
    async stop() {
      isStopped = true;
      while (running) await running;
    },
  };
}

export type CommentRedactions = ReturnType<typeof createCommentRedactions>;
