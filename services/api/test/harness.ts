import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { Express } from 'express';
import { freshDatabase, type FreshDatabase } from '@vouchsafe/test-support/vitest';
import { fromBase64Url, openSecret, sealSecret, toBase64Url, deriveChecks, type SecretPayload } from '@vouchsafe/crypto';
import type { CreateSecretRequest, CreateSecretResponse } from '@vouchsafe/contracts';
import { createApp } from '../src/app';
import { compose, type AppConfig, type ComposeInput, type Graph } from '../src/compose';
import { parseKeyring, type KeyEntry } from '../src/config';
import type { Outbound } from '../src/lib/outbound';
import { createDb, migrateToLatest, type Db } from '../src/db/database';
import { createLogger } from '../src/logger';
import { Keyring, generateKeyEntry } from '../src/modules/keys/keyring';
import { API_TOKEN_SCOPES, apiToken, type ApiToken, type ApiTokenScope } from '../src/modules/api-tokens/api-tokens';

/** A fixed token of test name `name` (32 bytes, base64url, like a generated one). */
export const testToken = (name: string): string => createHash('sha256').update(`vouchsafe test token ${name}`).digest('base64url');
/** Bearer token with every scope, named `integration`. */
export const TOKEN = testToken('integration');
/** One token per scope, named after it (`only-secrets`, …), for scope tests. */
export const SCOPED_TOKENS: Record<ApiTokenScope, string> = {
  secrets: testToken('only-secrets'),
  admin: testToken('only-admin'),
  metrics: testToken('only-metrics'),
  auditor: testToken('only-auditor'),
};
/** What the in-process test app is configured with: TOKEN plus the single-scope tokens. */
export const TEST_TOKENS: readonly ApiToken[] = [
  apiToken('integration', API_TOKEN_SCOPES, TOKEN),
  ...API_TOKEN_SCOPES.map((scope) => apiToken(`only-${scope}`, [scope], SCOPED_TOKENS[scope])),
];
/** Fast PBKDF2 for tests only; production uses the crypto package's default. */
export const TEST_ITERATIONS = 1_000;

export interface TestApp {
  url: string;
  /** The Express app itself (route discovery in the bad-input suite). */
  app: Express;
  db: Db;
  database: FreshDatabase;
  logs: string[];
  keyring: Keyring;
  /** The app's outbound-connection guard (S12). */
  outbound: Outbound;
  /** Everything the composition root built for this app (notes, metrics, verification runtime, live hub, …). */
  graph: Graph;
  /** Restart the HTTP app on the same database with another keyring (environment keys, or a keyring with providers). */
  withKeys(entries: KeyEntry[] | Keyring): Promise<TestApp>;
  /**
   * A second app on the same database with its own pool and in-memory state, as another API process would be
   * (same keyring and options unless overridden). Its close() leaves the database to this one.
   */
  another(opts?: TestAppOptions): Promise<TestApp>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  rateLimitPerMinute?: number;
  /** Overrides of the app config (help-desk settings default to what tests against stand-ins need). */
  config?: Partial<AppConfig>;
  /** The outbound guard (S12); default one built from the config's policy (with an injected resolver, say). */
  outbound?: Outbound;
  /** Open this app's LISTEN connection (live verification status over SSE). */
  isLive?: boolean;
  /** Scripted verification providers instead of the built-in ones (compose.ts takes them as data). */
  providerConstructors?: ComposeInput['providerConstructors'];
  verificationPolling?: ComposeInput['verificationPolling'];
  /** VOUCHSAFE_SESSION_KEYS (needed when the keyring holds no environment key to derive session keys from). */
  sessionKeys?: KeyEntry[];
  /** Issue 12: the ticket-lifecycle handler the desk-event receivers hand events to (default: a no-op). */
  deskEventHandlers?: ComposeInput['deskEventHandlers'];
}

async function listen(
  db: Db,
  database: FreshDatabase,
  entries: KeyEntry[] | Keyring,
  opts: TestAppOptions = {},
  ownsDatabase = true,
): Promise<TestApp> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const keyring = entries instanceof Keyring ? entries : new Keyring(entries);
  const logger = createLogger('debug', sink);
  const config: AppConfig = {
    apiTokens: TEST_TOKENS,
    maxFileBytes: 10 * 1024 * 1024,
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 100_000,
    trustProxy: 'loopback',
    portalDir: undefined,
    allowInsecureHelpdesks: true,
    appsDir: '/nonexistent-vouchsafe-apps',
    zafSdkUrl: '/apps/zendesk/vendor/zaf_sdk.js',
    frameAncestors: { zendesk: ["'self'"], servicenow: ["'self'"] },
    corsOrigins: ['https://*.cdn.prod.atlassian-dev.net'],
    sessionTtlSeconds: 900,
    sessionChainMaxSeconds: 8 * 3600,
    forgeJwksUrl: 'https://forge.invalid/.well-known/jwks.json',
    helpdeskTimeoutMs: 5_000,
    publicUrl: undefined,
    noteMaxAttempts: 8,
    noteBackoffMs: 1_000,
    outboundAllow: [],
    // Explicit: tests change policy and IdPs directly; maker-checker.test.ts asks for four_eyes.
    approvals: 'single_admin',
    ...opts.config,
  };
  const graph = compose({
    config,
    db,
    keyring,
    logger,
    ...(opts.outbound ? { outbound: opts.outbound } : {}),
    ...(opts.isLive ? { databaseUrl: database.url } : {}),
    ...(opts.providerConstructors ? { providerConstructors: opts.providerConstructors } : {}),
    ...(opts.verificationPolling ? { verificationPolling: opts.verificationPolling } : {}),
    ...(opts.deskEventHandlers ? { deskEventHandlers: opts.deskEventHandlers } : {}),
    ...(opts.sessionKeys ? { sessionKeys: opts.sessionKeys } : {}),
  });
  await graph.live?.ready();
  const { outbound } = graph;
  const app = createApp(graph);
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const self: TestApp = {
    url: `http://127.0.0.1:${port}`,
    app,
    db,
    database,
    logs,
    keyring,
    outbound,
    graph,
    withKeys: async (next) => {
      await new Promise<void>((r) => server.close(() => r()));
      await graph.close();
      return listen(db, database, next, opts, ownsDatabase);
    },
    another: (other) => listen(createDb(database.url, 10).db, database, entries, other ?? opts, false),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await graph.close();
      await db.destroy();
      if (ownsDatabase) await database.drop();
    },
  };
  return self;
}

/** The real app over HTTP on a fresh, migrated database of the run's Postgres cluster. */
export async function startTestApp(opts: TestAppOptions & { keys?: string } = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const { db } = createDb(database.url, 10);
  await migrateToLatest(db);
  return listen(db, database, parseKeyring(opts.keys ?? generateKeyEntry('k1')), opts);
}

export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

export interface Created extends CreateSecretResponse {
  linkKey: Uint8Array;
  passphraseSalt?: Uint8Array;
}

export async function createSecret(
  base: string,
  payload: SecretPayload = { kind: 'text', text: 'correct horse battery staple' },
  extra: Partial<CreateSecretRequest> & { passphrase?: string } = {},
  /** Bearer token; the in-process app accepts TOKEN, processes from `startApi` accept TEST_API_TOKEN. */
  token: string = TOKEN,
): Promise<Created> {
  const { passphrase, ...rest } = extra;
  const sealed = await sealSecret(payload, passphrase ? { passphrase, iterations: TEST_ITERATIONS } : {});
  const res = await api(
    base,
    'POST',
    '/api/v1/secrets',
    {
      kind: payload.kind,
      ciphertext: toBase64Url(sealed.ciphertext),
      keyCheck: toBase64Url(sealed.keyCheck),
      ...(sealed.passphraseSalt && sealed.passphraseCheck
        ? { passphraseSalt: toBase64Url(sealed.passphraseSalt), passphraseCheck: toBase64Url(sealed.passphraseCheck) }
        : {}),
      ...rest,
    },
    { authorization: `Bearer ${token}` },
  );
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.json)}`);
  return { ...res.json, linkKey: sealed.linkKey, ...(sealed.passphraseSalt ? { passphraseSalt: sealed.passphraseSalt } : {}) };
}

export async function revealBody(linkKey: Uint8Array, passphrase?: string, salt?: Uint8Array) {
  const checks = await deriveChecks(linkKey, passphrase && salt ? { passphrase, passphraseSalt: salt, iterations: TEST_ITERATIONS } : {});
  return {
    keyCheck: toBase64Url(checks.keyCheck),
    ...(checks.passphraseCheck ? { passphraseCheck: toBase64Url(checks.passphraseCheck) } : {}),
  };
}

/** Reveals through the API and decrypts like a client would. */
export async function reveal(base: string, c: Created, passphrase?: string, headers: Record<string, string> = {}) {
  const res = await api(base, 'POST', `/api/v1/secrets/${c.id}/reveal`, await revealBody(c.linkKey, passphrase, c.passphraseSalt), headers);
  if (res.status !== 200) return { status: res.status, json: res.json, payload: undefined };
  const payload = await openSecret(
    fromBase64Url(res.json.ciphertext),
    c.linkKey,
    passphrase && c.passphraseSalt ? { passphrase, passphraseSalt: c.passphraseSalt, iterations: TEST_ITERATIONS } : {},
  );
  return { status: res.status, json: res.json, payload };
}
