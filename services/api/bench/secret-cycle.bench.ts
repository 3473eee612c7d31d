/**
 * `pnpm bench`: the secret cycle (create + reveal over HTTP, with envelope encryption and audit
 * rows) against the bare Postgres cycle (INSERT a 512-byte row, DELETE … RETURNING it) on the
 * same server, at the same concurrency, in the same run. Prints both rates, p50/p99 latency and
 * `ratio <secret ÷ bare>`. A script, not a test: it asserts nothing about speed.
 * A third, diagnostic line runs the secret cycle's two SQL statements in-process without HTTP, to show how the
 * time splits between the database and the HTTP layer.
 *
 * BENCH_SECONDS (default 10), BENCH_CONCURRENCY (default 16), BENCH_LOG_LEVEL (API log level, default info).
 */
import http from 'node:http';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { TEST_API_TOKEN, startApi, startPostgres } from '@vouchsafe/test-support';
import { parseKeyring } from '../src/config';
import { createDb, migrateToLatest } from '../src/db/database';
import { sha256 } from '../src/lib/ids';
import { Keyring, generateKeyEntry } from '../src/modules/keys/keyring';
import { consumeView, insertSecret } from '../src/modules/secrets/secrets.repository';

// A script's own knobs, not service configuration.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';

interface Result {
  name: string;
  cycles: number;
  seconds: number;
  latencies: number[];
  errors: number;
}

async function runFor(name: string, cycle: () => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await cycle();
          latencies.push(performance.now() - t0);
        } catch (err) {
          errors += 1;
          if (errors === 1) console.error(`${name}: first error:`, (err as Error).message);
        }
      }
    }),
  );
  return { name, cycles: latencies.length, seconds: (performance.now() - started) / 1000, latencies, errors };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function report(r: Result): number {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const rate = r.cycles / r.seconds;
  console.log(
    `${r.name.padEnd(14)} ${rate.toFixed(0).padStart(6)} cycles/s   p50 ${pct(sorted, 50).toFixed(2)} ms   p99 ${pct(sorted, 99).toFixed(2)} ms   (${r.cycles} cycles, ${r.errors} errors, ${r.seconds.toFixed(1)} s)`,
  );
  return rate;
}

function httpJson(agent: http.Agent, port: number, method: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.log(`concurrency ${CONCURRENCY}, ${SECONDS} s per cycle, API log level ${LOG_LEVEL}, Postgres with default durability\n`);
  const server = await startPostgres({ durable: true });
  const api = await startApi({
    databaseUrl: await server.createDatabase(),
    env: { ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}), VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '100000000', VOUCHSAFE_LOG_LEVEL: LOG_LEVEL, DATABASE_POOL_SIZE: String(CONCURRENCY) },
  });
  const bareUrl = await server.createDatabase();
  try {
    // Bare cycle: what Postgres alone does for one insert and one delete-returning round trip each.
    const pool = new pg.Pool({ connectionString: bareUrl, max: CONCURRENCY });
    await pool.query('CREATE TABLE bench_rows (id bigserial PRIMARY KEY, body bytea NOT NULL)');
    const row = randomBytes(512);
    const bare = await runFor('bare postgres', async () => {
      const { rows } = await pool.query<{ id: string }>('INSERT INTO bench_rows (body) VALUES ($1) RETURNING id', [row]);
      await pool.query('DELETE FROM bench_rows WHERE id = $1 RETURNING body', [rows[0]!.id]);
    });
    await pool.end();

    // Secret cycle: a 512-byte secret sealed once by the client (client crypto is not server work).
    const sealed = await sealSecret({ kind: 'text', text: randomBytes(256).toString('hex') });
    const createBody = JSON.stringify({ kind: 'text', ciphertext: toBase64Url(sealed.ciphertext), keyCheck: toBase64Url(sealed.keyCheck), ttlSeconds: 600 });
    const revealBody = JSON.stringify({ keyCheck: toBase64Url(sealed.keyCheck) });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };
    const secret = await runFor('secret cycle', async () => {
      const created = await httpJson(agent, api.port, 'POST', '/api/v1/secrets', createBody, auth);
      if (created.status !== 201) throw new Error(`create answered ${created.status}`);
      const { id } = JSON.parse(created.body) as { id: string };
      const revealed = await httpJson(agent, api.port, 'POST', `/api/v1/secrets/${id}/reveal`, revealBody, {});
      if (revealed.status !== 200) throw new Error(`reveal answered ${revealed.status}`);
    });
    agent.destroy();

    // Diagnostic: the same two statements (with envelope encryption) straight from this process, no HTTP.
    const { db } = createDb(await server.createDatabase(), CONCURRENCY);
    await migrateToLatest(db);
    const keyring = new Keyring(parseKeyring(generateKeyEntry('bench')));
    const tenantId = '00000000-0000-4000-8000-000000000001';
    const keyCheckHash = sha256(Buffer.from(sealed.keyCheck));
    const statements = await runFor('sql only', async () => {
      const id = randomBytes(16).toString('base64url');
      await insertSecret(db, {
        tenantId, id, kind: 'text', expiresAt: new Date(Date.now() + 600_000), views: 1, sizeBytes: sealed.ciphertext.length,
        labelMasked: null, keyCheckHash, passphraseSalt: null, passphraseCheckHash: null, revokeTokenHash: keyCheckHash,
        payload: keyring.seal(Buffer.from(sealed.ciphertext), { tenantId, secretId: id }), clientIp: '127.0.0.0/24',
      });
      const r = await consumeView(db, { tenantId, id, keyCheckHash, passphraseCheckHash: null, clientKey: keyCheckHash, clientIp: '127.0.0.0/24' });
      if (!r) throw new Error('consumeView matched nothing');
    });
    await db.destroy();

    const bareRate = report(bare);
    report(statements);
    const secretRate = report(secret);
    console.log(`ratio ${(secretRate / bareRate).toFixed(3)}`);
  } finally {
    await api.stop();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
