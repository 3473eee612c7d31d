import { Counter, Gauge } from 'prom-client';
import type { Db } from '../../db/database';
import type { Metrics } from '../../metrics';
import { backlog, type Backlog } from './cursors.repository';
import type { SinkName } from './sinks/sink.types';

/**
 * The SIEM stream's metrics, on the app's registry (metrics.ts): forwarded and failed per sink, and the backlog
 * (records not forwarded yet, and the age of the oldest) read from the database on scrape. Labels: sink and stream
 * names only.
 */
export function createSiemMetrics(db: Db, metrics: Pick<Metrics, 'registry'>, sinks: readonly SinkName[]) {
  const registers = [metrics.registry];
  const forwarded = new Counter({
    name: 'vouchsafe_siem_forwarded_total',
    help: 'Audit events and checkpoints a SIEM sink accepted, by sink and stream (at least once: a retry after a lost answer counts again).',
    labelNames: ['sink', 'stream'] as const,
    registers,
  });
  const failed = new Counter({
    name: 'vouchsafe_siem_failures_total',
    help: 'Deliveries to a SIEM sink that failed and will be retried with backoff, by sink.',
    labelNames: ['sink'] as const,
    registers,
  });
  for (const sink of sinks) {
    failed.inc({ sink }, 0);
    for (const stream of ['events', 'checkpoints']) forwarded.inc({ sink, stream }, 0);
  }
  // Both gauges come from one query per scrape.
  let pending: { at: number; rows: Promise<Backlog[]> } | undefined;
  const read = () => {
    if (!pending || Date.now() - pending.at > 500) pending = { at: Date.now(), rows: backlog(db, sinks) };
    return pending.rows;
  };
  new Gauge({
    name: 'vouchsafe_siem_backlog',
    help: 'Sealed audit events and checkpoints not yet forwarded to a SIEM sink (read from the database on scrape).',
    labelNames: ['sink'] as const,
    registers,
    async collect() {
      for (const b of await read()) this.set({ sink: b.sink }, b.pending);
    },
  });
  new Gauge({
    name: 'vouchsafe_siem_backlog_oldest_seconds',
    help: 'Age of the oldest sealed audit event or checkpoint not yet forwarded to a SIEM sink (0 when caught up).',
    labelNames: ['sink'] as const,
    registers,
    async collect() {
      for (const b of await read()) this.set({ sink: b.sink }, b.oldestSeconds);
    },
  });
  return { forwarded, failed };
}

export type SiemMetrics = ReturnType<typeof createSiemMetrics>;
