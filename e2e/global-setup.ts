import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import {
  REPO_ROOT,
  TEST_API_TOKEN,
  ensureChromium,
  startApi,
  startPostgres,
  type ApiProcess,
} from '@vouchsafe/test-support';

const PORTAL_DIST = path.join(REPO_ROOT, 'apps', 'portal', 'dist');
const LOG_MIRROR_MS = 200;

function ensurePortalBuilt(): void {
  if (existsSync(path.join(PORTAL_DIST, 'index.html'))) return;
  console.log('e2e: apps/portal/dist is missing; building the portal');
  const result = spawnSync('npx', ['pnpm@12.4.2', '--filter', '@vouchsafe/portal', 'build'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0 || !existsSync(path.join(PORTAL_DIST, 'index.html'))) {
    throw new Error(`e2e: building @vouchsafe/portal failed (exit ${result.status ?? result.signal})`);
  }
}

/** One throwaway Postgres and one API process (serving the built portal) for the whole run. */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  process.env.CHROMIUM_PATH = await ensureChromium();
  ensurePortalBuilt();

  const pg = await startPostgres();
  let api: ApiProcess;
  try {
    api = await startApi({
      databaseUrl: await pg.createDatabase(),
      env: { VOUCHSAFE_PORTAL_DIR: PORTAL_DIST },
    });
  } catch (error) {
    await pg.stop();
    throw error;
  }
  process.env.VOUCHSAFE_E2E_URL = api.url;
  process.env.VOUCHSAFE_E2E_TOKEN = TEST_API_TOKEN;

  // The API's log, mirrored to a file while the run lasts so tests (in worker processes) can read it:
  // see readApiLog() in tests/support/vault.ts. Playwright clears outputDir before globalSetup, not after.
  const outputDir = config.projects[0]?.outputDir ?? path.join(import.meta.dirname, 'test-results');
  const logPath = path.join(outputDir, 'api.log');
  process.env.VOUCHSAFE_E2E_API_LOG = logPath;
  let mirrored = -1;
  const mirrorLog = () => {
    const text = api.logs();
    if (text.length === mirrored) return;
    // Write then rename, so a reader never sees a half-written file.
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(`${logPath}.tmp`, `${text}\n`);
    renameSync(`${logPath}.tmp`, logPath);
    mirrored = text.length;
  };
  mirrorLog();
  const mirror = setInterval(() => {
    try {
      mirrorLog();
    } catch (error) {
      console.warn(`e2e: could not mirror the API log to ${logPath}: ${String(error)}`);
    }
  }, LOG_MIRROR_MS);
  mirror.unref();

  return async () => {
    clearInterval(mirror);
    const code = await api.stop();
    // Keep the API's log with the other artifacts: failed tests usually need it.
    await mkdir(outputDir, { recursive: true });
    await writeFile(logPath, `${api.logs()}\n`);
    if (code !== 0) console.warn(`e2e: the API exited with ${code} after SIGTERM; its log is in ${logPath}`);
    await pg.stop();
  };
}
