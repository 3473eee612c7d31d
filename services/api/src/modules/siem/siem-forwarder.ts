import type { SiemRecord } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { isDatabaseOutage } from '../../db/availability';
import type { Logger } from '../../logger';
import * as cursors from './cursors.repository';
import { checkpointRecord, eventRecord } from './siem-record';
import type { SiemMetrics } from './siem.metrics';
import type { Sink } from './sinks/sink.types';

/**
 * Forwards sealed audit events and checkpoints to the configured sinks, at least once (NOTES.md). Each leased cursor
 * is one unit of work: read what follows it (no transaction held), send it with no transaction and no row lock open,
 * then move the cursor (fenced by the lease). A crash between send and move re-sends the same records with the same
 * ids; nothing is skipped.
 */

export const MAX_BACKOFF_MS = 5 * 60_000;
/** Cursors leased per round (they are delivered in parallel: different sinks and tenants). */
const CURSORS_PER_ROUND = 16;

export const backoffAfter = (failures: number, baseMs: number): number =>
  Math.min(baseMs * 2 ** Math.max(0, Math.min(failures - 1, 30)), MAX_BACKOFF_MS);

export interface SiemForwarderDeps {
  db: Db;
  logger: Logger;
  metrics: SiemMetrics;
  sinks: readonly Sink[];
  batch: number;
  backoffMs: number;
  /** Bound on one delivery; the lease is 3× this, so a live worker always settles before its lease runs out. */
  timeoutMs: number;
  intervalMs: number;
}

export function createSiemForwarder(deps: SiemForwarderDeps) {
  const { db } = deps;
  const log = deps.logger.child({ component: 'siem' });
  const byName = new Map(deps.sinks.map((s) => [s.name, s]));
  const names = [...byName.keys()];
  const leaseMs = 3 * deps.timeoutMs;
  const stopping = new AbortController();

  async function read(c: cursors.LeasedCursor): Promise<{ records: SiemRecord[]; positions: bigint[] }> {
    if (c.stream === 'events') {
      const rows = await cursors.eventsAfter(db, c.tenantId, c.position, deps.batch);
      return { records: rows.map(eventRecord), positions: rows.map((r) => BigInt(r.chain_index)) };
    }
    const rows = await cursors.checkpointsAfter(db, c.tenantId, c.position, deps.batch);
    return { records: rows.map(checkpointRecord), positions: rows.map((r) => BigInt(r.seq)) };
  }

  /** Delivers one leased cursor's next batch; returns how many records it read (a full batch means more may follow). */
  async function deliver(c: cursors.LeasedCursor): Promise<number> {
    const sink = byName.get(c.sink)!;
    const ctx = { sink: c.sink, stream: c.stream, tenant: c.tenantId.slice(0, 8) };
    const { records, positions } = await read(c);
    if (records.length === 0) {
      await cursors.release(db, c);
      return 0;
    }
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(deps.timeoutMs)]);
    const { accepted, error } = await sink.send(records, signal);
    if (accepted > 0) {
      if (!(await cursors.advance(db, c, positions[accepted - 1]!))) {
        log.warn(ctx, 'SIEM lease ran out before the delivery settled; another worker re-sends (same ids)');
        return 0;
      }
      deps.metrics.forwarded.inc({ sink: c.sink, stream: c.stream }, accepted);
    }
    if (!error) {
      await cursors.release(db, c);
      return records.length;
    }
    if (stopping.signal.aborted) {
      // Shutting down: hand the cursor back at once (what was not confirmed is sent again, with the same ids).
      await cursors.endLease(db, c);
      return 0;
    }
    const delayMs = backoffAfter(c.failures + 1, deps.backoffMs);
    await cursors.reschedule(db, c, delayMs, `${error.kind}: ${error.message}`.slice(0, 200));
    deps.metrics.failed.inc({ sink: c.sink });
    log.warn(
      { ...ctx, kind: error.kind, error: error.message, forwarded: accepted, retryInMs: delayMs },
      'SIEM delivery failed; will retry',
    );
    return 0;
  }

  /** Forwards everything due now, round after round; returns how many cursors it handled. */
  async function forwardDue(): Promise<number> {
    if (names.length === 0 || stopping.signal.aborted) return 0;
    await cursors.ensureCursors(db, names);
    let total = 0;
    for (;;) {
      const leased = await cursors.leaseDue(db, names, CURSORS_PER_ROUND, leaseMs);
      const counts = await Promise.all(
        leased.map((c) =>
          deliver(c).catch((err: unknown) => {
            // Database trouble mid-delivery: the lease runs out and the cursor is retried; nothing moved.
            if (!isDatabaseOutage(err)) log.error({ err, sink: c.sink, stream: c.stream }, 'SIEM delivery crashed');
            return 0;
          }),
        ),
      );
      total += leased.length;
      const hasMore = leased.length === CURSORS_PER_ROUND || counts.some((n) => n === deps.batch);
      if (!hasMore || stopping.signal.aborted) return total;
    }
  }

  let running: Promise<unknown> | undefined;
  let isRequested = false;
  /** Runs a round now (coalescing): the seal job calls this when it sealed something. */
  function nudge(): void {
    if (stopping.signal.aborted || names.length === 0) return;
    if (running) {
      isRequested = true;
      return;
    }
    running = forwardDue()
      .catch((err: unknown) => {
        if (!isDatabaseOutage(err)) log.warn({ err }, 'SIEM forwarding failed; the jobs loop will retry');
      })
      .finally(() => {
        running = undefined;
        if (isRequested) {
          isRequested = false;
          nudge();
        }
      });
  }

  return {
    sinks: names,
    intervalMs: deps.intervalMs,
    forwardDue,
    nudge,
    /** Resolves when the in-process run (if any) is over. */
    idle: async () => {
      while (running) await running;
    },
    async stop(): Promise<void> {
      stopping.abort(new Error('stopping'));
      while (running) await running;
      await Promise.all(deps.sinks.map((s) => s.close()));
    },
  };
}

export type SiemForwarder = ReturnType<typeof createSiemForwarder>;
