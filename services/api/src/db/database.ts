import { Kysely, Migrator, NO_MIGRATIONS, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema types apply */
import { migrations } from '@vouchsafe/migrations';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

// bigint (int8) as string: audit chain indexes and sequence numbers must not lose precision.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export function createDb(connectionString: string, poolSize = 20): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: 'vouchsafe-api',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: pg-pool detaches its listener while a client is lent out, so a connection
  // that dies between two statements (server restart, failover, pg_terminate_backend) emitted 'error' with
  // no listener and took the whole process down. Now its next query fails and the pool drops it on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * Kysely's migrator takes a Postgres advisory lock inside a transaction, so several API
 * processes starting at once against one database apply each migration exactly once.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function migrateDownAll(db: Kysely<any>): Promise<void> {
  const { error } = await migrator(db).migrateTo(NO_MIGRATIONS);
  if (error) throw error;
}

/** True when every migration this build knows about has been applied. */
export async function isMigrated(db: Kysely<any>): Promise<boolean> {
  const known = Object.keys(migrations);
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
    const applied = new Set(rows.rows.map((r) => r.name));
    return known.every((name) => applied.has(name));
  } catch {
    return false;
  }
}
