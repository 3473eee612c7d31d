-- Run once by the postgres image on an empty data directory (/docker-entrypoint-initdb.d), as the superuser, with
-- psql 15 (\getenv). Creates the two roles of README "Database roles": the migrator owns the database and runs
-- `vouchsafe db migrate`; the API connects as vouchsafe_app, which may read and write rows and create nothing.
-- The passwords come from the postgres service's environment (compose.yaml). UNTESTED as a container (see README).
\getenv migrator_password VOUCHSAFE_MIGRATOR_PASSWORD
\getenv app_password VOUCHSAFE_APP_PASSWORD
CREATE ROLE vouchsafe_migrator LOGIN PASSWORD :'migrator_password';
CREATE ROLE vouchsafe_app LOGIN PASSWORD :'app_password';
CREATE DATABASE vouchsafe OWNER vouchsafe_migrator;
\connect vouchsafe
REVOKE ALL ON DATABASE vouchsafe FROM PUBLIC;
GRANT CONNECT ON DATABASE vouchsafe TO vouchsafe_app;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO vouchsafe_app;
-- As the migrator, so the tables its migrations create are granted to the runtime role too.
SET ROLE vouchsafe_migrator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vouchsafe_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO vouchsafe_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO vouchsafe_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO vouchsafe_app;
RESET ROLE;
