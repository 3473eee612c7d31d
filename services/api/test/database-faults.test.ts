import { spawn } from 'node:child_process';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSecret, toBase64Url } from '@vouchsafe/crypto';
import {
  API_DIR,
  apiCliEntry,
  startApi,
  startPostgres,
  TEST_API_TOKEN,
  TEST_KEYS,
  type ApiProcess,
  type TestPostgres,
} from '@vouchsafe/test-support';
import { freshDatabase } from '@vouchsafe/test-support/vitest';
import { createDb } from '../src/db/database';
import { generateKeyEntry } from '../src/modules/keys/keyring';

/**
 * Issue 17: a database outage answers 503 `not_ready` with Retry-After, logged once per outage, never a 500 per
 * request; a frozen database does not hang requests or /readyz; a bug stays a 500. The API runs against a cluster of
 * this file's own, which the tests stop, restart and freeze (SIGSTOP) under their control.
 */

const OUTAGE = 'database unavailable: answering 503 not_ready until it answers again';
const RECOVERED = 'database reachable again';

let cluster: TestPostgres;
let databaseUrl: string;
let api: ApiProcess;
let createBody: string;

beforeAll(async () => {
  cluster = await startPostgres();
  databaseUrl = await cluster.createDatabase();
  api = await startApi({
    databaseUrl,
    env: {
      DATABASE_STATEMENT_TIMEOUT_MS: '1000',
      DATABASE_ACQUIRE_TIMEOUT_MS: '1000',
      VOUCHSAFE_READY_TIMEOUT_MS: '500',
      VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  const sealed = await sealSecret({ kind: 'text', text: 'fault' });
  createBody = JSON.stringify({ kind: 'text', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) });
});

afterAll(async () => {
  await api?.stop();
  await cluster?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Answer {
  status: number;
  retryAfter: string | null;
  json: { id?: string; status?: string; error?: { code: string; message: string; retryAfterSeconds?: number } };
}

/** Each request has a deadline of its own: a hanging answer fails the test instead of hanging it. */
async function call(pathname: string, init: RequestInit = {}, deadlineMs = 10_000): Promise<Answer> {
  const res = await fetch(`${api.url}${pathname}`, { ...init, signal: AbortSignal.timeout(deadlineMs) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: (await res.json()) as Answer['json'] };
}

const create = (deadlineMs?: number) =>
  call(
    '/api/v1/secrets',
    { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_TOKEN}` }, body: createBody },
    deadlineMs,
  );

const isReady = async () => (await call('/readyz').catch(() => ({ status: 0 }))).status === 200;

/** Log lines of the API so far, parsed. */
function logLines(): { level: string; msg: string; cause?: { code?: string; message?: string } }[] {
  return api
    .logs()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: string; msg: string });
}
const countOf = (msg: string) => logLines().filter((l) => l.msg === msg).length;

function expectOutageAnswer(a: Answer): void {
  expect(a.status, JSON.stringify(a.json)).toBe(503);
  expect(a.json.error).toMatchObject({ code: 'not_ready', retryAfterSeconds: 5 });
  expect(a.json.error?.message).toMatch(/cannot reach its database/);
  expect(a.retryAfter).toBe('5');
}

describe('a database outage', () => {
  it('Postgres stopped: every request answers 503 not_ready with Retry-After, the outage is logged once; it recovers on restart', async () => {
    expect((await create()).status).toBe(201);
    const before = { outages: countOf(OUTAGE), recoveries: countOf(RECOVERED), failures: countOf('request failed') };
    await cluster.stopServer();
    try {
      for (let i = 0; i < 10; i++) expectOutageAnswer(await create());
      expectOutageAnswer(await call('/api/v1/secrets/AAAAAAAAAAAAAAAAAAAAAA'));
      expect(await call('/readyz')).toMatchObject({ status: 503, json: { status: 'database unreachable' } });
      expect((await call('/healthz')).status).toBe(200); // liveness does not depend on the database
    } finally {
      await cluster.startServer();
    }
    await until('readyz 200 after the restart', isReady);
    expect((await create()).status).toBe(201);
    // Log lines come through the process's stdout, which may lag behind the HTTP answers.
    await until('the recovery log line', async () => countOf(RECOVERED) > before.recoveries);
    expect(countOf(OUTAGE) - before.outages).toBe(1);
    expect(countOf(RECOVERED) - before.recoveries).toBe(1);
    expect(countOf('request failed') - before.failures).toBe(0);
    const outage = logLines()
      .filter((l) => l.msg === OUTAGE)
      .at(-1)!;
    expect(outage.level).toBe('error');
    // Refused, reset, shutting down, terminated: whichever the first failing statement met.
    expect(outage.cause?.code ?? outage.cause?.message).toMatch(/^ECONN|^57P0|^08|^Connection terminated/);
  });

  it('a restart under load: requests answer 201 or 503, never 500, and the API recovers by itself', async () => {
    const statuses = new Map<number, number>();
    let isLoading = true;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (isLoading) {
          const a = await create().catch(() => ({ status: 0 }));
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          if (a.status !== 201) await sleep(50);
        }
      }),
    );
    await sleep(500);
    await cluster.stopServer();
    await sleep(1_000);
    await cluster.startServer();
    await sleep(1_500);
    isLoading = false;
    await load;
    const seen = Object.fromEntries(statuses);
    expect(Object.keys(seen).sort(), JSON.stringify(seen)).toEqual(['201', '503']);
    await until('readyz 200', isReady);
    expect((await create()).status).toBe(201);
    expect(logLines().filter((l) => l.level === 'fatal' || l.msg === 'request failed')).toEqual([]);
  });

  it('Postgres frozen (SIGSTOP): /readyz answers 503 within its deadline, requests 503 after the statement deadline', async () => {
    expect((await create()).status).toBe(201); // the pool holds open connections to the server about to freeze
    const recoveries = countOf(RECOVERED);
    await cluster.freeze();
    try {
      // Without the deadlines both of these waited for as long as the server stayed frozen.
      expect(await call('/readyz', {}, 3_000)).toMatchObject({ status: 503, json: { status: 'database not answering' } });
      expectOutageAnswer(await create(10_000));
      expect((await call('/healthz', {}, 3_000)).status).toBe(200);
    } finally {
      await cluster.thaw();
    }
    await until('readyz 200 after SIGCONT', isReady);
    expect((await create()).status).toBe(201);
    await until('the recovery log line', async () => countOf(RECOVERED) > recoveries);
    expect(countOf(RECOVERED)).toBe(recoveries + 1);
    expect(logLines().filter((l) => l.msg === 'request failed')).toEqual([]);
  });

  it('a statement a frozen server never answers fails after the client deadline, and its connection is not reused', async () => {
    const { db, pool } = createDb(databaseUrl, 1, { statementTimeoutMs: 300, acquireTimeoutMs: 1_000 });
    try {
      const pidBefore = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0]!.pid;
      await cluster.freeze();
      try {
        await expect(sql`SELECT 1`.execute(db)).rejects.toThrow('Query read timeout');
        expect(pool.totalCount).toBe(0); // dropped, not back in the pool with the abandoned statement still on it
      } finally {
        await cluster.thaw();
      }
      const pidAfter = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0]!.pid;
      expect(pidAfter).not.toBe(pidBefore);
    } finally {
      await db.destroy();
    }
  });

  it('a constraint violation is not an outage: it stays a 500 internal, logged with its error', async () => {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      await admin.query('ALTER TABLE secrets ADD CONSTRAINT test_refuses_everything CHECK (false) NOT VALID');
      const refused = await create();
      expect(refused.status).toBe(500);
      expect(refused.json.error?.code).toBe('internal');
      expect(refused.retryAfter).toBeNull();
      // The log line comes through the process's stdout, which may lag behind the HTTP answer.
      await until('the request failed log line', async () => countOf('request failed') > 0);
      const failed = logLines()
        .filter((l) => l.msg === 'request failed')
        .at(-1) as { err?: { code?: string } } | undefined;
      expect(failed?.err?.code).toBe('23514');
    } finally {
      await admin.query('ALTER TABLE secrets DROP CONSTRAINT IF EXISTS test_refuses_everything');
      await admin.end();
    }
    expect((await create()).status).toBe(201);
  });
});

describe('stopping while the database is frozen', () => {
  it('SIGTERM still stops the process: the drain and the clean-up do not wait for a server that never answers', async () => {
    const other = await startApi({
      databaseUrl,
      env: { DATABASE_STATEMENT_TIMEOUT_MS: '1000', DATABASE_ACQUIRE_TIMEOUT_MS: '1000', VOUCHSAFE_SHUTDOWN_GRACE_MS: '2000' },
    });
    try {
      expect((await fetch(`${other.url}/readyz`)).status).toBe(200);
      await cluster.freeze();
      const exited = other.exited();
      process.kill(other.pid, 'SIGTERM');
      const outcome = await Promise.race([exited, sleep(25_000).then(() => 'still running')]);
      expect(outcome, other.logs()).toBe(0);
      await until('the stopped log line', async () => other.logs().includes('"msg":"stopped"'), 5_000);
    } finally {
      await cluster.thaw();
      await other.stop();
    }
    await until('readyz 200 after SIGCONT', isReady);
  });
});

describe('the statement timeout leaves long legitimate work alone', () => {
  const MIGRATION_LOCK = '3853314791062309107'; // Kysely's migration advisory lock (PostgresAdapter, kysely 0.28)

  /** Resolves once a session of `database` waits for a lock (granted = false) matching `lock`, e.g. the advisory lock. */
  async function someoneWaitsFor(admin: pg.Client, database: string, lock: string): Promise<void> {
    await until('a session waiting for the lock', async () => {
      const { rows } = await admin.query(
        `SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE NOT l.granted AND d.datname = $1 AND ${lock}`,
        [database],
      );
      return rows.length > 0;
    });
  }

  it('migrations wait for another process holding the migration lock longer than the statement timeout', async () => {
    const database = await freshDatabase();
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    let other: ApiProcess | undefined;
    try {
      await holder.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
      const starting = startApi({ databaseUrl: database.url, env: { DATABASE_STATEMENT_TIMEOUT_MS: '200' } });
      starting.catch(() => undefined); // awaited below
      await someoneWaitsFor(holder, database.name, "l.locktype = 'advisory'");
      await sleep(1_000); // five statement timeouts
      await holder.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
      other = await starting;
      expect(other.logs()).toContain('"msg":"migrations applied"');
    } finally {
      await other?.stop();
      await holder.end();
      await database.drop();
    }
  });

  it('`keys rotate` waits for a table lock longer than DATABASE_STATEMENT_TIMEOUT_MS (admin commands are not limited)', async () => {
    expect((await create()).status).toBe(201); // something to re-wrap
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE secret_payloads IN ACCESS EXCLUSIVE MODE');
      const rotating = runCli(['keys', 'rotate'], {
        DATABASE_URL: databaseUrl,
        VOUCHSAFE_KEYS: `${generateKeyEntry('test2')},${TEST_KEYS}`,
        DATABASE_STATEMENT_TIMEOUT_MS: '200',
      });
      await someoneWaitsFor(holder, new URL(databaseUrl).pathname.slice(1), "l.relation = 'secret_payloads'::regclass");
      await sleep(1_000); // five statement timeouts
      await holder.query('COMMIT');
      const rotated = await rotating;
      expect(rotated.stderr).toBe('');
      expect(rotated.code, rotated.stdout).toBe(0);
      expect(rotated.stdout).toMatch(/Rotation complete: [1-9]\d* data keys re-wrapped/);
    } finally {
      await holder.end();
    }
  });
});

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [apiCliEntry(), ...args], {
      cwd: API_DIR,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
