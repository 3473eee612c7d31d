/**
 * The two database roles of a production deployment (README, "Database roles"), as SQL: the migrator owns the
 * database and its schema and runs `vouchsafe db migrate`; the runtime role the API runs as may read and write rows
 * and nothing else (no CREATE on the database or schema, no TEMP). Used by the restricted-role test and the bundle
 * smoke run; the README and deploy/compose/postgres-init.sql must show these same statements (checked by the test).
 */
export interface RoleNames {
  database: string;
  migrator: string;
  runtime: string;
}

export const DOCUMENTED_ROLES: RoleNames = { database: 'vouchsafe', migrator: 'vouchsafe_migrator', runtime: 'vouchsafe_app' };

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * `asAdmin`: run by a superuser (or the cloud's admin role) once the two login roles exist and the database is owned by
 * the migrator, connected to that database. `asMigrator`: run by the migrator, so tables its migrations create later
 * are granted to the runtime role as well (ALTER DEFAULT PRIVILEGES covers objects created by the role that runs it),
 * plus grants on tables that exist already (an installation upgraded from one role).
 */
export function roleGrants(names: RoleNames): { asAdmin: string[]; asMigrator: string[] } {
  for (const n of Object.values(names)) if (!IDENT.test(n)) throw new Error(`not a plain identifier: ${n}`);
  const { database, runtime } = names;
  return {
    asAdmin: [
      `REVOKE ALL ON DATABASE ${database} FROM PUBLIC;`,
      `GRANT CONNECT ON DATABASE ${database} TO ${runtime};`,
      `REVOKE CREATE ON SCHEMA public FROM PUBLIC;`,
      `GRANT USAGE ON SCHEMA public TO ${runtime};`,
    ],
    asMigrator: [
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${runtime};`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${runtime};`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${runtime};`,
      `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${runtime};`,
    ],
  };
}
