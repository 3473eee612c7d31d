/**
 * Issue 11: upload throughput of one 25 MiB file through the document request path — encrypted in the client
 * (packages/crypto, Node's WebCrypto standing in for the browser), PUT in 1 MiB chunks to the API, sealed again by the
 * keyring and stored with the request row locked FOR SHARE — against a plain HTTP upload of the same bytes in the same
 * 1 MiB PUTs to a bare `node:http` sink in this process (reads and discards), in the same run. Then the time from
 * "reviewed" (the review transaction: close the request, delete every chunk, audit, note) to the payload being gone.
 * Prints MiB/s of each and `ratio <encrypted ÷ plain>`. A script, not a test: nothing is asserted.
 * BENCH_DOC_MIB (default 25), BENCH_DOC_RUNS (default 3; the best run of each is reported).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DEFAULT_TENANT_ID, DOCUMENT_PATHS } from '@vouchsafe/contracts';
import { createDocumentEncryptor, generateRequestKeyPair, toBase64Url } from '@vouchsafe/crypto';
import { startApi, startPostgres } from '@vouchsafe/test-support';
import { createDb } from '../src/db/database';
import { closeForTicket } from '../src/modules/documents/documents.repository';

const MIB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_DOC_MIB ?? 25) * MIB;
const RUNS = Number(process.env.BENCH_DOC_RUNS ?? 3);
const CHUNK = MIB;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function put(url: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'PUT', agent, headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function post(url: string, body: unknown): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

async function main() {
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`file ${SIZE / MIB} MiB in ${CHUNK / MIB} MiB chunks, ${RUNS} runs each, best run reported\n`);
  const server = await startPostgres({ durable: true });
  const databaseUrl = await server.createDatabase();
  const api = await startApi({ databaseUrl, env: { VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '100000000', VOUCHSAFE_LOG_LEVEL: 'warn' } });
  const sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(201).end());
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const { db } = createDb(databaseUrl, 2);
  const file = randomBytes(SIZE);
  try {
    const results = { encrypted: 0, plain: 0, reviewMs: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      // A request row as the sidebar would create it (the sealed key is opaque to the upload path).
      const pair = await generateRequestKeyPair();
      const id = toBase64Url(randomBytes(16));
      await pool.query(
        `INSERT INTO document_requests (tenant_id, id, desk, ticket_id, agent_id, agent_label, fingerprint, presets, max_files,
           allowed_types, public_key, key_format, key_kid, key_wrapped, key_ciphertext, expires_at)
         VALUES ($1, $2, 'zendesk', 'bench', 'a1', 'Bench Agent', '00000000', '{photo_id}', 1, '{application/pdf}', $3, 1, 'k', '\\x00', '\\x00',
                 now() + interval '1 hour')`,
        [DEFAULT_TENANT_ID, id, Buffer.from(pair.publicKey)],
      );
      const base = api.url;
      let t0 = performance.now();
      const fileId = toBase64Url(randomBytes(16));
      const enc = await createDocumentEncryptor(pair.publicKey, {
        requestId: id,
        fileId,
        mediaType: 'application/pdf',
        sizeBytes: SIZE,
        chunkBytes: CHUNK,
      });
      const started = await post(`${base}${DOCUMENT_PATHS.files(id)}`, {
        id: fileId,
        mediaType: 'application/pdf',
        sizeBytes: SIZE,
        chunkBytes: CHUNK,
        ephemeralPublicKey: toBase64Url(enc.ephemeralPublicKey),
      });
      if (started !== 201) throw new Error(`start: ${started}`);
      await put(`${base}${DOCUMENT_PATHS.name(id, fileId)}`, await enc.encryptName('bench.pdf'));
      for (let i = 0; i < enc.chunkCount; i++) {
        const status = await put(
          `${base}${DOCUMENT_PATHS.chunk(id, fileId, i)}`,
          await enc.encryptChunk(i, file.subarray(i * CHUNK, (i + 1) * CHUNK)),
        );
        if (status !== 201) throw new Error(`chunk ${i}: ${status}`);
      }
      if ((await post(`${base}${DOCUMENT_PATHS.finishFile(id, fileId)}`, {})) !== 200) throw new Error('finish file');
      const encrypted = SIZE / MIB / ((performance.now() - t0) / 1000);

      t0 = performance.now();
      for (let i = 0; i * CHUNK < SIZE; i++) await put(`${sinkUrl}/upload/${i}`, file.subarray(i * CHUNK, (i + 1) * CHUNK));
      const plain = SIZE / MIB / ((performance.now() - t0) / 1000);

      // "Reviewed" to payload gone: the review transaction returns after its commit deleted every chunk.
      t0 = performance.now();
      const closed = await closeForTicket(
        db,
        { tenantId: DEFAULT_TENANT_ID, ticketId: 'bench', id },
        {
          kind: 'reviewed',
          outcome: 'accepted',
          agentId: 'a1',
          agentLabel: 'Bench Agent',
        },
      );
      const reviewMs = performance.now() - t0;
      const left = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM document_chunks WHERE request_id = $1', [id]);
      console.log(
        `run ${run + 1}: encrypted ${encrypted.toFixed(1)} MiB/s, plain ${plain.toFixed(1)} MiB/s, review deleted ${closed?.chunks ?? 0} chunks in ${reviewMs.toFixed(1)} ms (left: ${left.rows[0]!.n})`,
      );
      results.encrypted = Math.max(results.encrypted, encrypted);
      results.plain = Math.max(results.plain, plain);
      results.reviewMs.push(reviewMs);
    }
    console.log(`\nencrypted chunked upload  ${results.encrypted.toFixed(1)} MiB/s`);
    console.log(`plain http upload         ${results.plain.toFixed(1)} MiB/s`);
    console.log(`ratio ${(results.encrypted / results.plain).toFixed(3)}`);
    console.log(
      `reviewed → payload gone   ${Math.min(...results.reviewMs).toFixed(1)} ms (best), ${Math.max(...results.reviewMs).toFixed(1)} ms (worst)`,
    );
  } finally {
    agent.destroy();
    sink.close();
    await pool.end();
    await db.destroy();
    await api.stop();
    await server.stop();
  }
}

await main();
