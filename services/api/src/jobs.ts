import type { Db } from './db/database';
import { isDatabaseOutage } from './db/availability';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { NoteDispatcher } from './modules/notes/note-delivery';
import { sealAll } from './modules/audit/seal-chain';
import type { CheckpointJob } from './modules/audit/checkpoints-job';
import { purgeExpired } from './modules/secrets/secrets.repository';
import { purgeExpired as purgeExpiredLimits } from './modules/rate-limits/rate-limits.repository';
import type { VerificationPoller } from './modules/verification/verification.poller';
import { purgeRetention, type RetentionPolicy } from './modules/retention/retention';
import type { SiemForwarder } from './modules/siem/siem-forwarder';
import type { DocumentsService } from './modules/documents/documents.service';

const PURGE_BATCH = 500;
const LIMITS_PURGE_BATCH = 5_000;

export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Background loops that every API process runs; they cooperate through the database
 * (SKIP LOCKED for purge, the chain head row lock for sealing), so any number of replicas is fine.
 */
export interface JobsOptions {
  purgeIntervalMs: number;
  sealIntervalMs: number;
  /** Internal-note retries and rows queued by other processes (new notes also go out on a nudge). */
  notes?: Pick<NoteDispatcher, 'nudge' | 'deliverDue' | 'stop'>;
  outboxIntervalMs?: number;
  metrics?: Pick<Metrics, 'secretsExpired'>;
  /** Push verifications due for a poll (started by any process) and expired open verifications. */
  verificationPoller?: Pick<VerificationPoller, 'pollDue' | 'stop'>;
  verificationIntervalMs?: number;
  /** Retention purges (issue 9): operational rows older than the policy's days; never audit events. */
  retention?: { policy: RetentionPolicy; intervalMs: number };
  /** Signs moved chain heads and publishes them to the checkpoint directory (modules/audit/NOTES.md). */
  checkpoints?: Pick<CheckpointJob, 'run'> | undefined;
  checkpointIntervalMs?: number;
  /** SIEM stream (issue 9): forwards sealed events and checkpoints; nudged whenever the seal job sealed something. */
  siem?: Pick<SiemForwarder, 'forwardDue' | 'nudge' | 'stop' | 'intervalMs'>;
  /** Issue 12: comment redactions due (new ones go out on a nudge; retries and other processes' rows here). */
  commentRedactions?: { runDue(): Promise<number> };
  /** Issue 12: the ticket-lifecycle reconciliation sweep (modules/lifecycle); off unless given. */
  lifecycleSweep?: { run(): Promise<unknown>; intervalMs: number };
  /** Issue 11: expired document requests (payload deleted) and abandoned uploads, on the purge loop's pace. */
  documents?: Pick<DocumentsService, 'purge'>;
}

export function startJobs(db: Db, logger: Logger, opts: JobsOptions): Jobs {
  let stopped = false;
  const running = new Set<Promise<unknown>>();
  const log = logger.child({ component: 'jobs' });

  function loop(name: string, intervalMs: number, run: () => Promise<void>) {
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      if (stopped) return;
      const p = run().catch((err: unknown) => {
        // A database outage is logged once by the database monitor, not once per tick of every loop.
        if (!isDatabaseOutage(err)) log.warn({ err, job: name }, 'job failed; will retry');
      });
      running.add(p);
      await p;
      running.delete(p);
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    timer = setTimeout(tick, Math.min(intervalMs, 250));
    return () => clearTimeout(timer);
  }

  const cancels = [
    loop('purge', opts.purgeIntervalMs, async () => {
      let total = 0;
      for (;;) {
        const n = await purgeExpired(db, PURGE_BATCH);
        total += n;
        if (n < PURGE_BATCH || stopped) break;
      }
      if (total > 0) {
        log.info({ purged: total }, 'expired secrets purged');
        opts.metrics?.secretsExpired.inc(total);
        // Ticket-bound secrets that expired queued an "expired" note.
        opts.notes?.nudge();
      }
      const documents = await opts.documents?.purge();
      if (documents && documents.expired + documents.abandoned > 0) log.info(documents, 'document requests purged');
      // Rate-limit windows that have ended (modules/rate-limits): only ever deleted here, never all at once.
      for (;;) {
        const n = await purgeExpiredLimits(db, LIMITS_PURGE_BATCH);
        if (n < LIMITS_PURGE_BATCH || stopped) break;
      }
    }),
    loop('seal', opts.sealIntervalMs, async () => {
      if ((await sealAll(db)) > 0) opts.siem?.nudge();
    }),
  ];
  const { retention } = opts;
  if (retention) {
    cancels.push(
      loop('retention', retention.intervalMs, async () => {
        const purged = await purgeRetention(db, retention.policy, { isStopped: () => stopped });
        if (Object.values(purged).some((n) => n > 0)) log.info({ purged }, 'retention: old rows purged');
      }),
    );
  }
  const { checkpoints } = opts;
  if (checkpoints) {
    cancels.push(
      loop('checkpoints', opts.checkpointIntervalMs ?? 5_000, async () => {
        await checkpoints.run();
      }),
    );
  }
  const { notes } = opts;
  if (notes) {
    cancels.push(
      loop('notes', opts.outboxIntervalMs ?? 1_000, async () => {
        await notes.deliverDue();
      }),
    );
  }

  const { commentRedactions } = opts;
  if (commentRedactions) {
    cancels.push(
      loop('comment-redactions', opts.outboxIntervalMs ?? 1_000, async () => {
        await commentRedactions.runDue();
      }),
    );
  }

  const poller = opts.verificationPoller;
  if (poller) {
    cancels.push(
      loop('verifications', opts.verificationIntervalMs ?? 500, async () => {
        await poller.pollDue();
      }),
    );
  }

  const { lifecycleSweep } = opts;
  if (lifecycleSweep) {
    cancels.push(
      loop('lifecycle-sweep', lifecycleSweep.intervalMs, async () => {
        await lifecycleSweep.run();
      }),
    );
  }

  const { siem } = opts;
  if (siem) {
    cancels.push(
      loop('siem', siem.intervalMs, async () => {
        await siem.forwardDue();
      }),
    );
  }

  return {
    async stop() {
      stopped = true;
      cancels.forEach((c) => c());
      // Aborts SIEM deliveries in flight (they hand their cursors back) instead of waiting out their timeout.
      const siemStopped = siem?.stop();
      await Promise.allSettled([...running]);
      await poller?.stop();
      await notes?.stop();
      await siemStopped;
    },
  };
}
