import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

  return async () => {
    const code = await api.stop();
    // Keep the API's log with the other artifacts: failed tests usually need it.
    const outputDir = config.projects[0]?.outputDir ?? path.join(import.meta.dirname, 'test-results');
    const logPath = path.join(outputDir, 'api.log');
    await mkdir(outputDir, { recursive: true });
    await writeFile(logPath, `${api.logs()}\n`);
    if (code !== 0) console.warn(`e2e: the API exited with ${code} after SIGTERM; its log is in ${logPath}`);
    await pg.stop();
  };
}
