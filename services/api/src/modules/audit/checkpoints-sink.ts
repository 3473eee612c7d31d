import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The directory sink (docs/AUDIT-FORMAT.md, "Checkpoint directory"): one file per checkpoint,
 * `<dir>/<tenantId>/<chainIndex, 20 digits>.jws` holding the compact JWS and a newline. Append-only: a file is
 * written in full under a temporary name (`wx`, fsync), then hard-linked to its final name — link(2) fails if the
 * name exists (O_EXCL semantics, never an overwrite) and a crash never leaves half a checkpoint under a final name —
 * and the folder is fsynced. In production point it at storage that refuses deletes and overwrites (object lock).
 * No logging here: the caller decides.
 */

export const checkpointFileName = (chainIndex: string): string => `${chainIndex.padStart(20, '0')}.jws`;

export type WriteOutcome = 'written' | 'present' | 'conflict';

async function fsyncPath(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes one checkpoint file unless it exists. `conflict`: a different file already holds that name (never replaced). */
export async function writeCheckpointFile(dir: string, tenantId: string, chainIndex: string, jws: string): Promise<WriteOutcome> {
  if (!/^[0-9a-f-]{36}$/.test(tenantId) || !/^[0-9]{1,20}$/.test(chainIndex)) throw new Error('bad checkpoint name');
  const folder = path.join(dir, tenantId);
  const created = await mkdir(folder, { recursive: true, mode: 0o755 });
  if (created !== undefined) await fsyncPath(dir);
  const final = path.join(folder, checkpointFileName(chainIndex));
  const temp = path.join(folder, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const content = `${jws}\n`;
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const existing = await readFile(final, 'utf8').catch(() => undefined);
    return existing === content ? 'present' : 'conflict';
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await fsyncPath(folder);
  return 'written';
}

const CURSOR = '.vouchsafe-sink-cursor';

/**
 * The highest `audit_checkpoints.seq` below which this directory holds every row (a hint, not evidence: losing it
 * only means re-checking from the start, where existing files answer `present`).
 */
export async function readSinkCursor(dir: string): Promise<string> {
  const text = await readFile(path.join(dir, CURSOR), 'utf8').catch(() => '0');
  return /^[0-9]{1,19}$/.test(text.trim()) ? text.trim() : '0';
}

export async function writeSinkCursor(dir: string, seq: string): Promise<void> {
  // Two writers in one process (or several processes on one folder) each use a name of their own.
  const temp = path.join(dir, `${CURSOR}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, seq, { mode: 0o644 });
  await rename(temp, path.join(dir, CURSOR));
}

export interface CheckpointFile {
  tenantId: string;
  /** File name's index (the verifier compares it with the signed payload). */
  chainIndex: string;
  file: string;
  jws: string;
}

/** Every checkpoint file of a directory, per tenant folder, in index order. Other names (dotfiles, notes) are skipped. */
export async function readCheckpointDir(dir: string): Promise<CheckpointFile[]> {
  const out: CheckpointFile[] = [];
  const tenants = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory() && /^[0-9a-f-]{36}$/.test(d.name));
  for (const t of tenants.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const names = (await readdir(path.join(dir, t.name))).filter((n) => /^[0-9]{20}\.jws$/.test(n)).sort();
    for (const name of names) {
      const file = path.join(dir, t.name, name);
      out.push({ tenantId: t.name, chainIndex: BigInt(name.slice(0, 20)).toString(), file, jws: (await readFile(file, 'utf8')).trim() });
    }
  }
  return out;
}
