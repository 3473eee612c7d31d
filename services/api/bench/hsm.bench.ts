/**
 * `pnpm bench` (issue 10): reveals per second with the KEKs in a PKCS#11 token (SoftHSM2) against the environment
 * keyring, in the same run, on the same Postgres: two API processes, one per provider, take turns in rounds; each
 * round creates BENCH_HSM_PER_ROUND secrets on each (not measured) and then reveals them all at BENCH_CONCURRENCY,
 * timed. Prints both rates and `ratio <hsm ÷ env>`, then the same for the KEK step alone in this process
 * (Keyring.open: unwrap + payload decrypt). A script, not a test: it asserts nothing about speed.
 *
 * It skips, saying why, only when SoftHSM2 cannot be installed (not root, not Debian, apt failing).
 * BENCH_HSM_ROUNDS (default 5), BENCH_HSM_PER_ROUND (default 1000), BENCH_CONCURRENCY (default 16).
 */
import http from 'node:http';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { sealSecret, toBase64Url } from '@vouchsafe/crypto';
import { TEST_API_TOKEN, createSoftHsmToken, ensureSoftHsm, startApi, startPostgres, type SoftHsm } from '@vouchsafe/test-support';
import { parseKeyring, SecretText } from '../src/config';
import { createKeyring } from '../src/modules/keys/create-keyring';
import { generateKeyEntry, type Keyring } from '../src/modules/keys/keyring';
import { generatePkcs11Kek } from '../src/modules/keys/pkcs11-provider';

// A script's own knobs, not service configuration.
const ROUNDS = Math.max(1, Number(process.env.BENCH_HSM_ROUNDS ?? 5));
const PER_ROUND = Math.max(100, Number(process.env.BENCH_HSM_PER_ROUND ?? 1000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PIN = randomBytes(6).toString('hex');

function request(agent: http.Agent, port: number, method: string, path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        port,
        host: '127.0.0.1',
        method,
        path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${TEST_API_TOKEN}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `work(i)` for i in [0, n) with `CONCURRENCY` in flight; resolves with the elapsed seconds. */
async function pool(n: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await work(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  let hsm: SoftHsm;
  try {
    hsm = await ensureSoftHsm();
  } catch (err) {
    console.log(`hsm bench skipped: SoftHSM2 cannot be installed here (${(err as Error).message})`);
    return;
  }
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`,
  );
  console.log(`${ROUNDS} rounds × ${PER_ROUND} reveals per provider, concurrency ${CONCURRENCY}, SoftHSM2 module ${hsm.modulePath}\n`);
  const token = await createSoftHsmToken(hsm, { label: 'vouchsafe-bench', pin: PIN });
  // The SoftHSM module of this process (key creation, the in-process line) reads its configuration from here.
  process.env.SOFTHSM2_CONF = token.env.SOFTHSM2_CONF;
  const pkcs11 = { modulePath: hsm.modulePath, tokenLabel: token.label, pin: new SecretText(PIN), keyLabels: ['bench-kek'] };
  generatePkcs11Kek(pkcs11, 'bench-kek');
  const envKey = generateKeyEntry('k1');
  const sessionKey = generateKeyEntry('s1');
  const pg = await startPostgres({ durable: true });
  const common = { VOUCHSAFE_RATE_LIMIT_PER_MINUTE: '100000000', VOUCHSAFE_LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: String(CONCURRENCY) };
  const envApi = await startApi({ databaseUrl: await pg.createDatabase(), env: { ...common, VOUCHSAFE_KEYS: envKey } });
  const hsmApi = await startApi({
    databaseUrl: await pg.createDatabase(),
    unsetEnv: ['VOUCHSAFE_KEYS'],
    env: {
      ...common,
      ...token.env,
      VOUCHSAFE_PKCS11_MODULE: hsm.modulePath,
      VOUCHSAFE_PKCS11_TOKEN_LABEL: token.label,
      VOUCHSAFE_PKCS11_PIN: PIN,
      VOUCHSAFE_PKCS11_KEYS: 'bench-kek',
      VOUCHSAFE_SESSION_KEYS: sessionKey,
    },
  });
  try {
    const sealed = await sealSecret({ kind: 'text', text: randomBytes(256).toString('hex') });
    const createBody = JSON.stringify({
      kind: 'text',
      ciphertext: toBase64Url(sealed.ciphertext),
      keyCheck: toBase64Url(sealed.keyCheck),
      ttlSeconds: 3600,
    });
    const revealBody = JSON.stringify({ keyCheck: toBase64Url(sealed.keyCheck) });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const totals = { env: { n: 0, s: 0 }, hsm: { n: 0, s: 0 } };
    let errors = 0;
    const round = async (name: 'env' | 'hsm', port: number) => {
      const ids: string[] = [];
      await pool(PER_ROUND, async () => {
        const r = await request(agent, port, 'POST', '/api/v1/secrets', createBody);
        if (r.status !== 201) throw new Error(`create answered ${r.status}: ${r.text.slice(0, 200)}`);
        ids.push((JSON.parse(r.text) as { id: string }).id);
      });
      const seconds = await pool(ids.length, async (i) => {
        const r = await request(agent, port, 'POST', `/api/v1/secrets/${ids[i]!}/reveal`, revealBody);
        if (r.status !== 200) errors += 1;
      });
      totals[name].n += ids.length;
      totals[name].s += seconds;
    };
    // Warm-up (JIT, pools), then the measured rounds, taking turns so other load on the machine lands on both alike.
    await round('env', envApi.port);
    await round('hsm', hsmApi.port);
    totals.env = { n: 0, s: 0 };
    totals.hsm = { n: 0, s: 0 };
    for (let i = 0; i < ROUNDS; i += 1) {
      await round('env', envApi.port);
      await round('hsm', hsmApi.port);
    }
    const rate = (t: { n: number; s: number }) => t.n / t.s;
    console.log(`reveal (HTTP) env provider     ${rate(totals.env).toFixed(0).padStart(7)} /s`);
    console.log(`reveal (HTTP) pkcs11 provider  ${rate(totals.hsm).toFixed(0).padStart(7)} /s`);
    console.log(`ratio ${(rate(totals.hsm) / rate(totals.env)).toFixed(3)}${errors > 0 ? `   (${errors} reveals failed)` : ''}\n`);

    // The KEK step alone, in this process: Keyring.open (unwrap the data key + decrypt a 512-byte payload).
    const inProcess = (keyring: Keyring) => {
      const binding = { tenantId: '00000000-0000-4000-8000-000000000001', secretId: 'AAAAAAAAAAAAAAAAAAAAAA' };
      const box = keyring.seal(randomBytes(512), binding);
      const n = 20_000;
      const started = performance.now();
      for (let i = 0; i < n; i += 1) keyring.open(box, binding);
      return n / ((performance.now() - started) / 1000);
    };
    const envRing = createKeyring({ pkcs11: undefined }, parseKeyring(envKey));
    const hsmRing = createKeyring({ pkcs11 }, undefined);
    const envOpen = inProcess(envRing);
    const hsmOpen = inProcess(hsmRing);
    hsmRing.close();
    console.log(`open (in-process) env provider     ${envOpen.toFixed(0).padStart(8)} /s`);
    console.log(`open (in-process) pkcs11 provider  ${hsmOpen.toFixed(0).padStart(8)} /s`);
    console.log(`ratio ${(hsmOpen / envOpen).toFixed(3)}`);
  } finally {
    await Promise.all([envApi.stop(), hsmApi.stop()]);
    await pg.stop();
    await token.remove();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
