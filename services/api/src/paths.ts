import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The API package's folder: the nearest folder above this module with a package.json. The same whether this runs as
 * source (services/api/src/paths.ts under tsx), built (services/api/dist/*.js, any chunk depth) or from the
 * production bundle (<bundle>/services/api/dist, which keeps the repository's layout: scripts/bundle.mjs).
 */
function apiPackageDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The repository (or bundle) root, two levels above services/api: default home of .data/ and apps/<app>/dist. */
export const REPO_ROOT = path.resolve(apiPackageDir(path.dirname(fileURLToPath(import.meta.url))), '../..');
