import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrations } from '@vouchsafe/migrations';
import {
  API_DIR,
  apiCliEntry,
  apiMainArgv,
  freePort,
  REPO_ROOT,
  TEST_API_TOKEN,
  TEST_API_TOKENS,
  TEST_AUDIT_SIGNING_KEY,
  TEST_KEYS,
} from '@vouchsafe/test-support';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { createSecret, reveal } from './harness';
import { DOCUMENTED_ROLES, roleGrants, type RoleNames } from './postgres-roles';

// Issue 10: the API runs as a role without DDL rights (VOUCHSAFE_MIGRATE=false) while `vouchsafe db migrate`, as the
// migrator role, is a step of its own. The schema starts one migration behind the build, as in a rolling upgrade.

let database: FreshDatabase;
let names: RoleNames;
let migratorUrl: string;
let runtimeUrl: string;
let api: ChildProcess | undefined;
const apiLines: string[] = [];
const checkpointDir = mkdtempSync(path.join(tmpdir(), 'vs-role-cp-'));

const withUser = (url: string, user: string, password: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
};
const superuserOn = (url: string, db: string) => {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
};

async function run(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await freshDatabase();
  names = { database: database.name, migrator: `${database.name}_migrator`, runtime: `${database.name}_app` };
  const [migratorPassword, runtimePassword] = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
  await run(database.url, [
    `CREATE ROLE ${names.migrator} LOGIN PASSWORD '${migratorPassword}'`,
    `CREATE ROLE ${names.runtime} LOGIN PASSWORD '${runtimePassword}'`,
    `ALTER DATABASE ${names.database} OWNER TO ${names.migrator}`,
    ...roleGrants(names).asAdmin,
  ]);
  migratorUrl = withUser(database.url, names.migrator, migratorPassword);
  runtimeUrl = withUser(database.url, names.runtime, runtimePassword);
  // Default privileges first (as the migrator), then every migration but the last: the build is one ahead.
  await run(migratorUrl, roleGrants(names).asMigrator);
  const all = Object.entries(migrations);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: migratorUrl, max: 1 }) }) });
  try {
    const older = Object.fromEntries(all.slice(0, -1));
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => older } }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
  } finally {
    await db.destroy();
  }
});

afterAll(async () => {
  if (api && api.exitCode === null && api.signalCode === null) api.kill('SIGKILL');
  await database.drop();
  await run(superuserOn(database.url, 'postgres'), [`DROP ROLE IF EXISTS ${names.runtime}`, `DROP ROLE IF EXISTS ${names.migrator}`]);
  rmSync(checkpointDir, { recursive: true, force: true });
});

it('the runtime role of the documented GRANTs can read and write rows but not create anything', async () => {
  const client = new pg.Client({ connectionString: runtimeUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ db: boolean; schema: boolean; temp: boolean; rows: boolean }>(
      `SELECT has_database_privilege(current_database(), 'CREATE') AS db, has_schema_privilege('public', 'CREATE') AS schema,
              has_database_privilege(current_database(), 'TEMP') AS temp, has_table_privilege('secrets', 'SELECT, INSERT, UPDATE, DELETE') AS rows`,
    );
    expect(rows[0]).toEqual({ db: false, schema: false, temp: false, rows: true });
    await expect(client.query('CREATE TABLE sneaky (i int)')).rejects.toMatchObject({ code: '42501' });
  } finally {
    await client.end();
  }
});

it('the README and the compose init script show exactly these GRANTs', () => {
  const { asAdmin, asMigrator } = roleGrants(DOCUMENTED_ROLES);
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const composeInit = readFileSync(path.join(REPO_ROOT, 'deploy/compose/postgres-init.sql'), 'utf8');
  for (const statement of [...asAdmin, ...asMigrator]) {
    expect(readme, 'README.md').toContain(statement);
    expect(composeInit, 'deploy/compose/postgres-init.sql').toContain(statement);
  }
});

async function readyz(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: await res.json() };
}

function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [apiCliEntry(), ...args], {
      cwd: API_DIR,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (out += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

it('the API starts as that role with VOUCHSAFE_MIGRATE=false; `vouchsafe db migrate` as the migrator makes it ready', async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  api = spawn(process.execPath, apiMainArgv(), {
    cwd: API_DIR,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: runtimeUrl,
      VOUCHSAFE_MIGRATE: 'false',
      // The LISTEN connection's own URL (for a pooler in transaction mode); here another role, to tell it apart.
      DATABASE_LISTEN_URL: database.url,
      VOUCHSAFE_KEYS: TEST_KEYS,
      VOUCHSAFE_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
      VOUCHSAFE_AUDIT_CHECKPOINT_DIR: checkpointDir,
      VOUCHSAFE_API_TOKENS: TEST_API_TOKENS,
      VOUCHSAFE_SEAL_INTERVAL_MS: '50',
      VOUCHSAFE_PURGE_INTERVAL_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => api!.once('exit', (code) => resolve(code)));
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      apiLines.push(...String(d).split('\n').filter(Boolean));
      if (apiLines.some((l) => l.includes('"msg":"listening"'))) resolve();
    };
    api!.stdout!.on('data', onData);
    api!.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the API exited (${code}) before listening:\n${apiLines.join('\n')}`)));
  });
  await listening;

  // Behind the build: it says so once, creates nothing, and stays out of rotation.
  expect(apiLines.join('\n')).toContain('VOUCHSAFE_MIGRATE=false: run `vouchsafe db migrate`');
  expect(await readyz(url)).toEqual({ status: 503, body: { status: 'migrating' } });

  // The migration step needs the database only: no keyring, no public URL.
  const migrated = await cli(['db', 'migrate'], { DATABASE_URL: migratorUrl });
  expect(migrated.out).toContain(`applied ${Object.keys(migrations).at(-1)!}`);
  expect(migrated.code).toBe(0);
  expect((await cli(['db', 'migrate'], { DATABASE_URL: migratorUrl })).out).toContain('Database already up to date.');

  expect(await readyz(url)).toEqual({ status: 200, body: { status: 'ready' } });
  const created = await createSecret(url, { kind: 'text', text: 'restricted role canary' }, {}, TEST_API_TOKEN);
  const revealed = await reveal(url, created);
  expect(revealed.payload).toEqual({ kind: 'text', text: 'restricted role canary' });

  // The background jobs (audit sealing) write with the same role.
  const client = new pg.Client({ connectionString: migratorUrl });
  await client.connect();
  try {
    await expect
      .poll(async () => (await client.query('SELECT count(*)::int AS n FROM audit_events WHERE chain_index IS NULL')).rows[0].n, {
        timeout: 10_000,
        interval: 50,
      })
      .toBe(0);
    expect((await client.query('SELECT count(*)::int AS n FROM audit_events')).rows[0].n).toBeGreaterThanOrEqual(2);
    // Live updates LISTEN on DATABASE_LISTEN_URL; everything else uses DATABASE_URL (the runtime role).
    const sessions = await client.query<{ app: string; role: string }>(
      'SELECT DISTINCT application_name AS app, usename AS role FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE $1 ORDER BY 1',
      ['vouchsafe-api%'],
    );
    expect(sessions.rows).toEqual([
      { app: 'vouchsafe-api', role: names.runtime },
      { app: 'vouchsafe-api-live', role: 'postgres' },
    ]);
  } finally {
    await client.end();
  }

  api.kill('SIGTERM');
  expect(await exited).toBe(0);
  const logs = apiLines.join('\n');
  expect(logs).not.toMatch(/permission denied|must be owner/i);
  expect(logs).toContain('"msg":"stopped"');
});
