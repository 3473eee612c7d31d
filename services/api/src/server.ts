import http from 'node:http';
import path from 'node:path';
import { createApp } from './app';
import { ConfigError, parseKeyring, type Config } from './config';
import { createDb, migrateToLatest } from './db/database';
import { startJobs } from './jobs';
import { createOutbound, outboundPolicy } from './lib/outbound';
import { createMetrics } from './metrics';
import { setupNotes } from './modules/notes/notes.setup';
import type { Logger } from './logger';
import { Keyring } from './modules/keys/keyring';
import { LOCAL_API_TOKEN_NAME, startEmbedded, type Embedded } from './local/embedded';
import { API_TOKEN_SCOPES, apiToken } from './modules/api-tokens/api-tokens';
import { REPO_ROOT } from './paths';
import { createLiveHub } from './modules/verification/live';
import { setupVerification } from './modules/verification/verification.setup';


export interface Running {
  url: string;
  apiTokenHint: string | undefined;
  shutdown(reason: string): Promise<void>;
}

/** Starts everything in order: database (embedded or given), migrations, HTTP, background jobs. */
export async function start(config: Readonly<Config>, logger: Logger): Promise<Running> {
  let embedded: Embedded | undefined;
  let databaseUrl = config.databaseUrl;
  let keyEntries = config.keyring;
  let apiTokens = config.apiTokens;
  let apiTokenHint: string | undefined;
  if (!databaseUrl) {
    const dataDir = config.dataDir ?? path.join(REPO_ROOT, '.data');
    embedded = await startEmbedded(dataDir, logger, config.embeddedPgPort);
    databaseUrl = embedded.databaseUrl;
    keyEntries ??= parseKeyring(embedded.keys);
    if (apiTokens.length === 0) {
      apiTokens = [apiToken(LOCAL_API_TOKEN_NAME, API_TOKEN_SCOPES, embedded.apiToken)];
      apiTokenHint = `the CLI reads the local API token from ${path.join(dataDir, 'local.json')}`;
    }
  }
  if (!keyEntries) throw new ConfigError('VOUCHSAFE_KEYS is required');

  const { db } = createDb(databaseUrl, config.databasePoolSize);
  let applied: string[];
  try {
    applied = await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    // Name the server (never the URL: it carries the password) and the cause in one sentence.
    const { hostname, port } = new URL(databaseUrl);
    const code = (err as { code?: string }).code;
    throw new Error(
      `Cannot migrate the database at ${hostname}:${port || 5432}${code ? ` (${code})` : ''}: is it reachable, and may this role create tables?`,
      { cause: err },
    );
  }
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');

  const keyring = new Keyring(keyEntries);
  // One metrics registry and one note dispatcher per process, shared by the HTTP app and the jobs.
  const metrics = createMetrics(db);
  // One outbound-connection guard (S12) for every connector and provider of this process.
  const outbound = createOutbound(outboundPolicy(config));
  const notes = setupNotes({ db, keyring, logger, metrics, config, outbound });
  const verification = setupVerification({ db, keyring, logger, metrics, config, outbound, onNoteQueued: notes.nudge });
  // One dedicated LISTEN connection per process fans verification changes out to its SSE streams.
  const live = createLiveHub({ databaseUrl, logger });
  const app = createApp({
    config: { ...config, apiTokens, portalDir: config.portalDir ?? path.join(REPO_ROOT, 'apps/portal/dist') },
    db,
    keyring,
    metrics,
    notes,
    verification,
    live,
    logger,
    outbound,
  });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  const url = config.publicUrl ?? `http://localhost:${port}`;
  const jobs = config.runJobs
    ? startJobs(db, logger, {
        purgeIntervalMs: config.purgeIntervalMs,
        sealIntervalMs: config.sealIntervalMs,
        outboxIntervalMs: config.outboxIntervalMs,
        notes,
        metrics,
        verificationPoller: verification.poller,
      })
    : undefined;
  logger.info({ port, url, embedded: embedded !== undefined, activeKid: keyEntries[0]!.kid }, 'listening');
  if (config.allowInsecureHelpdesks) {
    logger.warn('VOUCHSAFE_ALLOW_INSECURE_HELPDESKS is on: tenants may point at any help-desk API and JWKS URL (development and tests only)');
  }
  if (config.outboundAllow.length > 0) {
    logger.info({ outboundAllow: config.outboundAllow.map((e) => e.text) }, 'VOUCHSAFE_OUTBOUND_ALLOW: connectors and providers may reach these non-public destinations');
  }

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (closing ??= (async () => {
      logger.info({ reason }, 'shutting down: no new connections, draining requests');
      // Live-status streams never end on their own: close them (and the LISTEN connection) first.
      await live.close();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A keep-alive connection that was busy just now turns idle once its response is sent; close it
      // then, rather than holding the drain open until its keep-alive timeout.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      await drained;
      clearInterval(sweep);
      clearTimeout(timer);
      await jobs?.stop();
      await verification.poller.stop();
      await notes.stop();
      await outbound.close();
      await db.destroy();
      await embedded?.stop();
      logger.info('stopped');
    })());

  return { url, apiTokenHint, shutdown };
}
