import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { apiCliEntry } from '@vouchsafe/test-support';
import { startDeskStandIns, type StartedDeskStandIns } from '@vouchsafe/test-support/desks';
import { TOKEN, startTestApp, type TestApp } from './harness';

/** Shared setup for the CLI tests: the real `vouchsafe` process against the API over HTTP. */

/** The run's build of the CLI (vitest-api-build-setup), else bin/vouchsafe.mjs. */
const BIN = apiCliEntry();

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliWorld {
  t: TestApp;
  desks: StartedDeskStandIns;
  /** Temporary working directory of the CLI process, removed after the suite. */
  dir: string;
  cli(args: string[], stdin?: string): Promise<CliResult>;
}

/**
 * Registers beforeAll/afterAll that start desk stand-ins and the test app in a fresh temp dir
 * (named with `tmpPrefix`). The returned world's fields are set once beforeAll has run.
 */
export function useCliWorld(tmpPrefix: string): CliWorld {
  const w = {
    cli(args: string[], stdin?: string): Promise<CliResult> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], {
          cwd: w.dir,
          env: { PATH: process.env.PATH, VOUCHSAFE_API_URL: w.t.url, VOUCHSAFE_TOKEN: TOKEN, INIT_CWD: w.dir },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(stdin ?? '');
      });
    },
  } as CliWorld;

  beforeAll(async () => {
    w.dir = mkdtempSync(path.join(tmpdir(), tmpPrefix));
    w.desks = await startDeskStandIns();
    w.t = await startTestApp();
  });
  afterAll(async () => {
    await w.t?.close();
    await w.desks?.close();
    if (w.dir) rmSync(w.dir, { recursive: true, force: true });
  });
  return w;
}
