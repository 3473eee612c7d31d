import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { REPO_ROOT, TEST_API_TOKEN, ensureChromium, freePort, startApi, startPostgres, type ApiProcess } from '@vouchsafe/test-support';
import type { Desk, VerificationPolicyInput } from '@vouchsafe/contracts';
import { startHostStandIns, startIdpStandIns, type HostStandIns, type IdpStandIns } from '@vouchsafe/demo-desk';
import { REVIEWER } from './tests/support/review';
import { ADMINS, ADMIN_ROLE_CLAIM } from './tests/support/admin';

const PORTAL_DIST = path.join(REPO_ROOT, 'apps', 'portal', 'dist');

const LOG_MIRROR_MS = 200;

/** What each built app must contain; turbo (`@vouchsafe/e2e#test` dependsOn) normally builds them first. */
const BUILDS: ReadonlyArray<{ pkg: string; file: string }> = [
  { pkg: '@vouchsafe/portal', file: path.join(PORTAL_DIST, 'index.html') },
  { pkg: '@vouchsafe/review', file: path.join(REPO_ROOT, 'apps', 'review', 'dist', 'index.html') },
  { pkg: '@vouchsafe/admin', file: path.join(REPO_ROOT, 'apps', 'admin', 'dist', 'index.html') },
  { pkg: '@vouchsafe/zendesk', file: path.join(REPO_ROOT, 'apps', 'zendesk', 'dist', 'index.html') },
  { pkg: '@vouchsafe/servicenow', file: path.join(REPO_ROOT, 'apps', 'servicenow', 'dist', 'index.html') },
  { pkg: '@vouchsafe/jira', file: path.join(REPO_ROOT, 'apps', 'jira', 'static', 'sidebar', 'build', 'index.html') },
];

function ensureAppsBuilt(): void {
  const missing = BUILDS.filter((b) => !existsSync(b.file));
  if (missing.length === 0) return;
  console.log(`e2e: building ${missing.map((b) => b.pkg).join(', ')} (no build output found)`);
  const result = spawnSync(
    'npx',
    ['pnpm@12.4.2', 'exec', 'turbo', 'run', 'build', ...missing.map((b) => `--filter=${b.pkg}`), '--output-logs=errors-only'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
  const still = missing.filter((b) => !existsSync(b.file));
  if (result.status !== 0 || still.length > 0) {
    throw new Error(
      `e2e: building ${missing.map((b) => b.pkg).join(', ')} failed (exit ${result.status ?? result.signal}); missing ${still.map((b) => b.file).join(', ')}`,
    );
  }
}

/**
 * Settings the help-desk suites need from the API. Notes retry quickly (the outage test still takes the desk
 * down for 30 s, and 12 attempts from 250 ms doubling outlast it), and the sidebars may be framed by the stand-ins.
 */
function deskApiEnv(standInOrigin: string): Record<string, string> {
  return {
    VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: 'true',
    VOUCHSAFE_ZAF_SDK_URL: '/apps/zendesk/vendor/zaf_sdk.js',
    VOUCHSAFE_FRAME_ANCESTORS_ZENDESK: standInOrigin,
    VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW: standInOrigin,
    VOUCHSAFE_OUTBOX_INTERVAL_MS: '100',
    VOUCHSAFE_NOTE_BACKOFF_MS: '250',
    VOUCHSAFE_NOTE_MAX_ATTEMPTS: '12',
    VOUCHSAFE_HELPDESK_TIMEOUT_MS: '3000',
    // Issue 12: the ticket-lifecycle sweep asks the stand-ins often, so ticket-lifecycle.spec waits seconds, not 15 min.
    VOUCHSAFE_LIFECYCLE_SWEEP_INTERVAL_MS: '2000',
  };
}

/**
 * Verification policy per desk tenant. Zendesk offers every method (the per-method specs run there) with short attempt
 * timeouts and both seeded agents as supervisors (the DB still refuses self-approval); ServiceNow: Entra with a
 * Conditional Access auth context; Jira: pushes.
 */
function policies(supervisors: (desk: Desk) => string[]): Record<Desk, VerificationPolicyInput> {
  return {
    zendesk: {
      methods: ['okta_push', 'duo_push', 'oidc', 'duo_universal', 'callback_sms', 'callback_voice'],
      fallbackMethod: 'callback_sms',
      attemptTimeoutSeconds: 30,
      supervisors: supervisors('zendesk'),
      pushLimit: { count: 3, windowSeconds: 600, cooldownSeconds: 900 },
      oidc: { maxAuthAgeSeconds: 120, requiredAmr: ['mfa'] },
      // Issue 12: secrets in customer comments are redacted (desk-webhooks.spec); no other spec sends comment webhooks.
      commentRedaction: 'redact',
    },
    servicenow: {
      methods: ['oidc', 'okta_push', 'callback_sms'],
      attemptTimeoutSeconds: 60,
      supervisors: supervisors('servicenow'),
      oidc: { maxAuthAgeSeconds: 120, requiredAcrs: ['c1'], requiredAmr: [] },
    },
    jira: { methods: ['okta_push', 'duo_push'], attemptTimeoutSeconds: 60, supervisors: supervisors('jira') },
  };
}

/** Registers the Zendesk stand-in account as a tenant of the four-eyes API (admin token); answers its slug. */
async function registerAdminTenant(adminUrl: string, hosts: HostStandIns): Promise<string> {
  const body = hosts.tenants().find((t) => t.desk === 'zendesk');
  const res = await fetch(`${adminUrl}/api/v1/admin/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201)
    throw new Error(`e2e: registering the admin spec's tenant answered ${res.status} ${(await res.text()).slice(0, 200)}`);
  return ((await res.json()) as { slug: string }).slug;
}

/**
 * One throwaway Postgres, one API process (serving the built portal, sidebars and consoles; single_admin), a second one in
 * four_eyes for the admin console spec, and the help-desk stand-ins (registered as tenants) for the whole run.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  process.env.CHROMIUM_PATH = await ensureChromium();
  ensureAppsBuilt();

  // The stand-ins' port is chosen first: the API must know the origin allowed to frame the sidebars.
  const hostsPort = await freePort();
  // The API's port too: the OIDC peers must know its callback before it starts, and links carry its public URL.
  const apiPort = await freePort();
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // A second API process, on a database of its own, in four_eyes mode: the admin console spec (admin.spec.ts), where
  // policy and IdP changes wait for a second administrator. The main one runs single_admin (the harness default), so
  // the other suites set policies with one call.
  const adminPort = await freePort();
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const idps: IdpStandIns = await startIdpStandIns();
  idps.allowCallbacks([apiUrl]);
  // Operator sign-in to /review and /admin at the generic OIDC peer (its confidential `basic` client), roles in `roles`.
  idps.oidc.allowRedirectUri(`${apiUrl}/auth/operator/callback`);
  idps.oidc.allowRedirectUri(`${adminUrl}/auth/operator/callback`);
  idps.oidc.addAccount(REVIEWER.email, REVIEWER.name, { roles: [REVIEWER.roleClaim] });
  for (const admin of Object.values(ADMINS)) idps.oidc.addAccount(admin.email, admin.name, { roles: [ADMIN_ROLE_CLAIM] });
  const operatorEnv = {
    VOUCHSAFE_OPERATOR_ISSUER: idps.oidc.issuer,
    VOUCHSAFE_OPERATOR_CLIENT_ID: idps.oidc.clients.basic.clientId,
    VOUCHSAFE_OPERATOR_CLIENT_SECRET: idps.oidc.clients.basic.clientSecret ?? '',
    VOUCHSAFE_OPERATOR_ROLE_AUDITOR: REVIEWER.roleClaim,
    VOUCHSAFE_OPERATOR_ROLE_ADMIN: ADMIN_ROLE_CLAIM,
  };
  const pg = await startPostgres().catch(async (error: unknown) => {
    await idps.close();
    throw error;
  });
  const start = (port: number, url: string, databaseUrl: string, extra: Record<string, string> = {}) =>
    startApi({
      databaseUrl,
      port,
      // Duo's SDKs pin Duo's CAs: the API process reaches the Duo stand-in through the interception module.
      imports: idps.api.imports,
      env: {
        VOUCHSAFE_PORTAL_DIR: PORTAL_DIST,
        VOUCHSAFE_PUBLIC_URL: url,
        ...deskApiEnv(`http://127.0.0.1:${hostsPort}`),
        ...idps.api.env,
        ...operatorEnv,
        ...extra,
      },
    });
  let api: ApiProcess;
  let databaseUrl: string;
  try {
    databaseUrl = await pg.createDatabase();
    api = await start(apiPort, apiUrl, databaseUrl);
  } catch (error) {
    await pg.stop();
    await idps.close();
    throw error;
  }
  // The four-eyes API starts while the stand-ins register with the first one (not beside the first start: two cold
  // starts at once can pass startApi's 30 s on a loaded 2-core machine).
  const adminStart = pg.createDatabase().then((adminDb) => start(adminPort, adminUrl, adminDb, { VOUCHSAFE_APPROVALS: 'four_eyes' }));
  // Observed now, awaited below: a failure while the stand-ins register is no unhandled rejection.
  adminStart.catch(() => undefined);
  let hosts: HostStandIns;
  let adminApi: ApiProcess;
  try {
    // ServiceNow's reply insertion is an opt-in of a real install (the demo defaults to copy); e2e covers the opt-in.
    hosts = await startHostStandIns({
      apiUrl: api.url,
      apiToken: TEST_API_TOKEN,
      port: hostsPort,
      control: true,
      idps,
      serviceNowReply: 'postmessage',
    });
    const tenants = await hosts.register('replace');
    // Issue 12: the Zendesk page's customer comments and Solve button send signed webhooks to the API.
    await hosts.connectWebhooks(tenants);
    const agentIds = (desk: Desk) => hosts.desks.state.data(desk).agents.map((a) => a.id);
    await idps.configure({ apiUrl: api.url, apiToken: TEST_API_TOKEN, tenants, policies: policies(agentIds) });
    adminApi = await adminStart;
    process.env.VOUCHSAFE_E2E_ADMIN_TENANT = await registerAdminTenant(adminApi.url, hosts);
  } catch (error) {
    await adminStart.then((a) => a.stop()).catch(() => undefined);
    await api.stop();
    await pg.stop();
    await idps.close();
    throw error;
  }
  process.env.VOUCHSAFE_E2E_URL = api.url;
  // The four-eyes API of the admin console spec (tests/support/admin.ts).
  process.env.VOUCHSAFE_E2E_ADMIN_URL = adminApi.url;
  process.env.VOUCHSAFE_E2E_TOKEN = TEST_API_TOKEN;
  // The API's database (superuser, throwaway cluster): tests/support/verify.ts expireNow() brings a deadline forward.
  process.env.VOUCHSAFE_E2E_DATABASE_URL = databaseUrl;
  // The desk stand-ins and their agent pages (tests/support/desks.ts drives them over HTTP).
  process.env.VOUCHSAFE_E2E_DESK_URL = hosts.url;
  // The IdP stand-ins (tests/support/idps.ts): control URLs; the desk server's /__control/idps and /phone drive them.
  process.env.VOUCHSAFE_E2E_IDP_URLS = JSON.stringify(idps.urls);

  // The API's log, mirrored to a file while the run lasts so tests (in worker processes) can read it:
  // see readApiLog() in tests/support/vault.ts. Playwright clears outputDir before globalSetup, not after.
  const outputDir = config.projects[0]?.outputDir ?? path.join(import.meta.dirname, 'test-results');
  const logPath = path.join(outputDir, 'api.log');
  process.env.VOUCHSAFE_E2E_API_LOG = logPath;
  let mirrored = -1;
  const mirrorLog = () => {
    const text = api.logs();
    if (text.length === mirrored) return;
    // Write then rename, so a reader never sees a half-written file.
    mkdirSync(outputDir, { recursive: true });
    writeFileSync(`${logPath}.tmp`, `${text}\n`);
    renameSync(`${logPath}.tmp`, logPath);
    mirrored = text.length;
  };
  mirrorLog();
  const mirror = setInterval(() => {
    try {
      mirrorLog();
    } catch (error) {
      console.warn(`e2e: could not mirror the API log to ${logPath}: ${String(error)}`);
    }
  }, LOG_MIRROR_MS);
  mirror.unref();

  return async () => {
    clearInterval(mirror);
    await hosts.close();
    await adminApi.stop();
    const code = await api.stop();
    await idps.close();
    // Keep the API's log with the other artifacts: failed tests usually need it.
    await mkdir(outputDir, { recursive: true });
    await writeFile(logPath, `${api.logs()}\n`);
    if (code !== 0) console.warn(`e2e: the API exited with ${code} after SIGTERM; its log is in ${logPath}`);
    await pg.stop();
  };
}
