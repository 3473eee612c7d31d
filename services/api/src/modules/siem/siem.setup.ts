import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Db } from '../../db/database';
import type { Outbound } from '../../lib/outbound';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { createSiemForwarder } from './siem-forwarder';
import { createSiemMetrics } from './siem.metrics';
import { parseSyslogUrl, SYSLOG_FACILITIES, type SiemSettings } from './siem.settings';
import { createHecSink } from './sinks/hec.sink';
import type { Sink } from './sinks/sink.types';
import { createSyslogSink } from './sinks/syslog.sink';
import { createWebhookSink } from './sinks/webhook.sink';

/**
 * Builds the SIEM stream from its settings (called once by compose.ts): the sinks whose URL is set, their metrics and
 * the forwarder the jobs loop runs. Undefined when no sink is configured (the default).
 */
export interface SiemSetupDeps {
  db: Db;
  logger: Logger;
  metrics: Pick<Metrics, 'registry'>;
  outbound: Outbound;
  /** Unset settings take their defaults. */
  settings: Partial<SiemSettings>;
}

export function setupSiem(deps: SiemSetupDeps) {
  const s = deps.settings;
  const hostname = s.siemHostname ?? os.hostname();
  const timeoutMs = s.siemTimeoutMs ?? 10_000;
  const sinks: Sink[] = [];
  if (s.siemSyslogUrl !== undefined) {
    sinks.push(
      createSyslogSink({
        ...parseSyslogUrl(s.siemSyslogUrl),
        ...(s.siemSyslogCaFile !== undefined ? { ca: readFileSync(s.siemSyslogCaFile, 'utf8') } : {}),
        facility: SYSLOG_FACILITIES[s.siemSyslogFacility ?? 'audit'],
        hostname,
        policy: deps.outbound.policy,
      }),
    );
  }
  if (s.siemHecUrl !== undefined && s.siemHecToken !== undefined) {
    sinks.push(
      createHecSink({
        url: s.siemHecUrl,
        token: s.siemHecToken,
        hostname,
        sourcetype: s.siemHecSourcetype ?? 'vouchsafe:audit',
        ...(s.siemHecIndex !== undefined ? { index: s.siemHecIndex } : {}),
        isAck: s.siemHecAck ?? false,
        fetch: deps.outbound.fetch,
        ackPollMs: Math.min(500, Math.max(20, Math.floor(timeoutMs / 20))),
      }),
    );
  }
  if (s.siemWebhookUrl !== undefined && s.siemWebhookSecret !== undefined) {
    sinks.push(createWebhookSink({ url: s.siemWebhookUrl, secret: s.siemWebhookSecret, fetch: deps.outbound.fetch }));
  }
  if (sinks.length === 0) return undefined;
  return createSiemForwarder({
    db: deps.db,
    logger: deps.logger,
    metrics: createSiemMetrics(
      deps.db,
      deps.metrics,
      sinks.map((x) => x.name),
    ),
    sinks,
    batch: s.siemBatch ?? 200,
    backoffMs: s.siemBackoffMs ?? 1_000,
    timeoutMs,
    intervalMs: s.siemIntervalMs ?? 1_000,
  });
}
