import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { GENESIS_HASH } from './canonical';
import type { AuditPublicKey } from './checkpoints-keys';
import { EXPORT_FORMAT_ID, EXPORT_VERSION } from './export';
import { checkCheckpoints, type CheckpointCandidate, type VerifyReport } from './verify-checkpoints';
import { ChainWalk } from './verify-walk';

/**
 * `audit verify --file export.ndjson [--checkpoints DIR]`: no database. Two passes over the file (the checkpoint and
 * end lines come after the events): first the header, checkpoints and end line, then the chain walk.
 */

export class ExportFileError extends Error {
  override name = 'ExportFileError';
}

/**
 * How long before the export a checkpoint must have been signed for a full export to have to reach it: the signing
 * process and the exporting one read different clocks, and a checkpoint signed just as the export began may cover
 * events sealed after the export fixed its range.
 */
export const CLOCK_TOLERANCE_MS = 60_000;

interface Header {
  tenantId: string;
  until: string | null;
  exportedAt: string;
}

async function* lines(file: string): AsyncGenerator<{ n: number; value: Record<string, unknown> }> {
  const rl = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ExportFileError(`line ${n} of the export is not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ExportFileError(`line ${n} of the export is not an object`);
    yield { n, value: value as Record<string, unknown> };
  }
}

const hexBytes = (v: unknown): Buffer | null => (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? Buffer.from(v, 'hex') : null);

export async function verifyExportFile(
  file: string,
  opts: { candidates: readonly CheckpointCandidate[]; keys: ReadonlyMap<string, AuditPublicKey> },
): Promise<VerifyReport> {
  let header: Header | undefined;
  let end: { events: number } | undefined;
  const inFile: CheckpointCandidate[] = [];
  for await (const { n, value } of lines(file)) {
    if (n === 1) {
      if (
        value.kind !== 'header' ||
        value.format !== EXPORT_FORMAT_ID ||
        value.version !== EXPORT_VERSION ||
        typeof value.tenantId !== 'string'
      ) {
        throw new ExportFileError(`the first line is not a ${EXPORT_FORMAT_ID} version ${EXPORT_VERSION} header`);
      }
      header = {
        tenantId: value.tenantId,
        until: typeof value.until === 'string' ? value.until : null,
        exportedAt: String(value.exportedAt),
      };
    } else if (value.kind === 'checkpoint' && typeof value.jws === 'string') {
      inFile.push({ jws: value.jws, source: `export line ${n}` });
    } else if (value.kind === 'end') {
      end = { events: Number(value.events) };
    }
  }
  if (!header) throw new ExportFileError('the export is empty');
  if (!end) throw new ExportFileError('the export has no end line: it is incomplete (cut off in transfer?)');
  const tenantId = header.tenantId;
  const set = await checkCheckpoints(
    [...inFile, ...opts.candidates.filter((c) => c.claimed === undefined || c.claimed.tenantId === tenantId)],
    opts.keys,
  );
  const exportedAt = Date.parse(header.exportedAt);
  const isComplete = header.until === null;

  let walk: ChainWalk | undefined;
  const all = set.byTenant.get(tenantId) ?? [];
  for await (const { n, value } of lines(file)) {
    if (value.kind !== 'event') continue;
    if (value.tenantId !== tenantId) throw new ExportFileError(`line ${n} belongs to another tenant than the header`);
    const chainIndex = String(value.chainIndex);
    if (!/^[1-9][0-9]{0,18}$/.test(chainIndex)) throw new ExportFileError(`line ${n} has no valid chainIndex`);
    if (!walk) {
      const index = BigInt(chainIndex);
      // From genesis the start is known; a partial export starts from its first line's prevHash (anchored by checkpoints).
      const prev = index === 1n ? GENESIS_HASH : (hexBytes(value.prevHash) ?? GENESIS_HASH);
      walk = new ChainWalk(
        tenantId,
        { index, prev },
        all.filter((cp) => BigInt(cp.chainIndex) >= index),
      );
    }
    walk.push({
      chainIndex,
      id: String(value.id),
      tenantId,
      type: String(value.type),
      secretId: typeof value.secretId === 'string' ? value.secretId : null,
      occurredAt: String(value.occurredAt),
      data: (value.data ?? {}) as Record<string, unknown>,
      prevHash: hexBytes(value.prevHash),
      hash: hexBytes(value.hash),
    });
  }
  walk ??= new ChainWalk(tenantId, { index: 1n, prev: GENESIS_HASH }, all);
  if (walk.summary.events + walk.findings.length === 0 && end.events !== 0)
    throw new ExportFileError('the end line counts events the file does not hold');
  // A full export must reach every checkpoint signed well before it was made; later ones are beyond its time.
  walk.finish(isComplete ? (cp) => Date.parse(cp.signedAt) <= exportedAt - CLOCK_TOLERANCE_MS : () => false);
  const findings = [...set.findings, ...walk.findings];
  return { ok: findings.length === 0, tenants: [walk.summary], findings, unsealed: 0, checkpointsValid: set.valid };
}
