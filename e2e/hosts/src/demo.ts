// The demo desk `npm start` serves next to the API in local mode: local Zendesk, ServiceNow and Jira stand-ins
// with seeded tickets, registered as tenants of the local API. Run by scripts/start.mjs; never in production
// (start.mjs only spawns it without DATABASE_URL, and the API refuses stand-in tenants unless it allows insecure
// help desks, which it refuses with NODE_ENV=production).
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '@vouchsafe/test-support';
import type { DeskKeySet } from '@vouchsafe/test-support/desks';
import { startHostStandIns, type HostStandIns } from './server';

const env = process.env;
const DATA_DIR = env.VOUCHSAFE_DATA_DIR ?? path.join(REPO_ROOT, '.data');
const DEMO_DIR = path.join(DATA_DIR, 'demo');
const KEYS_FILE = path.join(DEMO_DIR, 'keys.json');
const PORT = Number(env.VOUCHSAFE_DEMO_PORT ?? 8090);
const API_URL = (env.VOUCHSAFE_DEMO_API_URL ?? `http://localhost:${env.PORT ?? 8080}`).replace(/\/+$/, '');
const READY_TIMEOUT_MS = 180_000; // first start: embedded Postgres init + migrations

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

async function main(): Promise<void> {
  if (!Number.isInteger(PORT) || PORT <= 0 || PORT > 65535) throw new Error(`VOUCHSAFE_DEMO_PORT is not a port: ${env.VOUCHSAFE_DEMO_PORT}`);
  await mkdir(DEMO_DIR, { recursive: true, mode: 0o700 });
  const saved = await readJson<DemoFile>(KEYS_FILE);

  await waitForApi();
  const apiToken = await localApiToken();
  const hosts: HostStandIns = await startHostStandIns({
    apiUrl: API_URL,
    apiToken,
    port: PORT,
    host: '127.0.0.1',
    publicHost: 'localhost',
    ...(saved?.keys ? { keys: saved.keys } : {}),
  });
  const sameAsBefore = saved?.keys !== undefined && saved.baseUrl === hosts.url;
  if (!sameAsBefore) {
    await writeFile(KEYS_FILE, `${JSON.stringify({ baseUrl: hosts.url, keys: hosts.desks.keys.export() }, null, 2)}\n`, { mode: 0o600 });
    await chmod(KEYS_FILE, 0o600);
  }
  // Same keys and URL as the registered tenants: keep them. New keys or URL: replace the old registrations.
  await hosts.register(sameAsBefore ? 'keep' : 'replace');

  console.log(`Demo desk: ${hosts.url}/`);

  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    hosts.close().then(
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
