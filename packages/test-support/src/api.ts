import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { API_DIR } from './repo';
import { spawnWatchdog } from './watchdog';

/** Keyring given to every API started by this process unless overridden: one 32-byte key with id `test1`. */
export const TEST_KEYS = `test1:${randomBytes(32).toString('base64')}`;
/**
 * Audit checkpoint signing key of every API started by this process unless overridden (issue 9):
 * `kid:base64url(Ed25519 PKCS#8 DER)`, kid `test-audit1`.
 */
export const TEST_AUDIT_SIGNING_KEY = `test-audit1:${generateKeyPairSync('ed25519')
  .privateKey.export({ format: 'der', type: 'pkcs8' })
  .toString('base64url')}`;
/**
 * Bearer token accepted by APIs started with the default environment (all scopes). Fixed, so every process of a run
 * (e2e workers, CLI children) agrees on it without passing it around, and shaped like a real one (32 bytes,
 * base64url): the API refuses shorter or patterned tokens.
 */
export const TEST_API_TOKEN = createHash('sha256').update('vouchsafe test API token').digest('base64url');
/** `VOUCHSAFE_API_TOKENS` of APIs started with the default environment: TEST_API_TOKEN named `test`, every scope. */
export const TEST_API_TOKENS = `test:secrets+admin+metrics:${TEST_API_TOKEN}`;

const API_MAIN = path.join(API_DIR, 'src', 'main.ts');
const READY_POLL_MS = 50;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_LOG_LINES = 200_000;

export interface StartApiOptions {
  databaseUrl: string;
  /** Extra environment; wins over the defaults. */
  env?: Record<string, string>;
  /** Default variables to leave out (e.g. `VOUCHSAFE_KEYS` for a process whose keys are all in an HSM). */
  unsetEnv?: string[];
  /** Listen on this port instead of a random free one. */
  port?: number;
  /** Script to run instead of `services/api/src/main.ts` (same contract: PORT, /readyz, SIGTERM). */
  entry?: string;
  /**
   * Modules preloaded with `node --import` after tsx, e.g. the Duo interception
   * (`imports: [DUO_INTERCEPT_MODULE], env: { VOUCHSAFE_TEST_DUO_STANDIN: duo.url }`). Paths or file URLs.
   */
  imports?: string[];
}

export interface ApiProcess {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far, one line per line. */
  logs(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (null if it died by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Graceful stop: SIGTERM, then SIGKILL if it has not exited after 10 s. Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the process has exited, whoever stopped it (null if it died by a signal). */
  exited(): Promise<number | null>;
}

/** API processes not yet reaped, killed if this process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves true once the child has exited, or false after `timeoutMs` (wait forever without one). */
function waitForExit(child: ChildProcess, timeoutMs?: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function collectLines(stream: NodeJS.ReadableStream | null, lines: string[]): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > MAX_LOG_LINES) lines.splice(0, lines.length - MAX_LOG_LINES);
  });
  stream.on('end', () => {
    if (partial) lines.push(partial);
    partial = '';
  });
}

async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Spawns the real API (`node --import tsx services/api/src/main.ts`) with a minimal, explicit environment and
 * resolves once `GET /readyz` answers 200. Throws with the captured output if it exits or is not ready in 30 s.
 */
export async function startApi(opts: StartApiOptions): Promise<ApiProcess> {
  installExitHook();
  const port = opts.port ?? (await freePort());
  const entry = opts.entry ?? API_MAIN;
  const checkpointDir = mkdtempSync(path.join(tmpdir(), 'vs-checkpoints-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    DATABASE_URL: opts.databaseUrl,
    PORT: String(port),
    VOUCHSAFE_KEYS: TEST_KEYS,
    VOUCHSAFE_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    // Required in production, and never the repository's .data folder for a test: a folder of its own per process.
    VOUCHSAFE_AUDIT_CHECKPOINT_DIR: checkpointDir,
    VOUCHSAFE_API_TOKENS: TEST_API_TOKENS,
    VOUCHSAFE_LOG_LEVEL: 'info',
    // Explicit, as the harness does: single_admin (changes apply at once) for test processes; production refuses it,
    // so a process started with NODE_ENV=production runs four_eyes and its tests do the two-person flow.
    VOUCHSAFE_APPROVALS: opts.env?.NODE_ENV === 'production' ? 'four_eyes' : 'single_admin',
    ...opts.env,
  };
  for (const name of opts.unsetEnv ?? []) delete env[name];
  // cwd is services/api so `--import tsx` resolves the API's own tsx, as `pnpm --filter @vouchsafe/api start` would.
  const preloads = (opts.imports ?? []).flatMap((m) => ['--import', m]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...preloads, entry], {
    cwd: API_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  const lines: string[] = [];
  collectLines(child.stdout, lines);
  collectLines(child.stderr, lines);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  // Stops the API if this process is SIGKILLed (no exit hook runs then).
  const watchdog = child.pid ? spawnWatchdog({ pid: child.pid, cmdlineContains: entry, signal: 'TERM', graceSeconds: 5 }) : undefined;
  const logs = (): string => lines.join('\n');

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let failure: string | undefined;
  for (;;) {
    if (exited(child)) {
      failure = `exited with ${child.exitCode ?? child.signalCode} before it was ready`;
      break;
    }
    if (spawnError) {
      failure = `could not be spawned: ${spawnError.message}`;
      break;
    }
    if (await isReady(url)) break;
    if (Date.now() > deadline) {
      failure = `GET ${url}/readyz did not answer 200 within ${READY_TIMEOUT_MS / 1000} s`;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }

  const kill = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (!exited(child)) {
      child.kill(signal);
      await waitForExit(child);
    }
    watchdog?.kill('SIGKILL');
    rmSync(checkpointDir, { recursive: true, force: true });
    return child.exitCode;
  };
  const stop = async (): Promise<number | null> => {
    if (!exited(child)) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) child.kill('SIGKILL');
    }
    return kill('SIGKILL');
  };

  if (failure !== undefined) {
    await stop();
    throw new Error(`startApi: ${entry} ${failure}\n--- API output ---\n${logs()}`);
  }

  const exitedPromise = waitForExit(child).then(() => {
    watchdog?.kill('SIGKILL');
    return child.exitCode;
  });
  return { url, port, pid: child.pid ?? -1, logs, kill, stop, exited: () => exitedPromise };
}
