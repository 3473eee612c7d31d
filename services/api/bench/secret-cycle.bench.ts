/**
 * `pnpm bench`: the secret cycle (create + reveal over HTTP, with envelope encryption and audit
 * rows) against the bare Postgres cycle (INSERT a 512-byte row, DELETE … RETURNING it) on the
 * same server, at the same concurrency, in the same run. Prints both rates, p50/p99 latency and
 * `ratio <secret ÷ bare>`. A script, not a test: it asserts nothing about speed.
 * A diagnostic line runs the secret cycle's two SQL statements in-process without HTTP, to show how the
 * time splits between the database and the HTTP layer.
 *
 * The floor (bench/floor-server.ts): a bare `node:http` server in its own process with a `pg` pool doing the same
 * INSERT … RETURNING / DELETE … RETURNING for the same two requests, driven by the same client. Printed after
 * `ratio`: `floor ratio <secret cycles/s ÷ floor cycles/s>` and `cpu ratio <API CPU ms per cycle ÷ floor server CPU
 * ms per cycle>`, each server's CPU read from /proc/<pid>/stat (user + system, all threads). CPU per cycle counts
 * only the time a process ran, not the time it waited for a CPU, so it is steadier than throughput when other work
 * shares the machine; the HTTP runs also take turns in short rounds so such work lands on all of them alike.
 * A diagnostic second floor runs the same handlers on Express 5 (`express floor`): how much of the gap is the
 * framework's.
 *
 * BENCH_SECONDS (default 10), BENCH_WARMUP_CYCLES (unmeasured cycles before each HTTP run, default 4000, for at most
 * 30 s: a cycle count rather than a time, so that the JIT has seen the same work however busy the machine is),
 * BENCH_ROUNDS (default 10), BENCH_CONCURRENCY (default 16), BENCH_LOG_LEVEL (API log level, default info),
 * BENCH_ONLY (e.g. `floor,secret`: only these runs, by the first word of their name), BENCH_NODE_OPTIONS
 * (NODE_OPTIONS of the API process), BENCH_CPU_PROF_DIR (a CPU profile of the API's measured window is written there:
 * bench/cpu-profile.ts; Node 20 refuses `--cpu-prof` in NODE_OPTIONS), BENCH_COMPARE_DIR (another checkout with its
 * dependencies installed: its API takes turns with this one and the floors, and a last line compares the two).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { API_DIR, TEST_API_TOKEN, startApi, startPostgres } from '@vouchsafe/test-support';
import { parseKeyring } from '../src/config';
import { createDb, migrateToLatest } from '../src/db/database';
import { sha256 } from '../src/lib/ids';
import { Keyring, generateKeyEntry } from '../src/modules/keys/keyring';
import { consumeView } from '../src/modules/secrets/reveal.repository';
import { insertSecret } from '../src/modules/secrets/secrets.repository';
import { cpuMs, cpuSplitMs, hasProc, machineCpuMs, treeCpuMs } from './proc-cpu';

// A script's own knobs, not service configuration.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_CYCLES = Number(process.env.BENCH_WARMUP_CYCLES ?? 4000);
const WARMUP_MAX_SECONDS = 30;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** The floor and the secret cycle take turns in this many rounds (SECONDS each in total). */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 10));
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
/** Runs to do, by the first word of their name (bare, sql, floor, secret); all by default. For quick comparisons. */
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());

interface Result {
  name: string;
  cycles: number;
  seconds: number;
  latencies: number[];
  errors: number;
  /** CPU milliseconds per cycle of the serving process and of the Postgres cluster, when measured. */
  cpu?: { server: number; serverSystem: number; db: number };
  isSkipped?: boolean;
}

/** Whose CPU a run measures: the process serving the requests and the Postgres cluster's postmaster. */
interface CpuProbe {
  serverPid: number;
  postmasterPid: number | undefined;
}

async function load(
  seconds: number,
  cycle: () => Promise<void>,
  onCycle: (ms: number) => void,
  onError: (err: unknown) => void,
  maxCycles = Infinity,
): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  let started = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline && started++ < maxCycles) {
        const t0 = performance.now();
        try {
          await cycle();
          onCycle(performance.now() - t0);
        } catch (err) {
          onError(err);
        }
      }
    }),
  );
}

interface Run {
  name: string;
  cycle: () => Promise<void>;
  /** Whose CPU to read (HTTP runs); without it the run is measured for rate and latency only. */
  probe?: CpuProbe;
  /** Called when the first measured slice of this run starts and the last one ends (CPU profile). */
  window?: { start(): void; stop(): void };
}

/**
 * Measures runs side by side: after a warm-up each (runs with a probe), ROUNDS rounds give every run a slice of
 * SECONDS / ROUNDS in turn, the order reversed every other round (ABBA), so a burst of other work on the machine lands
 * on all of them alike. A server's CPU is read over the whole interleaved period (so work a cycle leaves behind, such
 * as sealing its audit events, counts wherever it runs; an idle server uses next to nothing); Postgres's is read per
 * slice and charged to the run that was driving it.
 */
async function interleave(runs: Run[], rounds: number): Promise<Result[]> {
  const results = runs.map((run): Result & { errorsSeen: number } => ({
    name: run.name,
    cycles: 0,
    seconds: 0,
    latencies: [],
    errors: 0,
    errorsSeen: 0,
  }));
  const active = runs
    .map((run, i) => ({ run, result: results[i]! }))
    .filter(({ run, result }) => {
      const isSkipped = ONLY !== undefined && !ONLY.includes(run.name.split(' ')[0]!);
      result.isSkipped = isSkipped;
      return !isSkipped;
    });
  const onError = (result: Result) => (err: unknown) => {
    result.errors += 1;
    if (result.errors === 1) console.error(`${result.name}: first error:`, (err as Error).message);
  };
  for (const { run, result } of active) {
    if (run.probe && WARMUP_CYCLES > 0) await load(WARMUP_MAX_SECONDS, run.cycle, () => undefined, onError(result), WARMUP_CYCLES);
  }
  const serverCpu0 = active.map(({ run }) => run.probe && cpuSplitMs(run.probe.serverPid));
  const dbMs = active.map(() => 0);
  for (const { run } of active) run.window?.start();
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? active.map((_, i) => i) : active.map((_, i) => active.length - 1 - i);
    for (const i of order) {
      const { run, result } = active[i]!;
      const dbPid = run.probe?.postmasterPid;
      const db0 = dbPid === undefined ? 0 : treeCpuMs(dbPid);
      const started = performance.now();
      await load(SECONDS / rounds, run.cycle, (ms) => result.latencies.push(ms), onError(result));
      result.seconds += (performance.now() - started) / 1000;
      if (dbPid !== undefined) dbMs[i]! += treeCpuMs(dbPid) - db0;
    }
  }
  for (const { run } of active) run.window?.stop();
  active.forEach(({ run, result }, i) => {
    result.cycles = result.latencies.length;
    const cpu0 = serverCpu0[i];
    if (!run.probe || !cpu0 || result.cycles === 0) return;
    const cpu1 = cpuSplitMs(run.probe.serverPid);
    result.cpu = {
      server: (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / result.cycles,
      serverSystem: (cpu1.system - cpu0.system) / result.cycles,
      db: run.probe.postmasterPid === undefined ? NaN : dbMs[i]! / result.cycles,
    };
  });
  return results;
}

async function runFor(name: string, cycle: () => Promise<void>): Promise<Result> {
  return (await interleave([{ name, cycle }], 1))[0]!;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function report(r: Result): number {
  if (r.isSkipped) {
    console.log(`${r.name.padEnd(14)} skipped (BENCH_ONLY)`);
    return NaN;
  }
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const rate = r.cycles / r.seconds;
  console.log(
    `${r.name.padEnd(14)} ${rate.toFixed(0).padStart(6)} cycles/s   p50 ${pct(sorted, 50).toFixed(2)} ms   p99 ${pct(sorted, 99).toFixed(2)} ms   (${r.cycles} cycles, ${r.errors} errors, ${r.seconds.toFixed(1)} s)` +
      (r.cpu
        ? `   CPU per cycle: server ${r.cpu.server.toFixed(3)} ms (system ${r.cpu.serverSystem.toFixed(3)}), postgres ${r.cpu.db.toFixed(3)} ms`
        : ''),
  );
  return rate;
}

/** Starts bench/floor-server.ts (node + tsx, like the API) and resolves once it listens. */
async function startFloor(
  databaseUrl: string,
  framework: 'node:http' | 'express' = 'node:http',
): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(API_DIR, 'bench', 'floor-server.ts')], {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: databaseUrl,
      POOL_SIZE: String(CONCURRENCY),
      FLOOR_FRAMEWORK: framework,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`floor server exited with ${code} before listening`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { port, pid: child.pid ?? -1, stop };
}

function httpJson(
  agent: http.Agent,
  port: number,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
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
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `concurrency ${CONCURRENCY}, ${SECONDS} s per cycle (HTTP runs: ${WARMUP_CYCLES} cycles of warm-up each, then taking turns in ${ROUNDS} rounds), ` +
      `API log level ${LOG_LEVEL}, Postgres with default durability\n`,
  );
  const measureCpu = hasProc();
  if (!measureCpu) console.log('no /proc here: CPU per cycle is not measured\n');
  const server = await startPostgres({ durable: true });
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const api = await startApi({
    databaseUrl: await server.createDatabase(),
    ...(profileDir ? { imports: [path.join(API_DIR, 'bench', 'cpu-profile.ts')] } : {}),
    env: {
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
      ...(profileDir ? { BENCH_CPU_PROF_DIR: path.resolve(profileDir) } : {}),
      VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '100000000',
      VOUCHSAFE_LOG_LEVEL: LOG_LEVEL,
      DATABASE_POOL_SIZE: String(CONCURRENCY),
    },
  });
  // Another checkout's API (BENCH_COMPARE_DIR), measured in the same rounds: to tell whether a change moved the CPU.
  const compareDir = process.env.BENCH_COMPARE_DIR;
  const other =
    compareDir === undefined
      ? undefined
      : await startApi({
          databaseUrl: await server.createDatabase(),
          entry: path.join(path.resolve(compareDir), 'services', 'api', 'src', 'main.ts'),
          env: { VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '100000000', VOUCHSAFE_LOG_LEVEL: LOG_LEVEL, DATABASE_POOL_SIZE: String(CONCURRENCY) },
        });
  const floor = await startFloor(await server.createDatabase());
  // Diagnostic: the floor's handlers on Express 5, to tell the framework's share from the product's.
  const expressFloor = await startFloor(await server.createDatabase(), 'express');
  const bareUrl = await server.createDatabase();
  const probe = (serverPid: number): CpuProbe | undefined =>
    measureCpu ? { serverPid, postmasterPid: server.postmasterPid() } : undefined;
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
    const createBody = JSON.stringify({
      kind: 'text',
      ciphertext: toBase64Url(sealed.ciphertext),
      keyCheck: toBase64Url(sealed.keyCheck),
      ttlSeconds: 600,
    });
    const revealBody = JSON.stringify({ keyCheck: toBase64Url(sealed.keyCheck) });
    const auth = { authorization: `Bearer ${TEST_API_TOKEN}` };

    // Floor: the same two requests, same bodies and client, answered by a bare node:http server over the same SQL.
    const floorAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const expressAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const ours = () =>
      cpuMs(api.pid) +
      cpuMs(floor.pid) +
      cpuMs(expressFloor.pid) +
      (other ? cpuMs(other.pid) : 0) +
      (server.postmasterPid() === undefined ? 0 : treeCpuMs(server.postmasterPid()!)) +
      (process.cpuUsage().user + process.cpuUsage().system) / 1000;
    const machine0 = measureCpu ? { ...machineCpuMs(), ours: ours() } : undefined;
    const apiCycle = (port: number, httpAgent: http.Agent) => async () => {
      const created = await httpJson(httpAgent, port, 'POST', '/api/v1/secrets', createBody, auth);
      if (created.status !== 201) throw new Error(`create answered ${created.status}`);
      const { id } = JSON.parse(created.body) as { id: string };
      const revealed = await httpJson(httpAgent, port, 'POST', `/api/v1/secrets/${id}/reveal`, revealBody, {});
      if (revealed.status !== 200) throw new Error(`reveal answered ${revealed.status}`);
    };
    const floorCycle = (port: number, httpAgent: http.Agent) => async () => {
      const created = await httpJson(httpAgent, port, 'POST', '/rows', createBody, auth);
      if (created.status !== 201) throw new Error(`floor create answered ${created.status}`);
      const { id } = JSON.parse(created.body) as { id: string };
      const taken = await httpJson(httpAgent, port, 'POST', `/rows/${id}/take`, revealBody, {});
      if (taken.status !== 200) throw new Error(`floor take answered ${taken.status}`);
    };
    const otherAgent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const [floorRun, expressRun, secret, compared] = (await interleave(
      [
        { name: 'floor (http)', cycle: floorCycle(floor.port, floorAgent), probe: probe(floor.pid) },
        { name: 'express floor', cycle: floorCycle(expressFloor.port, expressAgent), probe: probe(expressFloor.pid) },
        {
          name: 'secret cycle',
          cycle: apiCycle(api.port, agent),
          probe: probe(api.pid),
          window: profileDir ? { start: () => process.kill(api.pid, 'SIGUSR2'), stop: () => process.kill(api.pid, 'SIGUSR2') } : undefined,
        },
        ...(other ? [{ name: 'compared cycle', cycle: apiCycle(other.port, otherAgent), probe: probe(other.pid) }] : []),
      ],
      ROUNDS,
    )) as [Result, Result, Result, Result | undefined];
    otherAgent.destroy();
    // What the machine did meanwhile, ours (API, floor, Postgres, this client) and everyone else's, in CPUs.
    const machine =
      machine0 &&
      (() => {
        const now = machineCpuMs();
        const seconds = (now.total - machine0.total) / os.cpus().length / 1000;
        const busy = (now.busy - machine0.busy) / 1000 / seconds;
        const mine = (ours() - machine0.ours) / 1000 / seconds;
        return `machine during the HTTP runs: ${busy.toFixed(2)} of ${os.cpus().length} CPUs busy, ${mine.toFixed(2)} ours, ${Math.max(0, busy - mine).toFixed(2)} other work`;
      })();
    floorAgent.destroy();
    expressAgent.destroy();
    agent.destroy();
    await floor.stop();
    await expressFloor.stop();

    // Diagnostic: the same two statements (with envelope encryption) straight from this process, no HTTP.
    const { db } = createDb(await server.createDatabase(), CONCURRENCY);
    await migrateToLatest(db);
    const keyring = new Keyring(parseKeyring(generateKeyEntry('bench')));
    const tenantId = '00000000-0000-4000-8000-000000000001';
    const keyCheckHash = sha256(Buffer.from(sealed.keyCheck));
    const statements = await runFor('sql only', async () => {
      const id = randomBytes(16).toString('base64url');
      await insertSecret(db, {
        tenantId,
        id,
        kind: 'text',
        expiresAt: new Date(Date.now() + 600_000),
        views: 1,
        sizeBytes: sealed.ciphertext.length,
        labelMasked: null,
        keyCheckHash,
        passphraseSalt: null,
        passphraseCheckHash: null,
        revokeTokenHash: keyCheckHash,
        payload: keyring.seal(Buffer.from(sealed.ciphertext), { tenantId, secretId: id }),
        clientIp: '127.0.0.0/24',
      });
      const r = await consumeView(db, {
        tenantId,
        id,
        keyCheckHash,
        passphraseCheckHash: null,
        clientKey: keyCheckHash,
        clientIp: '127.0.0.0/24',
      });
      if (!r) throw new Error('consumeView matched nothing');
    });
    await db.destroy();

    const bareRate = report(bare);
    report(statements);
    const floorRate = report(floorRun);
    report(expressRun);
    const secretRate = report(secret);
    if (compared) report(compared);
    if (machine) console.log(machine);
    console.log(
      `load average at end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
    console.log(`ratio ${(secretRate / bareRate).toFixed(3)}`);
    console.log(`floor ratio ${(secretRate / floorRate).toFixed(3)}`);
    console.log(`cpu ratio ${secret.cpu && floorRun.cpu ? (secret.cpu.server / floorRun.cpu.server).toFixed(2) : 'n/a'}`);
    if (expressRun.cpu && floorRun.cpu && secret.cpu) {
      // Diagnostic: how much of the gap the framework alone accounts for (its floor is the same server on Express 5).
      console.log(
        `express floor: cpu ${(expressRun.cpu.server / floorRun.cpu.server).toFixed(2)} × floor; API cpu ${(secret.cpu.server / expressRun.cpu.server).toFixed(2)} × express floor`,
      );
    }
    if (compared?.cpu && secret.cpu) {
      console.log(
        `compared: throughput ${(secretRate / (compared.cycles / compared.seconds)).toFixed(3)}, API CPU per cycle ${(secret.cpu.server / compared.cpu.server).toFixed(3)} × ${compareDir}'s`,
      );
    }
  } finally {
    await floor.stop();
    await expressFloor.stop();
    await api.stop();
    await other?.stop();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
