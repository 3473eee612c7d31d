import { createHash } from 'node:crypto';
import {
  Kysely,
  Migrator,
  NO_MIGRATIONS,
  PostgresDialect,
  sql,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryResult,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import pg from 'pg';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema types apply */
import { migrations } from '@vouchsafe/migrations';
import type { Database } from './schema';
import { isUnavailableError, markFromDatabase, type DatabaseMonitor } from './availability';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

// bigint (int8) as string: audit chain indexes and sequence numbers must not lose precision.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/** Time limits of one pool (db/NOTES.md: which pool gets which). */
export interface DbLimits {
  /**
   * Each session's `statement_timeout`, so the server cancels a statement that runs too long (SQLSTATE 57014);
   * the client also gives up on a statement that got no answer at all 1 s after that (a frozen or cut-off server
   * cannot cancel anything) and drops its connection. 0: neither (the role's or server's default applies).
   */
  statementTimeoutMs: number;
  /** How long a caller waits for a connection: a free pooled one, or a new one including the server's start-up reply. */
  acquireTimeoutMs: number;
  /** Told about every query and connection attempt, to log an outage once (db/availability.ts). */
  monitor?: DatabaseMonitor;
}

/** No statement limit: tests, migrations and admin commands (see db/NOTES.md). */
export const UNLIMITED: DbLimits = { statementTimeoutMs: 0, acquireTimeoutMs: 5_000 };

/** How much longer than the server's statement_timeout the client waits for any answer. */
const CLIENT_DEADLINE_MARGIN_MS = 1_000;

export function createDb(connectionString: string, poolSize = 20, limits: DbLimits = UNLIMITED): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: limits.acquireTimeoutMs,
    application_name: 'vouchsafe-api',
    ...(limits.statementTimeoutMs > 0
      ? { statement_timeout: limits.statementTimeoutMs, query_timeout: limits.statementTimeoutMs + CLIENT_DEADLINE_MARGIN_MS }
      : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: pg-pool detaches its listener while a client is lent out, so a connection
  // that dies between two statements (server restart, failover, pg_terminate_backend) emitted 'error' with
  // no listener and took the whole process down. Now its next query fails and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: watchedPool(pool, limits.monitor) }) }), pool };
}

/**
 * SQL texts that run as named prepared statements, each under a name derived from its text (db/NOTES.md). Filled only
 * by `executePrepared`, i.e. by the few hot statements written out in full, so the set stays small and fixed.
 */
const preparedNames = new Map<string, string>();

/**
 * Runs a statement as a named prepared statement: each pooled connection parses and plans it once (Postgres
 * switches to a generic plan after five runs when that costs no more), then only binds and executes it. For
 * statements whose text does not depend on the values (everything variable is a parameter).
 */
export async function executePrepared<R>(db: Kysely<any>, query: RawBuilder<R>): Promise<QueryResult<R>> {
  const compiled = query.compile(db);
  if (!preparedNames.has(compiled.sql)) {
    preparedNames.set(compiled.sql, `vouchsafe_${createHash('sha256').update(compiled.sql).digest('hex').slice(0, 32)}`);
  }
  return db.executeQuery(compiled);
}

/**
 * The pool as Kysely sees it: every error is marked as the database's (so the HTTP layer can tell an outage from a
 * help desk's failure), every outcome goes to the monitor, and a connection whose statement got no answer in time
 * is dropped rather than lent out again (pg leaves that statement active on it, so the next one would queue behind
 * it): its remaining statements (Kysely's ROLLBACK) fail at once, and releasing it destroys the socket.
 */
function watchedPool(pool: pg.Pool, monitor: DatabaseMonitor | undefined): PostgresPool {
  const failed = (err: unknown): never => {
    markFromDatabase(err);
    // A constraint violation or a bad password is an answer too: the server is there.
    if (isUnavailableError(err)) monitor?.failed(err);
    else monitor?.answered();
    throw err;
  };
  return {
    async connect() {
      const client = await pool.connect().catch(failed);
      let broken: Error | undefined;
      const query = async (text: string, parameters: readonly unknown[]) => {
        if (broken) failed(broken);
        try {
          const name = preparedNames.get(text);
          const result = await (name ? client.query({ name, text, values: [...parameters] }) : client.query(text, [...parameters]));
          monitor?.answered();
          return result;
        } catch (err) {
          if ((err as Error).message === 'Query read timeout') broken = err as Error;
          return failed(err);
        }
      };
      return {
        query,
        release: (destroy?: boolean) => client.release(broken ?? destroy),
      } as unknown as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/** Kysely reports a migration's failure as `unknown`: keep an Error as it is, wrap anything else. */
const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(`migration failed: ${String(error)}`));

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * Kysely's migrator takes a Postgres advisory lock inside a transaction, so several API
 * processes starting at once against one database apply each migration exactly once.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw asError(error);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrateDownAll(db: Kysely<any>): Promise<void> {
  const { error } = await migrator(db).migrateTo(NO_MIGRATIONS);
  if (error) throw asError(error);
}

/** True when every migration this build knows about has been applied. */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  try {
    return (await pendingMigrationNames(db)).length === 0;
  } catch {
    return false;
  }
}

/** The migrations this build knows that the database has not applied (all of them on an empty database). */
export async function pendingMigrationNames(db: Kysely<any>): Promise<string[]> {
  const exists = await sql<{ table: string | null }>`SELECT to_regclass('kysely_migration')::text AS table`.execute(db);
  if (!exists.rows[0]?.table) return Object.keys(migrations);
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
  const applied = new Set(rows.rows.map((r) => r.name));
  return Object.keys(migrations).filter((name) => !applied.has(name));
}
