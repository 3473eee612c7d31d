import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSecret, toBase64Url } from '@vouchsafe/crypto';
import {
  API_DIR,
  freePort,
  startApi,
  TEST_API_TOKEN,
  TEST_API_TOKENS,
  TEST_AUDIT_SIGNING_KEY,
  TEST_KEYS,
  type ApiProcess,
} from '@vouchsafe/test-support';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { createDb } from '../src/db/database';

/** The process contract: health endpoints, graceful drain on SIGTERM, refusing to start without what it needs. */

const API_MAIN = path.join(API_DIR, 'src', 'main.ts');

let database: FreshDatabase;
let apiProcess: ApiProcess;

beforeAll(async () => {
  database = await freshDatabase();
  apiProcess = await startApi({ databaseUrl: database.url });
});

afterAll(async () => {
  await apiProcess?.stop();
  await database?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function get(url: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, json: await res.json() };
}

/** Runs the API entry point directly with exactly `env` (startApi always supplies VOUCHSAFE_KEYS). */
function runApiDirectly(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', API_MAIN], {
      cwd: API_DIR,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a running API process', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await get(`${apiProcess.url}/healthz`)).toEqual({ status: 200, json: { status: 'ok' } });
    expect(await get(`${apiProcess.url}/readyz`)).toEqual({ status: 200, json: { status: 'ready' } });
  });

  it('answers /readyz 503 while its database refuses connections, and recovers', async () => {
    const admin = new pg.Client({ connectionString: Object.assign(new URL(database.url), { pathname: '/postgres' }).href });
    await admin.connect();
    const name = pg.escapeIdentifier(database.name);
    try {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database.name]);
      const down = await until('readyz 503', async () => {
        const r = await get(`${apiProcess.url}/readyz`);
        return r.status === 503 ? r : undefined;
      });
      expect(down.json).toEqual({ status: 'database unreachable' });
      // Liveness does not depend on the database: an orchestrator must not restart a process for an outage.
      expect(await get(`${apiProcess.url}/healthz`)).toEqual({ status: 200, json: { status: 'ok' } });
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    await until('readyz 200 again', async () => ((await get(`${apiProcess.url}/readyz`)).status === 200 ? true : undefined));
    expect(apiProcess.logs()).not.toContain('"level":"fatal"');
  });

  it('survives its database connections being killed under load', async () => {
    // Its own process, sealing the audit chain every 50 ms: more transactions open between two statements.
    const victim = await startApi({
      databaseUrl: database.url,
      env: { VOUCHSAFE_SEAL_INTERVAL_MS: '50', VOUCHSAFE_PURGE_INTERVAL_MS: '100', VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    const admin = new pg.Client({ connectionString: Object.assign(new URL(database.url), { pathname: '/postgres' }).href });
    await admin.connect();
    let exitCode: number | null;
    try {
      const sealed = await sealSecret({ kind: 'text', text: 'blip' });
      const create = JSON.stringify({ kind: 'text', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) });
      const statuses = new Map<string, number>();
      const tally = (k: string) => statuses.set(k, (statuses.get(k) ?? 0) + 1);
      let stop = false;
      const load = Promise.all(
        Array.from({ length: 6 }, async () => {
          while (!stop) {
            try {
              const res = await fetch(`${victim.url}/api/v1/secrets`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_TOKEN}` },
                body: create,
              });
              await res.text();
              tally(`create ${res.status}`);
              const ready = await fetch(`${victim.url}/readyz`);
              await ready.text();
              tally(`readyz ${ready.status}`);
            } catch {
              tally('network error');
              await sleep(100);
            }
          }
        }),
      );
      // Like a failover or a DBA's pg_terminate_backend: every connection of the API dies, again and again.
      for (let i = 0; i < 20; i++) {
        await sleep(100 + Math.random() * 150);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
          database.name,
        ]);
      }
      stop = true;
      await load;
      const seen = Object.fromEntries(statuses);
      // A request whose connection is cut mid-statement may fail, as an outage (503 not_ready), never as a bug (500);
      // the process must not fail.
      expect(
        Object.keys(seen).filter((k) => !['create 201', 'create 503', 'readyz 200', 'readyz 503'].includes(k)),
        JSON.stringify(seen),
      ).toEqual([]);
      expect(seen['create 201'], JSON.stringify(seen)).toBeGreaterThan(0);
      expect(await get(`${victim.url}/healthz`)).toEqual({ status: 200, json: { status: 'ok' } });
      await until('readyz 200', async () => ((await get(`${victim.url}/readyz`)).status === 200 ? true : undefined));
      const after = await fetch(`${victim.url}/api/v1/secrets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_TOKEN}` },
        body: create,
      });
      expect(after.status).toBe(201);
      expect(victim.logs()).not.toMatch(/"level":"fatal"|Emitted 'error' event|uncaught/i);
    } finally {
      await admin.end();
      exitCode = await victim.stop();
    }
    expect(exitCode).toBe(0);
  });

  it('drains on SIGTERM: an in-flight 5 MiB create finishes with 201, new connections are refused, exit 0', async () => {
    const sealed = await sealSecret({
      kind: 'file',
      name: 'statement.pdf',
      type: 'application/pdf',
      bytes: new Uint8Array(5 * 1024 * 1024).fill(7),
    });
    const body = Buffer.from(
      JSON.stringify({ kind: 'file', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck) }),
    );
    const req = http.request(`${apiProcess.url}/api/v1/secrets`, {
      agent: new http.Agent({ keepAlive: true }),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        authorization: `Bearer ${TEST_API_TOKEN}`,
        // The server answers "100 Continue" once it has parsed the headers and handed the request to the app:
        // from then on the request is in flight, whatever the machine's load.
        expect: '100-continue',
      },
    });
    const socketClosedAt = new Promise<number>((resolve) => {
      req.on('socket', (socket) => socket.once('close', () => resolve(Date.now())));
    });
    const accepted = new Promise<void>((resolve) => req.once('continue', () => resolve()));
    const response = new Promise<{ status: number; json: { id?: string } }>((resolve, reject) => {
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) as { id?: string } }));
        res.on('error', reject);
      });
    });
    response.catch(() => undefined); // awaited below; an early failure must not be an unhandled rejection
    req.flushHeaders();
    await accepted;
    req.write(body.subarray(0, 1024 * 1024));

    const exitCode = apiProcess.kill('SIGTERM');
    await until('the shutdown log line', async () => (apiProcess.logs().includes('shutting down') ? true : undefined));
    // No longer accepting connections, while the request above is still open.
    await expect(fetch(`${apiProcess.url}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();

    req.end(body.subarray(1024 * 1024));
    const created = await response;
    const answeredAt = Date.now();
    expect(created.status).toBe(201);
    expect(await exitCode).toBe(0);
    // Our agent keeps connections alive: the drain must close this one as soon as its response is out,
    // not leave it open until the server's 5 s keep-alive timeout.
    expect((await socketClosedAt) - answeredAt).toBeLessThan(2_000);
    expect(apiProcess.logs()).toContain('"msg":"stopped"');

    const { db } = createDb(database.url, 1);
    try {
      const row = await db
        .selectFrom('secrets')
        .innerJoin('secret_payloads', 'secret_payloads.secret_id', 'secrets.id')
        .select(['secrets.size_bytes'])
        .where('secrets.id', '=', created.json.id!)
        .executeTakeFirst();
      expect(row).toEqual({ size_bytes: sealed.ciphertext.length });
    } finally {
      await db.destroy();
    }
  });
});

describe('refusing to start', () => {
  it('exits 78 naming VOUCHSAFE_KEYS when DATABASE_URL is set without it', async () => {
    const r = await runApiDirectly({ DATABASE_URL: database.url, PORT: String(await freePort()) });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/VOUCHSAFE_KEYS is required when DATABASE_URL is set/);
    expect(r.stderr).toContain('keys generate');
  });

  it('exits 78 naming VOUCHSAFE_AUDIT_SIGNING_KEY when DATABASE_URL is set without it, never echoing a bad value', async () => {
    const missing = await runApiDirectly({ DATABASE_URL: database.url, VOUCHSAFE_KEYS: TEST_KEYS, PORT: String(await freePort()) });
    expect(missing.code).toBe(78);
    expect(missing.stderr).toMatch(/VOUCHSAFE_AUDIT_SIGNING_KEY is required when DATABASE_URL is set/);
    expect(missing.stderr).toContain('keys generate --audit');
    const bad = 'a1:bm90LWEta2V5LWF0LWFsbC1qdXN0LWJ5dGVz';
    const malformed = await runApiDirectly({
      DATABASE_URL: database.url,
      VOUCHSAFE_KEYS: TEST_KEYS,
      VOUCHSAFE_AUDIT_SIGNING_KEY: bad,
      PORT: String(await freePort()),
    });
    expect(malformed.code).toBe(78);
    expect(malformed.stderr).toMatch(/VOUCHSAFE_AUDIT_SIGNING_KEY \(kid a1\) is not a PKCS#8 private key/);
    expect(malformed.stderr).not.toContain(bad.slice(3));
  });

  it('exits 78 with a clear message when VOUCHSAFE_KEYS is set but empty', async () => {
    const r = await runApiDirectly({ DATABASE_URL: database.url, VOUCHSAFE_KEYS: ' ', PORT: String(await freePort()) });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/VOUCHSAFE_KEYS is set but empty/);
    expect(r.stderr).toContain('keys generate');
  });

  it('exits non-zero with the connection error when the database is unreachable (it migrates before listening)', async () => {
    const closedPort = await freePort();
    const password = `pw-${randomUUID()}`;
    const r = await runApiDirectly({
      DATABASE_URL: `postgres://vouchsafe:${password}@127.0.0.1:${closedPort}/vouchsafe`,
      VOUCHSAFE_KEYS: TEST_KEYS,
      VOUCHSAFE_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
      PORT: String(await freePort()),
    });
    expect(r.code).toBe(1);
    const fatal = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string; err?: { message?: string; code?: string } })
      .find((l) => l.level === 'fatal');
    expect(fatal).toMatchObject({
      msg: 'start-up failed',
      err: { message: expect.stringContaining(`Cannot migrate the database at 127.0.0.1:${closedPort} (ECONNREFUSED): is it reachable`) },
    });
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(r.stdout).not.toContain('listening');
  });

  it('exits 78 naming the API-token entry, never echoing the token, for an old-format or weak token', async () => {
    const oldFormat = 'my-old-integration-token';
    const weak = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    for (const [value, message] of [
      [oldFormat, /VOUCHSAFE_API_TOKENS entry 1 is not "name:scopes:token"/],
      [`${TEST_API_TOKENS},ci-sender:secrets:${weak}`, /VOUCHSAFE_API_TOKENS entry "ci-sender": the token does not look random/],
    ] as const) {
      const r = await runApiDirectly({
        DATABASE_URL: database.url,
        VOUCHSAFE_KEYS: TEST_KEYS,
        VOUCHSAFE_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
        VOUCHSAFE_API_TOKENS: value,
        PORT: String(await freePort()),
      });
      expect(r.code).toBe(78);
      expect(r.stderr).toMatch(message);
      expect(r.stdout + r.stderr).not.toContain(oldFormat);
      expect(r.stdout + r.stderr).not.toContain(weak);
      expect(r.stdout + r.stderr).not.toContain(TEST_API_TOKEN);
    }
  });
});

describe('API tokens made by the CLI', () => {
  it('`keys generate --token NAME --scopes` prints an entry (last line) the API starts with, scoped as asked', async () => {
    const cli = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [path.join(API_DIR, 'bin', 'vouchsafe.mjs'), 'keys', 'generate', '--token', 'ci-sender', '--scopes', 'secrets,metrics'],
        {
          cwd: API_DIR,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(cli.code).toBe(0);
    const entry = cli.stdout.trim().split('\n').at(-1)!;
    expect(entry).toMatch(/^ci-sender:secrets\+metrics:[A-Za-z0-9_-]{43}$/);
    const token = entry.split(':')[2]!;
    const scoped = await startApi({ databaseUrl: database.url, env: { VOUCHSAFE_API_TOKENS: entry, VOUCHSAFE_JOBS: 'false' } });
    try {
      const auth = { authorization: `Bearer ${token}` };
      expect((await fetch(`${scoped.url}/metrics`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${scoped.url}/api/v1/admin/tenants`, { headers: auth })).status).toBe(403);
      expect((await fetch(`${scoped.url}/metrics`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } })).status).toBe(401);
      expect(scoped.logs()).not.toContain(token);
    } finally {
      await scoped.stop();
    }
  });
});
