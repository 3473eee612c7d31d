import { AppError } from '../errors';
import type { Logger } from '../logger';

/**
 * Telling a database outage from a bug (db/NOTES.md). An outage answers 503 `not_ready` with Retry-After and is
 * logged once when it starts and once when it ends; anything else stays a 500 with its own log line.
 */

/** What a client is told to wait before retrying during an outage. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * SQLSTATEs that say the server cannot serve now, whatever the statement:
 * 08xxx connection exception; 53xxx insufficient resources (too many connections, disk full, out of memory);
 * 57P01 admin shutdown (fast shutdown, pg_terminate_backend), 57P02 crash shutdown, 57P03 cannot connect now
 * (starting up, shutting down, recovery), 57P05 idle session timeout; 57014 query canceled, which only our
 * statement_timeout causes (the API never cancels a statement itself).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53)...$|^57P0[1235]$|^57014$/;

/** Socket errors of the connection to the server (node's `code`). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * pg, pg-pool and Kysely raise these without a code (pg 8.23, pg-pool 3.14, Kysely 0.28: the exact messages of
 * their connection, connect-timeout, acquire-timeout, read-timeout and closed-pool errors). A dependency upgrade
 * that rewords one turns that case back into a 500: db/availability.test.ts produces each of them for real.
 */
const DRIVER_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout expired',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'driver has already been destroyed',
  'Postgres connection has been discarded',
]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

/**
 * Whether `err` (as raised by pg, pg-pool or Kysely) says the database is unreachable or cannot answer now.
 * Constraint violations, syntax errors, serialization failures, bad credentials and every other SQLSTATE are not:
 * they are bugs or misconfiguration and stay 500.
 */
export function isUnavailableError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || SOCKET_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && DRIVER_MESSAGES.has(e.message)) return true;
  // net.connect to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError.
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.every(isUnavailableError);
  return false;
}

/** Errors that came out of a database pool created by createDb (as opposed to, say, a help desk's fetch). */
const fromDatabase = new WeakSet<object>();

export function markFromDatabase(err: unknown): void {
  if (typeof err === 'object' && err !== null) fromDatabase.add(err);
}

/** Whether `err`, or an error it wraps (`cause`), is a database outage raised by our pool. */
export function isDatabaseOutage(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    if (fromDatabase.has(e) && isUnavailableError(e)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The answer to a request that failed because of an outage. */
export function databaseUnavailable(cause: unknown): AppError {
  return new AppError('not_ready', `Vouchsafe cannot reach its database right now. Try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`, {
    cause,
    retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
  });
}

/**
 * Watches every query and connection attempt of one pool. The first unavailable error starts an outage and is
 * logged (error); further ones are only counted; the first answer after that ends it (info, with its length and
 * how many attempts failed). Other errors are not its business.
 */
export interface DatabaseMonitor {
  failed(err: unknown): void;
  answered(): void;
  readonly isDown: boolean;
}

/** A short description of a driver error for the log: never a statement, parameter or connection string. */
function describe(err: unknown): { code?: string; message?: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.message === 'string' ? { message: e.message.slice(0, 200) } : {}),
  };
}

export function createDatabaseMonitor(logger: Logger): DatabaseMonitor {
  const log = logger.child({ component: 'database' });
  let downSince: number | undefined;
  let failures = 0;
  return {
    failed(err) {
      if (!isUnavailableError(err)) return;
      failures += 1;
      if (downSince !== undefined) return;
      downSince = Date.now();
      log.error(
        { cause: describe(err), retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
        'database unavailable: answering 503 not_ready until it answers again',
      );
    },
    answered() {
      if (downSince === undefined) return;
      log.info({ downMs: Date.now() - downSince, failedAttempts: failures }, 'database reachable again');
      downSince = undefined;
      failures = 0;
    },
    get isDown() {
      return downSince !== undefined;
    },
  };
}
