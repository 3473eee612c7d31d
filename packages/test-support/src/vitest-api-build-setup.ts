import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { API_DIST_ENV } from './api-entry';
import { API_DIR } from './repo';

/**
 * vitest `globalSetup` for suites that spawn the API or its CLI: builds the API once per run (`node
 * scripts/build.mjs`, esbuild, a second or two) and points `startApi` and `apiCliEntry()` at the build through
 * VOUCHSAFE_TEST_API_DIST (inherited by the workers). Every run rebuilds, so tests never see a stale `dist`.
 */
export default function setup(): () => void {
  const build = spawnSync(process.execPath, [path.join(API_DIR, 'scripts', 'build.mjs')], { cwd: API_DIR, encoding: 'utf8' });
  const dist = path.join(API_DIR, 'dist');
  if (build.status !== 0 || !existsSync(path.join(dist, 'main.js')) || !existsSync(path.join(dist, 'cli', 'main.js'))) {
    throw new Error(`building the API for the tests failed (exit ${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`);
  }
  const before = process.env[API_DIST_ENV];
  process.env[API_DIST_ENV] = dist;
  return () => {
    if (before === undefined) delete process.env[API_DIST_ENV];
    else process.env[API_DIST_ENV] = before;
  };
}
