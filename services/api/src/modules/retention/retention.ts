import type { Db } from '../../db/database';
import * as repo from './retention.repository';

/** How long each kind of operational row is kept after it stopped mattering (days; config.ts, README). */
export interface RetentionPolicy {
  deliveredNotesDays: number;
  finishedVerificationsDays: number;
  pushAttemptsDays: number;
  usedSecretsDays: number;
}

export type RetentionCounts = Record<'deliveredNotes' | 'finishedVerifications' | 'pushAttempts' | 'usedSecrets' | 'ticketSecrets', number>;

const DAY_MS = 24 * 3600 * 1000;

/**
 * One retention pass: each kind purged in batches of `batch` rows (one short statement each) until a batch comes
 * back short or `isStopped()` says the process is stopping. Never audit events (modules/audit/NOTES.md).
 */
export async function purgeRetention(
  db: Db,
  policy: RetentionPolicy,
  opts: { batch?: number; now?: Date; isStopped?: () => boolean } = {},
): Promise<RetentionCounts> {
  const batch = opts.batch ?? 1_000;
  const now = opts.now ?? new Date();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const drain = async (purge: (db: Db, cutoff: Date, limit: number) => Promise<number>, cutoff: Date) => {
    let total = 0;
    for (;;) {
      const n = await purge(db, cutoff, batch);
      total += n;
      if (n < batch || opts.isStopped?.()) return total;
    }
  };
  const usedSecretsCutoff = before(policy.usedSecretsDays);
  return {
    deliveredNotes: await drain(repo.purgeDeliveredNotes, before(policy.deliveredNotesDays)),
    finishedVerifications: await drain(repo.purgeFinishedVerifications, before(policy.finishedVerificationsDays)),
    pushAttempts: await drain(repo.purgePushAttempts, before(policy.pushAttemptsDays)),
    usedSecrets: await drain(repo.purgeUsedSecrets, usedSecretsCutoff),
    ticketSecrets: await drain(repo.purgeTicketSecrets, usedSecretsCutoff),
  };
}
