import { isDatabaseOutage } from '../../db/availability';
import { IDP_OF_METHOD } from '../../providers/registry';
import { ProviderError, type ProviderOutcome } from '../../providers/provider.types';
import { providerFailureReason } from './start-verification';
import type { VerificationDeps } from './verification.deps';
import { leaseDuePolls, schedulePoll } from './verification-polls.repository';
import { recordProviderOutcome } from './verification.service';
import { isPushMethod, type VerificationRow } from './verification.types';

/**
 * Server-side polling of push verifications, in every API process: due rows are leased with SKIP
 * LOCKED (disjoint across processes), the IdP is asked OUTSIDE any transaction (Duo long-polls up
 * to `maxWaitMs`), and each outcome is recorded by one guarded statement. Expired open
 * verifications of any method become `timed_out` (push: the IdP transaction is cancelled, best
 * effort). A start kicks the poller in-process so the first poll goes out at once.
 */

export interface PollerOptions {
  /** Between two polls of one push that is still waiting. */
  intervalMs: number;
  /** Long-poll budget handed to the provider. */
  maxWaitMs: number;
  batch?: number;
}

export type PollerDeps = Pick<VerificationDeps, 'db' | 'logger' | 'metrics' | 'providersFor' | 'loadPolicy' | 'onNoteQueued'>;

export function createVerificationPoller(deps: PollerDeps, opts: PollerOptions) {
  const log = deps.logger.child({ component: 'verification-poller' });
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let isStopped = false;
  let leasing: Promise<number> | undefined;
  let isKickPending = false;
  // The lease outlives one long-poll plus the provider's own timeout.
  const leaseMs = opts.maxWaitMs + 30_000;

  async function pollOne(row: VerificationRow, isExpired: boolean): Promise<void> {
    const ctx = { verification: row.id.slice(0, 8), method: row.method };
    const provider = (await deps.providersFor(row.tenantId)).get(IDP_OF_METHOD[row.method]);
    const { policy } = await deps.loadPolicy(row.tenantId);
    if (isExpired) {
      const recorded = await recordProviderOutcome(deps, row, { state: 'timed_out' }, policy.lifetimeSeconds);
      if (recorded && isPushMethod(row.method)) await provider?.cancel(row.providerState).catch(() => undefined);
      return;
    }
    if (!provider?.poll) {
      await recordProviderOutcome(
        deps,
        row,
        { state: 'failed', reason: 'The identity provider connection was removed.' },
        policy.lifetimeSeconds,
      );
      return;
    }
    const remainingMs = row.expiresAt.getTime() - Date.now();
    let outcome: ProviderOutcome;
    try {
      outcome = await provider.poll(row.providerState, Math.max(0, Math.min(opts.maxWaitMs, remainingMs)));
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unavailable') {
        log.info({ ...ctx }, 'IdP unreachable while polling; will retry');
        await schedulePoll(deps.db, row.tenantId, row.id, Math.max(opts.intervalMs, 1_000));
        return;
      }
      outcome = { state: 'failed', reason: providerFailureReason(err) };
    }
    if (outcome.state === 'waiting') {
      await schedulePoll(deps.db, row.tenantId, row.id, opts.intervalMs);
      later(opts.intervalMs);
      return;
    }
    if (await recordProviderOutcome(deps, row, outcome, policy.lifetimeSeconds))
      log.info({ ...ctx, state: outcome.state }, 'verification answered');
  }

  function track(p: Promise<void>) {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }

  /** Leases what is due and starts a poll for each (not awaited: one long-poll must not hold up the others). */
  async function pollDue(): Promise<number> {
    if (isStopped) return 0;
    const leased = await leaseDuePolls(deps.db, opts.batch ?? 20, leaseMs);
    for (const { row, isExpired } of leased) {
      track(
        pollOne(row, isExpired).catch((err: unknown) => {
          // A database outage is logged once by the database monitor.
          if (!isDatabaseOutage(err))
            log.warn({ err, verification: row.id.slice(0, 8) }, 'verification poll failed; the lease will run out and it is retried');
        }),
      );
    }
    return leased.length;
  }

  /** Polls now (coalescing kicks while a lease is in flight). */
  function kick(): void {
    if (isStopped) return;
    if (leasing) {
      isKickPending = true;
      return;
    }
    leasing = pollDue()
      .catch((err: unknown) => {
        if (!isDatabaseOutage(err)) log.warn({ err }, 'leasing verifications failed');
        return 0;
      })
      .finally(() => {
        leasing = undefined;
        if (isKickPending) {
          isKickPending = false;
          kick();
        }
      });
  }

  function later(ms: number) {
    if (isStopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      kick();
    }, ms);
    timers.add(t);
  }

  return {
    kick,
    pollDue,
    async stop() {
      isStopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await leasing;
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type VerificationPoller = ReturnType<typeof createVerificationPoller>;
