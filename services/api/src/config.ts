import path from 'node:path';
import { z } from 'zod';
import { parseOutboundAllow, type AllowEntry } from './lib/outbound/allowlist';
import { outboundPolicy, urlProblem } from './lib/outbound/url-rules';
import { REPO_ROOT } from './paths';
import { parseApiTokens, type ApiToken } from './modules/api-tokens/api-tokens';

/**
 * The only reader of process.env (enforced by lint). Validated once, frozen, fail fast.
 * Secrets have no defaults: embedded local mode (no DATABASE_URL) generates and stores them
 * under the data directory instead (see local/embedded.ts).
 */

const KEY_ENTRY = /^([A-Za-z0-9_.-]{1,32}):([A-Za-z0-9+/]{43}=)$/;

export interface KeyEntry {
  kid: string;
  key: Buffer;
}

export function parseKeyring(value: string): KeyEntry[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new Error(
      'VOUCHSAFE_KEYS is set but empty: it must list at least one "kid:base64(32 bytes)" key. Generate one with `pnpm vouchsafe keys generate` and keep it in your secret store.',
    );
  }
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const m = KEY_ENTRY.exec(entry);
    if (!m) {
      throw new Error(`VOUCHSAFE_KEYS entry ${i + 1} is not "kid:base64(32 bytes)"`);
    }
    const kid = m[1]!;
    const key = Buffer.from(m[2]!, 'base64');
    if (key.length !== 32) throw new Error(`VOUCHSAFE_KEYS entry ${kid} is not 32 bytes`);
    if (seen.has(kid)) throw new Error(`VOUCHSAFE_KEYS lists kid ${kid} twice`);
    seen.add(kid);
    return { kid, key };
  });
}

export const DEFAULT_ZAF_SDK_URL = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';
export const DEFAULT_FORGE_JWKS_URL = 'https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json';

/** One CSP source: a scheme+host pattern (wildcard subdomain, optional port) or 'self'. Nothing that could end the directive. */
const FRAME_SOURCE = /^(?:'self'|https?:\/\/(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:\d{1,5}|\*))?)$/;

/**
 * Origins whose pages may call the sidebar API cross-origin. Only Jira needs it: Forge's
 * `requestRemote` fetches our API straight from the browser (not proxied, Atlassian's requestRemote
 * docs), from the Custom UI frame (served by Atlassian's CDN) or the site itself (which of the two is
 * not documented). The default admits the Forge CDN; the registered Jira tenants' own site origins
 * are added at run time (modules/tenants/desk-origins.ts) — never every *.atlassian.net site.
 * Sessions travel in a header, never in cookies, so CORS grants no ambient authority.
 */
export const DEFAULT_CORS_ORIGINS = 'https://*.cdn.prod.atlassian-dev.net';

export function parseCorsOrigins(value: string): string[] {
  const origins = value.split(/\s+/).filter(Boolean);
  const bad = origins.find((s) => !/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i.test(s));
  if (bad !== undefined) throw new Error(`VOUCHSAFE_CORS_ORIGINS entry "${bad.slice(0, 80)}" is not an origin like https://*.atlassian.net`);
  return origins;
}

/**
 * Extra CSP frame-ancestors sources for one desk's sidebar page (VOUCHSAFE_FRAME_ANCESTORS_<DESK>),
 * on top of the registered tenants' own origins. Empty is fine: then only registered accounts frame it.
 */
export function parseFrameAncestors(value: string, name = 'VOUCHSAFE_FRAME_ANCESTORS_ZENDESK'): string[] {
  const sources = value.split(/\s+/).filter(Boolean);
  const bad = sources.find((s) => !FRAME_SOURCE.test(s));
  if (bad !== undefined) {
    throw new Error(`${name} entry "${bad.slice(0, 80)}" is not an origin like https://acme.zendesk.com`);
  }
  return sources;
}

const boolish = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  VOUCHSAFE_KEYS: z.string().optional(),
  VOUCHSAFE_API_TOKENS: z.string().optional(),
  VOUCHSAFE_DATA_DIR: z.string().optional(),
  VOUCHSAFE_PUBLIC_URL: z.string().url().optional(),
  VOUCHSAFE_PORTAL_DIR: z.string().optional(),
  VOUCHSAFE_MAX_FILE_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  VOUCHSAFE_PURGE_INTERVAL_MS: z.coerce.number().int().min(100).max(30_000).default(10_000),
  VOUCHSAFE_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  VOUCHSAFE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  VOUCHSAFE_TRUST_PROXY: z.string().default('loopback'),
  VOUCHSAFE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VOUCHSAFE_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  VOUCHSAFE_EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  VOUCHSAFE_JOBS: boolish.default(true),
  // Help-desk sidebars (issue 3).
  VOUCHSAFE_ALLOW_INSECURE_HELPDESKS: boolish.default(false),
  VOUCHSAFE_ZAF_SDK_URL: z.string().min(1).max(500).default(DEFAULT_ZAF_SDK_URL),
  // One list for every desk let a ServiceNow origin frame the Zendesk page: refused, see loadConfig.
  VOUCHSAFE_FRAME_ANCESTORS: z.string().optional(),
  VOUCHSAFE_FRAME_ANCESTORS_ZENDESK: z.string().max(2000).default(''),
  VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW: z.string().max(2000).default(''),
  VOUCHSAFE_CORS_ORIGINS: z.string().max(2000).default(DEFAULT_CORS_ORIGINS),
  VOUCHSAFE_APPS_DIR: z.string().optional(),
  VOUCHSAFE_SESSION_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(900),
  VOUCHSAFE_SESSION_CHAIN_MAX_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(8 * 3600),
  VOUCHSAFE_FORGE_JWKS_URL: z.string().url().default(DEFAULT_FORGE_JWKS_URL),
  VOUCHSAFE_OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  VOUCHSAFE_NOTE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  VOUCHSAFE_NOTE_BACKOFF_MS: z.coerce.number().int().min(10).max(300_000).default(1_000),
  VOUCHSAFE_HELPDESK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  // Outbound connections (issue 8, S12): non-public destinations the platform operator allows.
  VOUCHSAFE_OUTBOUND_ALLOW: z.string().max(4000).default(''),
  // Time limits toward the database (issue 17; which connections they apply to: db/NOTES.md).
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  VOUCHSAFE_READY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2_000),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  /** Unset in embedded mode until the embedded server has started. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  keyring: KeyEntry[] | undefined;
  /** VOUCHSAFE_API_TOKENS: name, scopes and SHA-256 digest of each token (modules/api-tokens). */
  apiTokens: readonly ApiToken[];
  dataDir: string | undefined;
  publicUrl: string | undefined;
  portalDir: string | undefined;
  maxFileBytes: number;
  purgeIntervalMs: number;
  sealIntervalMs: number;
  rateLimitPerMinute: number;
  trustProxy: string;
  logLevel: Env['VOUCHSAFE_LOG_LEVEL'];
  shutdownGraceMs: number;
  embeddedPgPort: number;
  runJobs: boolean;
  /** Tenants may point at non-vendor API/JWKS URLs (stand-ins). Never true in production. */
  allowInsecureHelpdesks: boolean;
  /** Substituted for %VOUCHSAFE_ZAF_SDK_URL% in the Zendesk sidebar page. */
  zafSdkUrl: string;
  /**
   * Extra CSP frame-ancestors sources per desk sidebar page (operator configuration), on top of the
   * registered tenants' own origins (modules/tenants/desk-origins.ts).
   */
  frameAncestors: { zendesk: string[]; servicenow: string[] };
  /**
   * Exact origins or `https://*.suffix` patterns allowed to call /api/v1/sessions and /api/v1/sidebar,
   * on top of the registered Jira tenants' site origins.
   */
  corsOrigins: string[];
  /** Holds apps/<desk>/dist (sidebar pages). */
  appsDir: string;
  sessionTtlSeconds: number;
  /** A session chain ends this long after the first host token was issued. */
  sessionChainMaxSeconds: number;
  forgeJwksUrl: string;
  outboxIntervalMs: number;
  noteMaxAttempts: number;
  /** First retry delay of a note; doubles per attempt, capped at 5 minutes. */
  noteBackoffMs: number;
  helpdeskTimeoutMs: number;
  /** VOUCHSAFE_OUTBOUND_ALLOW: non-public addresses (networks or address:port) connectors and providers may reach. */
  outboundAllow: readonly AllowEntry[];
  /** statement_timeout of the request pool's sessions; the client waits 1 s more for any answer. */
  databaseStatementTimeoutMs: number;
  /** How long a request waits for a database connection (pooled or new) before answering 503. */
  databaseAcquireTimeoutMs: number;
  /** /readyz answers 503 when the database has not answered its checks within this. */
  readyTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  let keyring: KeyEntry[] | undefined;
  if (e.VOUCHSAFE_KEYS !== undefined) {
    try {
      keyring = parseKeyring(e.VOUCHSAFE_KEYS);
    } catch (err) {
      throw new ConfigError(`Invalid configuration: ${(err as Error).message}`);
    }
  }
  if (e.DATABASE_URL && !keyring) {
    throw new ConfigError(
      'VOUCHSAFE_KEYS is required when DATABASE_URL is set. Generate one with `pnpm vouchsafe keys generate` and keep it in your secret store.',
    );
  }
  let apiTokens: readonly ApiToken[];
  try {
    apiTokens = Object.freeze(parseApiTokens(e.VOUCHSAFE_API_TOKENS));
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`);
  }
  if (e.VOUCHSAFE_ALLOW_INSECURE_HELPDESKS && e.NODE_ENV === 'production') {
    throw new ConfigError(
      'Invalid configuration: VOUCHSAFE_ALLOW_INSECURE_HELPDESKS=true is for development and tests; it is refused with NODE_ENV=production.',
    );
  }
  if (e.NODE_ENV === 'production' && e.VOUCHSAFE_PUBLIC_URL === undefined) {
    // Links, IdP redirect URIs and callbacks are built from it; without it they would follow the request's Host header.
    throw new ConfigError(
      'Invalid configuration: VOUCHSAFE_PUBLIC_URL is required with NODE_ENV=production (the https origin agents and customers reach Vouchsafe at).',
    );
  }
  let corsOrigins: string[];
  try {
    corsOrigins = parseCorsOrigins(e.VOUCHSAFE_CORS_ORIGINS);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`);
  }
  if (e.VOUCHSAFE_FRAME_ANCESTORS !== undefined) {
    throw new ConfigError(
      'Invalid configuration: VOUCHSAFE_FRAME_ANCESTORS is no longer read (one list let every desk frame every sidebar). Registered tenants\' origins are allowed automatically; put extra origins in VOUCHSAFE_FRAME_ANCESTORS_ZENDESK and VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW.',
    );
  }
  let frameAncestors: Config['frameAncestors'];
  try {
    frameAncestors = {
      zendesk: parseFrameAncestors(e.VOUCHSAFE_FRAME_ANCESTORS_ZENDESK, 'VOUCHSAFE_FRAME_ANCESTORS_ZENDESK'),
      servicenow: parseFrameAncestors(e.VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW, 'VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW'),
    };
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`);
  }
  let outboundAllow: AllowEntry[];
  try {
    outboundAllow = parseOutboundAllow(e.VOUCHSAFE_OUTBOUND_ALLOW);
  } catch (err) {
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`);
  }
  // The Forge JWKS is fetched like any outbound URL: the same rules, checked now and at every connect.
  const forgeJwksProblem = urlProblem(e.VOUCHSAFE_FORGE_JWKS_URL, outboundPolicy({ allowInsecureHelpdesks: e.VOUCHSAFE_ALLOW_INSECURE_HELPDESKS, outboundAllow }));
  if (forgeJwksProblem !== undefined) throw new ConfigError(`Invalid configuration: VOUCHSAFE_FORGE_JWKS_URL ${forgeJwksProblem}`);
  if (/["'<>\s]/.test(e.VOUCHSAFE_ZAF_SDK_URL) || !/^(https:\/\/|http:\/\/localhost[:/]|http:\/\/127\.0\.0\.1[:/]|\/)/.test(e.VOUCHSAFE_ZAF_SDK_URL)) {
    throw new ConfigError('Invalid configuration: VOUCHSAFE_ZAF_SDK_URL must be an https URL (or a path on this server, like /apps/zendesk/vendor/zaf_sdk.js)');
  }
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    keyring,
    apiTokens,
    dataDir: e.VOUCHSAFE_DATA_DIR,
    publicUrl: e.VOUCHSAFE_PUBLIC_URL?.replace(/\/+$/, ''),
    portalDir: e.VOUCHSAFE_PORTAL_DIR,
    maxFileBytes: e.VOUCHSAFE_MAX_FILE_BYTES,
    purgeIntervalMs: e.VOUCHSAFE_PURGE_INTERVAL_MS,
    sealIntervalMs: e.VOUCHSAFE_SEAL_INTERVAL_MS,
    rateLimitPerMinute: e.VOUCHSAFE_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.VOUCHSAFE_TRUST_PROXY,
    logLevel: e.VOUCHSAFE_LOG_LEVEL,
    shutdownGraceMs: e.VOUCHSAFE_SHUTDOWN_GRACE_MS,
    embeddedPgPort: e.VOUCHSAFE_EMBEDDED_PG_PORT,
    runJobs: e.VOUCHSAFE_JOBS,
    allowInsecureHelpdesks: e.VOUCHSAFE_ALLOW_INSECURE_HELPDESKS,
    zafSdkUrl: e.VOUCHSAFE_ZAF_SDK_URL,
    frameAncestors,
    corsOrigins,
    appsDir: e.VOUCHSAFE_APPS_DIR ?? path.join(REPO_ROOT, 'apps'),
    sessionTtlSeconds: e.VOUCHSAFE_SESSION_TTL_SECONDS,
    sessionChainMaxSeconds: e.VOUCHSAFE_SESSION_CHAIN_MAX_SECONDS,
    forgeJwksUrl: e.VOUCHSAFE_FORGE_JWKS_URL,
    outboxIntervalMs: e.VOUCHSAFE_OUTBOX_INTERVAL_MS,
    noteMaxAttempts: e.VOUCHSAFE_NOTE_MAX_ATTEMPTS,
    noteBackoffMs: e.VOUCHSAFE_NOTE_BACKOFF_MS,
    helpdeskTimeoutMs: e.VOUCHSAFE_HELPDESK_TIMEOUT_MS,
    outboundAllow,
    databaseStatementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    databaseAcquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
    readyTimeoutMs: e.VOUCHSAFE_READY_TIMEOUT_MS,
  });
}

const CliEnvSchema = z.object({
  VOUCHSAFE_API_URL: z.string().url().optional(),
  VOUCHSAFE_TOKEN: z.string().optional(),
  INIT_CWD: z.string().optional(),
});

/** What the CLI may read from the environment (it shares this module so env access stays in one place). */
export function loadCliEnv(source: Record<string, string | undefined> = process.env) {
  return Object.freeze(CliEnvSchema.parse(source));
}
