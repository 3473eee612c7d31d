export { API_CLI_SOURCE, API_DIST_ENV, API_MAIN_SOURCE, apiCliEntry, apiMainArgv, apiMainEntry } from './api-entry';
export { startApi, TEST_API_TOKEN, TEST_API_TOKENS, TEST_AUDIT_SIGNING_KEY, TEST_KEYS, type ApiProcess, type StartApiOptions } from './api';
export { CHROMIUM_ARGS, ensureChromium } from './chromium';
export { ensurePgDump } from './pg-dump';
export { freePort, isPortOpen, serveOnLoopback, type LoopbackServer, type LoopbackTls } from './ports';
export {
  createTestDatabase,
  databaseUrl,
  dropTestDatabase,
  queryDatabase,
  randomDatabaseName,
  startPostgres,
  type StartPostgresOptions,
  type TestPostgres,
} from './postgres';
export { API_DIR, REPO_ROOT } from './repo';
export { createSoftHsmToken, ensureSoftHsm, type SoftHsm, type SoftHsmToken } from './softhsm';
export { selfSignedCertificate, testCa, type ServerCertificate, type TestCa } from './tls';
