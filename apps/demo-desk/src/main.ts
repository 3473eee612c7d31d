// The demo desk `npm start` serves next to the API in local mode: local Zendesk, ServiceNow and Jira stand-ins
// with seeded tickets, registered as tenants of the local API, and local IdP stand-ins (Okta, Duo, OIDC, Twilio) as
// their identity providers, with a simulated phone at /phone. Run by scripts/start.mjs; never in production
// (start.mjs only spawns it without DATABASE_URL, and the API refuses stand-in tenants unless it allows insecure
// help desks, which it refuses with NODE_ENV=production).
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '@vouchsafe/test-support';
import type { DeskKeySet, DeskSnapshot, DeskState } from '@vouchsafe/test-support/desks';
import type { Desk, VerificationPolicyInput } from '@vouchsafe/contracts';
import { readyBanner } from './banner';
import { startIdpStandIns } from './idps';
import { startHostStandIns, type HostStandIns } from './server';

const env = process.env;
const DATA_DIR = env.VOUCHSAFE_DATA_DIR ?? path.join(REPO_ROOT, '.data');
const DEMO_DIR = path.join(DATA_DIR, 'demo');
const KEYS_FILE = path.join(DEMO_DIR, 'keys.json');
/** The desks' tickets, notes and requesters, so a restart keeps what the demo wrote (a real desk keeps its notes). */
const DESKS_FILE = path.join(DEMO_DIR, 'desks.json');
const SAVE_EVERY_MS = 1_000;
const PORT = Number(env.VOUCHSAFE_DEMO_PORT ?? 8090);
const API_URL = (env.VOUCHSAFE_DEMO_API_URL ?? `http://localhost:${env.PORT ?? 8080}`).replace(/\/+$/, '');
const READY_TIMEOUT_MS = 180_000; // first start: embedded Postgres init + migrations
/** The Duo stand-in's port: scripts/start.mjs gives the API the same one (its Duo interception needs it at start-up). */
const DUO_PORT = Number(env.VOUCHSAFE_DEMO_DUO_PORT ?? 8091);

/** Every method the desk's IdP connections allow; both seeded agents may approve overrides (never their own). */
const DEMO_METHODS: Record<Desk, VerificationPolicyInput['methods']> = {
  zendesk: ['okta_push', 'duo_push', 'oidc', 'duo_universal', 'callback_sms', 'callback_voice'],
  servicenow: ['okta_push', 'oidc', 'callback_sms', 'callback_voice'],
  jira: ['okta_push', 'duo_push'],
};

interface DemoFile {
  /** The stand-in URL the tenants were registered with. */
  baseUrl?: string;
  keys: DeskKeySet;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Restores the desks from DESKS_FILE and returns a save function that writes them back when they changed (written
 * to a temporary file and renamed, mode 0600: internal notes are masked, but replies may hold secret links).
 */
async function keepDesks(state: DeskState): Promise<() => Promise<void>> {
  const saved = await readJson<DeskSnapshot>(DESKS_FILE);
  if (saved) {
    try {
      state.restore(saved);
    } catch (error) {
      console.error(
        `✖ Demo desk: ignoring ${DESKS_FILE} (${error instanceof Error ? error.message : String(error)}); starting from the seed`,
      );
    }
  }
  let last = JSON.stringify(state.snapshot());
  return async () => {
    const now = JSON.stringify(state.snapshot());
    if (now === last) return;
    last = now;
    await writeFile(`${DESKS_FILE}.tmp`, now, { mode: 0o600 });
    await rename(`${DESKS_FILE}.tmp`, DESKS_FILE);
  };
}

async function waitForApi(): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${API_URL}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`the API at ${API_URL} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The local API token the embedded mode generated (services/api/src/local/embedded.ts, `<data dir>/local.json`). */
async function localApiToken(): Promise<string> {
  const file = path.join(DATA_DIR, 'local.json');
  for (let i = 0; i < 40; i++) {
    const state = await readJson<{ apiToken?: string }>(file);
    if (state?.apiToken) return state.apiToken;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no local API token in ${file}: is the API running in local (embedded) mode?`);
}

async function hasStoredPolicy(slug: string, apiToken: string): Promise<boolean> {
  const res = await fetch(`${API_URL}/api/v1/admin/tenants/${encodeURIComponent(slug)}/policy`, {
    headers: { authorization: `Bearer ${apiToken}` },
  });
  if (!res.ok) {
    await res.body?.cancel();
    return false;
  }
  const body = (await res.json()) as { version?: number };
  return (body.version ?? 0) > 0;
}

async function main(): Promise<void> {
  if (!Number.isInteger(PORT) || PORT <= 0 || PORT > 65535)
    throw new Error(`VOUCHSAFE_DEMO_PORT is not a port: ${env.VOUCHSAFE_DEMO_PORT}`);
  await mkdir(DEMO_DIR, { recursive: true, mode: 0o700 });
  const saved = await readJson<DemoFile>(KEYS_FILE);

  await waitForApi();
  const apiToken = await localApiToken();
  const idps = await startIdpStandIns({ duoPort: DUO_PORT });
  idps.allowCallbacks([API_URL, API_URL.replace('//localhost:', '//127.0.0.1:')]);
  const hosts: HostStandIns = await startHostStandIns({
    idps,
    apiUrl: API_URL,
    apiToken,
    port: PORT,
    host: '127.0.0.1',
    publicHost: 'localhost',
    ...(saved?.keys ? { keys: saved.keys } : {}),
  });
  const saveDesks = await keepDesks(hosts.desks.state);
  const saver = setInterval(() => void saveDesks().catch(() => undefined), SAVE_EVERY_MS);
  const sameAsBefore = saved?.keys !== undefined && saved.baseUrl === hosts.url;
  if (!sameAsBefore) {
    await writeFile(KEYS_FILE, `${JSON.stringify({ baseUrl: hosts.url, keys: hosts.desks.keys.export() }, null, 2)}\n`, { mode: 0o600 });
    await chmod(KEYS_FILE, 0o600);
  }
  // Same keys and URL as the registered tenants: keep them. New keys or URL: replace the old registrations.
  const tenants = await hosts.register(sameAsBefore ? 'keep' : 'replace');
  // Issue 12: a fresh webhook secret per start; the Zendesk page's customer comments and Solve button send webhooks.
  await hosts.connectWebhooks(tenants);

  // The seeded requesters answer on the phone page (nothing answers by itself).
  for (const desk of ['zendesk', 'servicenow', 'jira'] as const) {
    for (const person of hosts.desks.state.data(desk).requesters) {
      if (person.email)
        idps.enroll({
          email: person.email,
          name: person.name,
          phone: person.phone,
          okta: 'manual',
          duo: { outcome: 'manual', verifiedPush: true },
        });
    }
  }
  // IdP connections follow the stand-ins' (new) ports on every start; a policy only where none was stored yet.
  const policies: Partial<Record<Desk, VerificationPolicyInput>> = {};
  for (const t of tenants) {
    if (await hasStoredPolicy(t.slug, apiToken)) continue;
    policies[t.desk] = {
      methods: DEMO_METHODS[t.desk],
      fallbackMethod: t.desk === 'jira' ? null : 'callback_sms',
      supervisors: hosts.desks.state.data(t.desk).agents.map((a) => a.id),
      // Issue 12: a card number or IBAN in a Zendesk customer comment is redacted (the other desks' pages send no webhooks).
      ...(t.desk === 'zendesk' ? { commentRedaction: 'redact' as const } : {}),
    };
  }
  await idps.configure({ apiUrl: API_URL, apiToken, tenants, policies });

  // Last, after the API's start-up lines: the addresses stay on screen instead of scrolling away.
  console.log(readyBanner(hosts.url, API_URL));

  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    clearInterval(saver);
    saveDesks()
      .catch((error: unknown) => console.error(`✖ Demo desk: could not save the desks: ${String(error)}`))
      .then(() => Promise.all([hosts.close(), idps.close()]))
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`✖ Demo desk: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
