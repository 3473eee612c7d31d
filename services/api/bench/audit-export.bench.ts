/**
 * `pnpm bench` (issue 9): exporting a tenant's audit chain of BENCH_EXPORT_EVENTS (default 1,000,000) sealed events as
 * NDJSON — the same code the CLI and `GET /api/v1/audit/t/{tenant}/export` run (export.ts: keyset pages through a
 * pipeline) — against the baseline of a plain `COPY (SELECT the same columns … ORDER BY chain_index) TO STDOUT` by
 * psql on the same server, in the same run. Prints events/s of both, `ratio <export ÷ COPY>` and the exporting
 * process's peak RSS (and its RSS before the export: the difference is what the export held). A script, not a test.
 *
 * The events are generated fast: pre-chained rows (real hashes, computed with the product's own function) inserted in
 * bulk with unnest, the head row set to match.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { startPostgres } from '@vouchsafe/test-support';
import { createDb, migrateToLatest } from '../src/db/database';
import { GENESIS_HASH, rowHash } from '../src/modules/audit/canonical';
import { exportChunks, exportRange } from '../src/modules/audit/export';

// A script's own knobs, not service configuration.
const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000);
const BATCH = 20_000;

async function child(url: string, tenantId: string): Promise<void> {
  const { db } = createDb(url, 2);
  const rssBefore = process.memoryUsage().rss;
  const req = { tenantId, tenantSlug: 'bench', format: 'ndjson' as const };
  const started = performance.now();
  const range = await exportRange(db, req);
  let bytes = 0;
  let lines = 0;
  await pipeline(
    Readable.from(exportChunks(db, req, range, new Date())),
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        bytes += chunk.length;
        lines += String(chunk).split('\n').length - 1;
        cb();
      },
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await db.destroy();
  process.stdout.write(
    JSON.stringify({ seconds, bytes, lines, rssBeforeMb: rssBefore / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
  );
}

async function generate(url: string, tenantId: string): Promise<void> {
  const { db } = createDb(url, 2);
  await sql`INSERT INTO tenants (id, slug, name) VALUES (${tenantId}, 'bench', 'Bench')`.execute(db);
  let prev: Buffer = GENESIS_HASH;
  const t0 = Date.UTC(2026, 0, 1);
  for (let start = 1; start <= EVENTS; start += BATCH) {
    const cols = {
      ids: [] as string[],
      idx: [] as string[],
      at: [] as string[],
      data: [] as string[],
      prev: [] as Buffer[],
      hash: [] as Buffer[],
    };
    for (let i = start; i < Math.min(start + BATCH, EVENTS + 1); i += 1) {
      const row = {
        id: randomUUID(),
        tenant_id: tenantId,
        type: i % 3 === 0 ? 'secret.revealed' : 'secret.created',
        secret_id: null,
        occurred_at: new Date(t0 + i * 50),
        data: { kind: 'text', sizeBytes: 100 + (i % 900), views: 1, label: `Ticket ${i % 10_000} ***`, ip: '203.0.113.0/24' },
      };
      const hash = rowHash(prev, BigInt(i), row);
      cols.ids.push(row.id);
      cols.idx.push(String(i));
      cols.at.push(row.occurred_at.toISOString());
      cols.data.push(JSON.stringify(row.data));
      cols.prev.push(prev);
      cols.hash.push(hash);
      prev = hash;
    }
    await sql`
      INSERT INTO audit_events (id, tenant_id, type, occurred_at, data, chain_index, prev_hash, hash)
      SELECT u.id, ${tenantId}, CASE WHEN u.i % 3 = 0 THEN 'secret.revealed' ELSE 'secret.created' END, u.at, u.data, u.i, u.prev, u.hash
        FROM unnest(${cols.ids}::uuid[], ${cols.idx}::bigint[], ${cols.at}::timestamptz[], ${cols.data}::jsonb[],
                    ${cols.prev}::bytea[], ${cols.hash}::bytea[]) AS u(id, i, at, data, prev, hash)`.execute(db);
  }
  await sql`INSERT INTO audit_heads (tenant_id, chain_index, hash, sealed_at) VALUES (${tenantId}, ${EVENTS}, ${prev}, now())`.execute(db);
  await sql`ANALYZE audit_events`.execute(db);
  await db.destroy();
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => {
      // The COPY's output is only counted, not kept.
      if (stdout.length < 10_000) stdout += d.toString();
    });
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve({ stdout, seconds: (performance.now() - started) / 1000 }) : reject(new Error(`${cmd} exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const server = await startPostgres();
  try {
    const url = await server.createDatabase();
    const { db } = createDb(url, 2);
    await migrateToLatest(db);
    await db.destroy();
    const tenantId = randomUUID();
    const g0 = performance.now();
    await generate(url, tenantId);
    console.log(`generated ${EVENTS.toLocaleString('en')} pre-chained events in ${((performance.now() - g0) / 1000).toFixed(1)} s`);

    // Both take turns twice; the better run of each counts (other work shares the machine).
    const copySql = `COPY (SELECT chain_index, id, tenant_id, type, secret_id, occurred_at, data, prev_hash, hash FROM audit_events WHERE tenant_id = '${tenantId}' ORDER BY chain_index) TO STDOUT`;
    const self = fileURLToPath(import.meta.url);
    let copyBest = Infinity;
    let exportBest: { seconds: number; lines: number; bytes: number; rssBeforeMb: number; maxRssMb: number } | undefined;
    for (let round = 0; round < 2; round += 1) {
      const copy = await run('psql', [url, '-X', '-q', '-o', '/dev/null', '-c', copySql]);
      copyBest = Math.min(copyBest, copy.seconds);
      const r = await run(process.execPath, ['--import', 'tsx', self, 'child', url, tenantId]);
      const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as NonNullable<typeof exportBest>;
      if (!exportBest || result.seconds < exportBest.seconds) exportBest = result;
    }
    const e = exportBest!;
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model.split(' ')[0] ?? 'cpu'}, node ${process.version}, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`COPY TO STDOUT (psql)   ${Math.round(EVENTS / copyBest).toLocaleString('en')} events/s   (${copyBest.toFixed(2)} s)`);
    console.log(
      `audit export (ndjson)   ${Math.round(EVENTS / e.seconds).toLocaleString('en')} events/s   (${e.seconds.toFixed(2)} s, ${(e.bytes / 2 ** 20).toFixed(0)} MiB, ${e.lines.toLocaleString('en')} lines)`,
    );
    console.log(`peak RSS of the exporting process ${e.maxRssMb.toFixed(0)} MiB (${e.rssBeforeMb.toFixed(0)} MiB before the export)`);
    console.log(`\nratio ${(copyBest / e.seconds).toFixed(3)}`);
  } finally {
    await server.stop();
  }
}

if (process.argv[2] === 'child') await child(process.argv[3]!, process.argv[4]!);
else await main();
