import net from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@vouchsafe/test-support';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { createLogger } from '../logger';
import { createDatabaseMonitor, isDatabaseOutage, isUnavailableError } from './availability';
import { createDb } from './database';

/** Real errors from pg, pg-pool and Kysely, sorted into "the database is unavailable" and "a bug / an answer". */

let database: FreshDatabase;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The error `run` rejects with. */
async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>, config: pg.ClientConfig = {}): Promise<T> {
  const client = new pg.Client({ connectionString: database.url, ...config });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A TCP server on loopback that accepts connections and then does `onConnection` (nothing, or hang up). */
async function fakeServer(onConnection: (socket: net.Socket) => void): Promise<{ url: string; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgres://u:p@127.0.0.1:${port}/db`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('isUnavailableError', () => {
  it('is false for answers of a working server: constraint violations, syntax errors, bad data, bad credentials', async () => {
    const answers = await withClient(async (c) => [
      await errorOf(() => c.query('CREATE TEMP TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (1)')),
      await errorOf(() => c.query('SELEC 1')),
      await errorOf(() => c.query('SELECT 1 / 0')),
      await errorOf(() => c.query('SELECT * FROM no_such_table')),
    ]);
    expect(answers.map((e) => (e as { code?: string }).code)).toEqual(['23505', '42601', '22012', '42P01']);
    const wrongPassword = Object.assign(new URL(database.url), { password: 'wrong-password' }).href;
    const badPassword = await errorOf(() => withClient(async () => undefined, { connectionString: wrongPassword }));
    expect((badPassword as { code?: string }).code).toBe('28P01');
    for (const err of [...answers, badPassword, new Error('boom'), new TypeError('x is undefined'), undefined, 'text', { code: '40001' }]) {
      expect(isUnavailableError(err), String((err as Error)?.message ?? err)).toBe(false);
    }
  });

  it('is true for a terminated session, a refused connection, statement and client timeouts, a busy pool', async () => {
    const unavailable: unknown[] = [];
    await withClient(async (victim) => {
      const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const ended = new Promise((resolve) => victim.once('end', resolve));
      const sleeping = errorOf(() => victim.query('SELECT pg_sleep(10)'));
      await new Promise((r) => setTimeout(r, 200));
      await withClient((admin) => admin.query('SELECT pg_terminate_backend($1)', [pid]));
      unavailable.push(await sleeping); // 57P01
      await ended;
      unavailable.push(await errorOf(() => victim.query('SELECT 1'))); // not queryable any more
    });
    unavailable.push(await errorOf(() => withClient((c) => c.query("SET statement_timeout = '50ms'; SELECT pg_sleep(1)")))); // 57014
    unavailable.push(await errorOf(() => withClient((c) => c.query('SELECT pg_sleep(1)'), { query_timeout: 100 }))); // client deadline
    const closedPort = await freePort();
    unavailable.push(await errorOf(() => new pg.Client({ connectionString: `postgres://u:p@127.0.0.1:${closedPort}/db` }).connect()));
    unavailable.push(await errorOf(() => new pg.Client({ connectionString: `postgres://u:p@localhost:${closedPort}/db` }).connect()));

    // Long enough for the first connection on a busy machine; the second waits for the first to come back.
    const pool = new pg.Pool({ connectionString: database.url, max: 1, connectionTimeoutMillis: 2_000 });
    const held = await pool.connect();
    unavailable.push(await errorOf(() => pool.connect())); // acquire timeout
    held.release();
    await pool.end();
    unavailable.push(await errorOf(() => pool.connect())); // pool ended (shutdown)

    // A server that accepts TCP but never answers the start-up packet (a frozen postmaster), and one that hangs up.
    const silent = await fakeServer(() => undefined);
    const rude = await fakeServer((socket) => socket.destroy());
    try {
      unavailable.push(await errorOf(() => new pg.Client({ connectionString: silent.url, connectionTimeoutMillis: 100 }).connect()));
      const silentPool = new pg.Pool({ connectionString: silent.url, connectionTimeoutMillis: 100 });
      unavailable.push(await errorOf(() => silentPool.connect()));
      await silentPool.end();
      unavailable.push(await errorOf(() => new pg.Client({ connectionString: rude.url }).connect()));
    } finally {
      silent.close();
      rude.close();
    }

    const described = unavailable.map((e) => (e as { code?: string }).code ?? (e as Error).message);
    expect(described).toEqual([
      '57P01',
      'Client has encountered a connection error and is not queryable',
      '57014',
      'Query read timeout',
      'ECONNREFUSED',
      expect.stringMatching(/^ECONNREFUSED$|^$/), // localhost: one address or an AggregateError of several
      'timeout exceeded when trying to connect',
      'Cannot use a pool after calling end on the pool',
      'timeout expired',
      'Connection terminated due to connection timeout',
      'Connection terminated unexpectedly',
    ]);
    for (const err of unavailable) expect(isUnavailableError(err), described[unavailable.indexOf(err)]).toBe(true);
  });
});

describe('createDb', () => {
  it('bounds statements of a limited pool only, and marks its errors as the database’s', async () => {
    const limited = createDb(database.url, 1, { statementTimeoutMs: 1_500, acquireTimeoutMs: 5_000 }).db;
    const unlimited = createDb(database.url, 1).db;
    try {
      const show = async (db: typeof limited) =>
        (await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(db)).rows[0]!.statement_timeout;
      expect(await show(limited)).toBe('1500ms');
      expect(await show(unlimited)).toBe('0');

      const timeout = await errorOf(() => sql`SELECT pg_sleep(3)`.execute(limited));
      expect((timeout as { code?: string }).code).toBe('57014');
      expect(isDatabaseOutage(timeout)).toBe(true);
      expect(isDatabaseOutage(new Error('wrapped', { cause: timeout }))).toBe(true);
      // The same kind of error from elsewhere (a help desk's fetch) is not the database's outage.
      expect(isDatabaseOutage(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }))).toBe(false);
      // An answer of a working server is not an outage either.
      expect(isDatabaseOutage(await errorOf(() => sql`SELECT 1 / 0`.execute(limited)))).toBe(false);
    } finally {
      await limited.destroy();
      await unlimited.destroy();
    }
  });

  it('logs an outage once when it starts and once when the database answers again', async () => {
    const lines: { msg: string; failedAttempts?: number; cause?: { code?: string } }[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _e, cb) => (lines.push(JSON.parse(String(chunk))), cb()) }));
    const monitor = createDatabaseMonitor(logger);
    const { db } = createDb(database.url, 2, { statementTimeoutMs: 200, acquireTimeoutMs: 5_000, monitor });
    try {
      for (let i = 0; i < 3; i++) await errorOf(() => sql`SELECT pg_sleep(1)`.execute(db));
      await errorOf(() => sql`SELECT 1 / 0`.execute(db)); // an answer: the outage is over
      await sql`SELECT 1`.execute(db);
      await errorOf(() => sql`SELECT pg_sleep(1)`.execute(db));
    } finally {
      await db.destroy();
    }
    expect(lines.map((l) => l.msg)).toEqual([
      'database unavailable: answering 503 not_ready until it answers again',
      'database reachable again',
      'database unavailable: answering 503 not_ready until it answers again',
    ]);
    expect(lines[0]!.cause).toMatchObject({ code: '57014' });
    expect(lines[1]!.failedAttempts).toBe(3);
    expect(monitor.isDown).toBe(true);
  });
});
