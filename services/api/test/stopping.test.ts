import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, isPortOpen, REPO_ROOT, startApi, TEST_API_TOKENS, TEST_AUDIT_SIGNING_KEY, TEST_KEYS } from '@vouchsafe/test-support';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { COPY_WINDOW_MS } from '../src/stop-signals';
import { startSlowCreate } from './slow-request';

/**
 * Issue 17: stopping under `npm start` / `pnpm start`. A Ctrl-C reaches the API twice (from the terminal and from
 * the start script); a second stop request must not cut off requests in flight, a third forces; a SIGTERM that only
 * the start script (or only pnpm) gets must still stop the API. Each case holds a slow request open across the stop.
 */

const START_SCRIPT = path.join(REPO_ROOT, 'scripts', 'start.mjs');
const SHUTTING_DOWN = 'shutting down: no new connections, draining requests';

let database: FreshDatabase;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string | (() => string),
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(50);
  }
}

/** The `msg` of every JSON log line in `output`. */
function messages(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);
}

const count = (output: string, msg: string) => messages(output).filter((m) => m === msg).length;

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

describe('the API process', () => {
  it('drains when one stop request arrives twice (the terminal and the start script both send it)', async () => {
    const api = await startApi({ databaseUrl: database.url });
    const slow = await startSlowCreate(api.url);
    const exit = api.exited();
    process.kill(api.pid, 'SIGINT');
    // The copy comes after the first was handled, as the start script's does (two signals sent back to back would
    // merge into one pending signal and prove nothing).
    await until('the shutdown log line', () => (api.logs().includes(SHUTTING_DOWN) ? true : undefined));
    process.kill(api.pid, 'SIGINT');
    await sleep(200);
    const created = await slow.finish();
    expect(created.status).toBe(201);
    expect(await exit).toBe(0);
    // The last lines may still be on their way through the pipe when the exit is seen.
    await until('the stopped log line', () => (messages(api.logs()).includes('stopped') ? true : undefined), 5_000);
    expect(count(api.logs(), SHUTTING_DOWN)).toBe(1);
    expect(api.logs()).not.toContain('forced stop');
  });

  it('keeps draining on a second stop request and stops at once on the third, saying so', async () => {
    const api = await startApi({ databaseUrl: database.url, env: { VOUCHSAFE_SHUTDOWN_GRACE_MS: '60000' } });
    const slow = await startSlowCreate(api.url);
    let exitCode: number | null | undefined;
    const exit = api.exited().then((code) => (exitCode = code));
    process.kill(api.pid, 'SIGTERM');
    await until('the shutdown log line', () => (api.logs().includes(SHUTTING_DOWN) ? true : undefined));
    await sleep(COPY_WINDOW_MS + 100);
    process.kill(api.pid, 'SIGTERM');
    await until('the second request to be reported', () => (api.logs().includes('already shutting down') ? true : undefined));
    await sleep(COPY_WINDOW_MS + 100);
    expect(exitCode).toBeUndefined(); // still draining the slow request
    process.kill(api.pid, 'SIGTERM');
    await exit;
    expect(exitCode).toBe(128 + 15);
    await until(
      'the forced stop log line',
      () => (api.logs().includes('forced stop: exiting now without waiting for requests in flight') ? true : undefined),
      5_000,
    );
    expect(api.logs()).not.toContain('"msg":"stopped"');
    await expect(slow.finish()).rejects.toThrow();
  });
});

interface Started {
  /** The process the test spawned (the start script, or the stand-in for pnpm around it). */
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves once every process that shares our stdout (runner, start script, API) has exited. */
  allGone: Promise<void>;
}

const started: Started[] = [];
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const s of started.splice(0)) {
    // The whole group the test created, by its id (the start script and the API, if something is left).
    if (s.child.pid) {
      try {
        process.kill(-s.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const c of cleanups.splice(0)) c();
});

/**
 * Runs `node scripts/start.mjs` in a process group of its own (as a terminal would) without installing or building
 * (VOUCHSAFE_START_SKIP_BUILD). With `viaRunner`, a stand-in for pnpm/npm runs it: a node process that, like them,
 * exits on SIGTERM without passing the signal on.
 */
async function runStartScript(env: Record<string, string>, opts: { viaRunner?: boolean; readyTimeoutMs?: number } = {}): Promise<Started> {
  const port = await freePort();
  const runner = `require('node:child_process').spawn(process.execPath, [${JSON.stringify(START_SCRIPT)}], { stdio: 'inherit' })`;
  const child = spawn(process.execPath, opts.viaRunner ? ['-e', runner] : [START_SCRIPT], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'test',
      PORT: String(port),
      VOUCHSAFE_API_TOKENS: TEST_API_TOKENS,
      VOUCHSAFE_START_SKIP_BUILD: 'true',
      VOUCHSAFE_LOG_LEVEL: 'info',
      ...env,
    },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const allGone = new Promise<void>((resolve) => child.stdout.once('close', () => resolve()));
  const s: Started = { child, url: `http://127.0.0.1:${port}`, output: () => output, allGone };
  started.push(s);
  await until(
    () => `the API started by start.mjs to be ready\n${output}`,
    async () => ((await isReady(s.url)) ? true : undefined),
    opts.readyTimeoutMs ?? 30_000,
  );
  return s;
}

async function expectDrainedAndStopped(s: Started, slow: Awaited<ReturnType<typeof startSlowCreate>>): Promise<void> {
  await until('the shutdown log line', () => (s.output().includes(SHUTTING_DOWN) ? true : undefined));
  expect(await isReady(s.url)).toBe(false); // no new connections while draining
  const created = await slow.finish();
  expect(created.status, s.output()).toBe(201);
  await s.allGone;
  expect(count(s.output(), SHUTTING_DOWN)).toBe(1);
  expect(messages(s.output())).toContain('stopped');
  expect(s.output()).not.toContain('forced stop');
}

describe('npm start / pnpm start (scripts/start.mjs)', () => {
  const databaseEnv = () => ({
    DATABASE_URL: database.url,
    VOUCHSAFE_KEYS: TEST_KEYS,
    VOUCHSAFE_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    VOUCHSAFE_AUDIT_CHECKPOINT_DIR: mkdtempSync(path.join(tmpdir(), 'vs-stop-checkpoints-')),
  });

  it('Ctrl-C to the whole process group: the API drains its slow request and stops, the script exits 0', async () => {
    const s = await runStartScript(databaseEnv());
    const slow = await startSlowCreate(s.url);
    const exit = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
    process.kill(-s.child.pid!, 'SIGINT');
    await expectDrainedAndStopped(s, slow);
    expect(await exit).toBe(0);
  });

  it('SIGTERM to the start script alone reaches the API, which drains and stops', async () => {
    const s = await runStartScript(databaseEnv());
    const slow = await startSlowCreate(s.url);
    const exit = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
    process.kill(s.child.pid!, 'SIGTERM');
    await expectDrainedAndStopped(s, slow);
    expect(await exit).toBe(0);
  });

  it('SIGTERM to pnpm alone (which exits without passing it on): the orphaned start script stops the API', async () => {
    const s = await runStartScript(databaseEnv(), { viaRunner: true });
    const slow = await startSlowCreate(s.url);
    process.kill(s.child.pid!, 'SIGTERM');
    await expectDrainedAndStopped(s, slow);
    expect(s.output()).toContain('The command that started Vouchsafe has exited');
  });

  it('embedded mode: Ctrl-C to the group does not reach the embedded Postgres before the API has drained', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'vouchsafe-stop-'));
    const pgPort = await freePort();
    cleanups.push(() => {
      // Left running only if the test failed: stop it by the pid in its own pid file.
      const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
      if (existsSync(pidFile)) {
        try {
          process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGQUIT');
        } catch {
          // already gone
        }
      }
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
    });
    const s = await runStartScript(
      { VOUCHSAFE_DATA_DIR: dataDir, VOUCHSAFE_EMBEDDED_PG_PORT: String(pgPort), VOUCHSAFE_DEMO: 'false' },
      { readyTimeoutMs: 90_000 },
    );
    const slow = await startSlowCreate(s.url);
    process.kill(-s.child.pid!, 'SIGINT');
    await expectDrainedAndStopped(s, slow);
    // The API's shutdown stopped its Postgres (after the drain).
    expect(await isPortOpen(pgPort)).toBe(false);
  }, 150_000);
});
