import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { createApp } from './app';
import { compose } from './compose';
import { ConfigError, parseKeyring, type Config } from './config';
import { createDatabaseMonitor } from './db/availability';
import { createDb, migrateToLatest, pendingMigrationNames, UNLIMITED } from './db/database';
import { startJobs } from './jobs';
import type { Logger } from './logger';
import { createKeyring } from './modules/keys/create-keyring';
import { parseAuditSigningKey } from './modules/audit/checkpoints-keys';
import { LOCAL_API_TOKEN_NAME, hasEmbeddedPostgres, startEmbedded, type Embedded } from './local/embedded';
import { API_TOKEN_SCOPES, apiToken } from './modules/api-tokens/api-tokens';
import { REPO_ROOT } from './paths';

/** Longest wait for one clean-up step of the shutdown (closing the LISTEN connection, the jobs, the pool). */
const CLEANUP_STEP_MS = 5_000;

export interface Running {
  url: string;
  apiTokenHint: string | undefined;
  shutdown(reason: string): Promise<void>;
  /** A forced stop is under way (the process exits next): only what must not outlive it, synchronously. */
  abandon(): void;
}

/** Applies every pending migration on a connection of its own; an error names the server and asks about DDL rights. */
async function migrateOnStart(databaseUrl: string, acquireTimeoutMs: number): Promise<string[]> {
  // Migrations get a connection of their own without the statement limit: waiting for another process's migration
  // lock, or building an index on a large table, is legitimate work (db/NOTES.md).
  const migrationDb = createDb(databaseUrl, 1, { ...UNLIMITED, acquireTimeoutMs }).db;
  try {
    return await migrateToLatest(migrationDb);
  } catch (err) {
    // Name the server (never the URL: it carries the password) and the cause in one sentence.
    const { hostname, port } = new URL(databaseUrl);
    const code = (err as { code?: string }).code;
    throw new Error(
      `Cannot migrate the database at ${hostname}:${port || 5432}${code ? ` (${code})` : ''}: is it reachable, and may this role create tables? (A role without DDL rights runs with VOUCHSAFE_MIGRATE=false after \`vouchsafe db migrate\`.)`,
      { cause: err },
    );
  } finally {
    await migrationDb.destroy();
  }
}

/** Names of the migrations this build knows that the database has not applied (read-only; any role may ask). */
async function pendingMigrations(databaseUrl: string, acquireTimeoutMs: number): Promise<string[]> {
  const probe = createDb(databaseUrl, 1, { ...UNLIMITED, acquireTimeoutMs }).db;
  try {
    return await pendingMigrationNames(probe);
  } finally {
    await probe.destroy();
  }
}

/** Starts everything in order: database (embedded or given), migrations, HTTP, background jobs. */
export async function start(config: Readonly<Config>, logger: Logger): Promise<Running> {
  let embedded: Embedded | undefined;
  let databaseUrl = config.databaseUrl;
  let keyEntries = config.keyring;
  let apiTokens = config.apiTokens;
  let apiTokenHint: string | undefined;
  let auditSigningKey = config.auditSigningKey;
  const dataDir = config.dataDir ?? path.join(REPO_ROOT, '.data');
  if (!databaseUrl) {
    if (!hasEmbeddedPostgres()) {
      throw new ConfigError(
        'DATABASE_URL is required: this build has no embedded Postgres (the embedded mode is for development; see README, Deployment).',
      );
    }
    embedded = await startEmbedded(dataDir, logger, config.embeddedPgPort);
    databaseUrl = embedded.databaseUrl;
    keyEntries ??= parseKeyring(embedded.keys);
    auditSigningKey ??= parseAuditSigningKey(embedded.auditSigningKey);
    if (apiTokens.length === 0) {
      apiTokens = [apiToken(LOCAL_API_TOKEN_NAME, API_TOKEN_SCOPES, embedded.apiToken)];
      apiTokenHint = `the CLI reads the local API token from ${path.join(dataDir, 'local.json')}`;
    }
  }
  if (!keyEntries && !config.pkcs11) throw new ConfigError('VOUCHSAFE_KEYS is required');
  if (!auditSigningKey) throw new ConfigError('VOUCHSAFE_AUDIT_SIGNING_KEY is required');
  // Outside production (where config.ts requires it) the directory sink defaults to the data folder.
  const auditCheckpointDir = config.auditCheckpointDir ?? path.join(dataDir, 'audit-checkpoints');
  await mkdir(auditCheckpointDir, { recursive: true, mode: 0o755 });
  // Opens the PKCS#11 token when one is configured: a wrong PIN or a missing token stops start-up here (exit 78).
  const keyring = createKeyring(config, keyEntries);

  if (config.migrateOnStart) {
    const applied = await migrateOnStart(databaseUrl, config.databaseAcquireTimeoutMs);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  } else {
    // VOUCHSAFE_MIGRATE=false: this process may run as a role without DDL rights; `vouchsafe db migrate` (run by the
    // migrator role) brings the schema up to date, and /readyz answers 503 until it has.
    const pending = await pendingMigrations(databaseUrl, config.databaseAcquireTimeoutMs);
    if (pending.length > 0) {
      logger.error(
        { pending },
        'the database schema is behind this build and VOUCHSAFE_MIGRATE=false: run `vouchsafe db migrate`; /readyz answers 503 until then',
      );
    }
  }

  // Requests and jobs: every statement bounded, every outage logged once (db/availability.ts).
  const { db } = createDb(databaseUrl, config.databasePoolSize, {
    statementTimeoutMs: config.databaseStatementTimeoutMs,
    acquireTimeoutMs: config.databaseAcquireTimeoutMs,
    monitor: createDatabaseMonitor(logger),
  });

  const graph = compose({
    config: {
      ...config,
      apiTokens,
      // Unset: four eyes, except the embedded development instance, whose one local token is the only admin.
      approvals: config.approvals ?? (embedded && config.env !== 'production' ? 'single_admin' : 'four_eyes'),
      auditSigningKey,
      auditCheckpointDir,
      portalDir: config.portalDir ?? path.join(REPO_ROOT, 'apps/portal/dist'),
    },
    db,
    keyring,
    ...(config.sessionKeys ? { sessionKeys: config.sessionKeys } : {}),
    logger,
    // One dedicated LISTEN connection per process fans verification changes out to its SSE streams; behind a pooler in
    // transaction mode it must bypass the pooler (DATABASE_LISTEN_URL).
    databaseUrl: config.databaseListenUrl ?? databaseUrl,
  });
  const app = createApp(graph);
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
        retention: {
          intervalMs: config.retentionIntervalMs,
          policy: {
            deliveredNotesDays: config.retentionNotesDays,
            finishedVerificationsDays: config.retentionVerificationsDays,
            pushAttemptsDays: config.retentionPushAttemptsDays,
            usedSecretsDays: config.retentionSecretsDays,
          },
        },
        checkpointIntervalMs: config.auditCheckpointIntervalMs,
        lifecycleSweep: { run: graph.lifecycle.sweep.run, intervalMs: config.lifecycleSweepIntervalMs },
        ...graph.workers,
      })
    : undefined;
  logger.info(
    {
      port,
      url,
      embedded: embedded !== undefined,
      activeKid: keyring.activeKid,
      kekProvider: keyring.activeProvider,
      auditKid: auditSigningKey.kid,
      auditCheckpointDir,
    },
    'listening',
  );
  if (config.allowInsecureHelpdesks) {
    logger.warn(
      'VOUCHSAFE_ALLOW_INSECURE_HELPDESKS is on: tenants may point at any help-desk API and JWKS URL (development and tests only)',
    );
  }
  if (config.outboundAllow.length > 0) {
    logger.info(
      { outboundAllow: config.outboundAllow.map((e) => e.text) },
      'VOUCHSAFE_OUTBOUND_ALLOW: connectors and providers may reach these non-public destinations',
    );
  }

  // Each clean-up step is bounded: with a database that never answers (frozen, cut off) closing the
  // LISTEN connection or the pool would wait for it forever, and the process would never stop.
  const settle = async (step: string, work: Promise<unknown>): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLEANUP_STEP_MS)));
    const outcome = await Promise.race([
      work.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      late,
    ]);
    clearTimeout(timer);
    if (outcome === 'late') logger.warn({ step, waitedMs: CLEANUP_STEP_MS }, 'shutdown step did not finish in time; going on');
  };

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) =>
    (closing ??= (async () => {
      logger.info({ reason }, 'shutting down: no new connections, draining requests');
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Live-status streams never end on their own: end them (and the LISTEN connection) before waiting for the drain.
      if (graph.live) await settle('live updates', graph.live.close());
      // A keep-alive connection that was busy just now turns idle once its response is sent; close it
      // then, rather than holding the drain open until its keep-alive timeout.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      await drained;
      clearInterval(sweep);
      clearTimeout(timer);
      await settle('jobs', jobs?.stop() ?? Promise.resolve());
      await settle('verification poller, note delivery, outbound connections', graph.close());
      await settle('database pool', db.destroy());
      keyring.close();
      await embedded?.stop();
      logger.info('stopped');
    })());

  return { url, apiTokenHint, shutdown, abandon: () => embedded?.abandon() };
}
