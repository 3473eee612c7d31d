import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { API_DIR, TEST_API_TOKEN } from '@vouchsafe/test-support';

const execFileAsync = promisify(execFile);
const CLI_MAIN = path.join(API_DIR, 'src', 'cli', 'main.ts');

export interface CliResult {
  stdout: string;
  stderr: string;
}

/** Runs the `vouchsafe` CLI (from source, via tsx) with `args`; rejects with its output if it exits non-zero. */
export async function runCli(args: readonly string[]): Promise<CliResult> {
  try {
    return await execFileAsync(process.execPath, ['--import', 'tsx', CLI_MAIN, ...args], {
      cwd: API_DIR, // where the API's own tsx is installed
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
      timeout: 30_000,
      encoding: 'utf8',
    });
  } catch (error) {
    const { stdout = '', stderr = '', code } = error as { stdout?: string; stderr?: string; code?: unknown };
    throw new Error(`vouchsafe ${args.join(' ')} failed (${String(code)})\n${stderr}${stdout}`, { cause: error });
  }
}

export interface CreateSecretOptions {
  /** API base URL; default the run's API (`VOUCHSAFE_E2E_URL`). */
  api?: string;
  token?: string;
  /** More CLI flags, e.g. `['--ttl', '10m']`. */
  args?: readonly string[];
}

/** `vouchsafe secret create --text <text>` against the run's API; resolves with the link (stdout's last line). */
export async function createSecretLink(text: string, opts: CreateSecretOptions = {}): Promise<string> {
  const api = opts.api ?? process.env.VOUCHSAFE_E2E_URL;
  if (!api) throw new Error('createSecretLink: no API URL (VOUCHSAFE_E2E_URL is set by the e2e globalSetup)');
  const { stdout } = await runCli([
    'secret',
    'create',
    '--text',
    text,
    '--api',
    api,
    '--token',
    opts.token ?? TEST_API_TOKEN,
    ...(opts.args ?? []),
  ]);
  const lines = stdout.trim().split('\n');
  const link = lines[lines.length - 1]?.trim();
  if (!link) throw new Error(`vouchsafe secret create printed nothing\n${stdout}`);
  return link;
}
