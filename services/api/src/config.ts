import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import { APPROVAL_MODES } from '@vouchsafe/contracts';
import { parseOutboundAllow, type AllowEntry } from './lib/outbound/allowlist';
import { outboundPolicy, urlProblem } from './lib/outbound/url-rules';
import { REPO_ROOT } from './paths';
import { parseApiTokens, type ApiToken } from './modules/api-tokens/api-tokens';
import { parseAuditPublicKeys, parseAuditSigningKey } from './modules/audit/checkpoints-keys';
import { SIEM_SETTINGS, siemSettingsProblem } from './modules/siem/siem.settings';
import { SLACK_SETTINGS, slackSettingsProblem } from './modules/chat/slack/slack.settings';
import { operatorSettingsOf, operatorSettingsProblem, parseList, type OperatorSettings } from './modules/operators/operator-settings';

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

/** `name` is the variable the list came from (VOUCHSAFE_KEYS, or VOUCHSAFE_SESSION_KEYS with the same format). */
export function parseKeyring(value: string, name = 'VOUCHSAFE_KEYS'): KeyEntry[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new Error(
      `${name} is set but empty: it must list at least one "kid:base64(32 bytes)" key. Generate one with \`pnpm vouchsafe keys generate\` and keep it in your secret store.`,
    );
  }
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const m = KEY_ENTRY.exec(entry);
    if (!m) {
      throw new Error(`${name} entry ${i + 1} is not "kid:base64(32 bytes)"`);
    }
    const kid = m[1]!;
    const key = Buffer.from(m[2]!, 'base64');
    if (key.length !== 32) throw new Error(`${name} entry ${kid} is not 32 bytes`);
    if (seen.has(kid)) throw new Error(`${name} lists kid ${kid} twice`);
    seen.add(kid);
    return { kid, key };
  });
}

/** A secret setting (the PKCS#11 PIN): readable only through reveal(); prints, logs and serialises as [redacted]. */
export class SecretText {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** A PKCS#11 token holding the key-encryption keys (modules/keys/pkcs11-provider.ts). */
export interface Pkcs11Settings {
  modulePath: string;
  tokenLabel: string;
  pin: SecretText;
  /** Labels of the AES keys in the token, the active one first (kids `pkcs11:<label>`). */
  keyLabels: string[];
}

const KEY_LABEL = /^[A-Za-z0-9_.-]{1,64}$/;

export function parseKeyLabels(value: string): string[] {
  const labels = value
    .split(',')
    .map((l) => l.trim())
    .filter(Boolean);
  if (labels.length === 0)
    throw new Error('VOUCHSAFE_PKCS11_KEYS is set but empty: list the labels of the AES keys in the token, the active one first.');
  const bad = labels.findIndex((l) => !KEY_LABEL.test(l));
  if (bad >= 0) throw new Error(`VOUCHSAFE_PKCS11_KEYS entry ${bad + 1} is not a key label (letters, digits, "_", "." and "-", up to 64)`);
  if (new Set(labels).size !== labels.length) throw new Error('VOUCHSAFE_PKCS11_KEYS lists a label twice');
  return labels;
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
  if (bad !== undefined)
    throw new Error(`VOUCHSAFE_CORS_ORIGINS entry "${bad.slice(0, 80)}" is not an origin like https://*.atlassian.net`);
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

const boolish = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A string setting parsed by `parse` (which throws with a sentence naming the variable): a zod issue instead. */
const parsedWith = <T>(parse: (value: string) => T) =>
  z.string().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
// `prefault` (not `default`) for parsed settings: the default is input, parsed like a value that was set.
const timeMs = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * Every setting, declared once: the environment variable it comes from, its schema (type, bounds, default, parsing)
 * and what it is for. `Config` is derived from this table; nothing else lists the settings.
 */
const SETTINGS = {
  env: ['NODE_ENV', z.enum(['development', 'test', 'production']).default('development')],
  port: ['PORT', z.coerce.number().int().min(0).max(65535).default(8080)],
  host: ['HOST', z.string().default('0.0.0.0')],
  /** Unset in embedded mode until the embedded server has started. */
  databaseUrl: ['DATABASE_URL', z.string().url().optional()],
  /**
   * The one connection per process that LISTENs for live verification changes, when DATABASE_URL goes through a pooler
   * in transaction mode (LISTEN needs a session of its own: README, "PgBouncer"). Default: DATABASE_URL.
   */
  databaseListenUrl: ['DATABASE_LISTEN_URL', z.string().url().optional()],
  databasePoolSize: ['DATABASE_POOL_SIZE', z.coerce.number().int().min(1).max(200).default(20)],
  keyring: ['VOUCHSAFE_KEYS', parsedWith(parseKeyring).optional()],
  /** Name, scopes and SHA-256 digest of each token (modules/api-tokens). */
  apiTokens: [
    'VOUCHSAFE_API_TOKENS',
    z
      .string()
      .optional()
      .transform((v, ctx): readonly ApiToken[] => {
        try {
          return Object.freeze(parseApiTokens(v));
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      }),
  ],
  dataDir: ['VOUCHSAFE_DATA_DIR', z.string().optional()],
  publicUrl: [
    'VOUCHSAFE_PUBLIC_URL',
    z
      .string()
      .url()
      .optional()
      .transform((v) => v?.replace(/\/+$/, '')),
  ],
  portalDir: ['VOUCHSAFE_PORTAL_DIR', z.string().optional()],
  maxFileBytes: [
    'VOUCHSAFE_MAX_FILE_BYTES',
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(100 * 1024 * 1024)
      .default(10 * 1024 * 1024),
  ],
  purgeIntervalMs: ['VOUCHSAFE_PURGE_INTERVAL_MS', timeMs(100, 30_000, 10_000)],
  // --- Document requests (issue 11; modules/documents/NOTES.md) ---
  /** Largest file a customer may upload to a document request (plaintext bytes). */
  documentMaxFileBytes: [
    'VOUCHSAFE_DOCUMENT_MAX_FILE_BYTES',
    z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(100 * 1024 * 1024)
      .default(25 * 1024 * 1024),
  ],
  /** An upload with no chunk for this long is abandoned: the purge loop deletes the file and its chunks. */
  documentAbandonSeconds: ['VOUCHSAFE_DOCUMENT_ABANDON_SECONDS', z.coerce.number().int().min(60).max(86_400).default(3_600)],
  /** How often every process seals committed audit events onto the chain (modules/audit/NOTES.md: the unsealed window). */
  sealIntervalMs: ['VOUCHSAFE_SEAL_INTERVAL_MS', timeMs(50, 60_000, 200)],
  // --- Audit checkpoints (issue 9, S14; modules/audit/NOTES.md, docs/AUDIT-FORMAT.md) ---
  /** `kid:base64url(Ed25519 PKCS#8)`: signs checkpoints. Required with DATABASE_URL for the API; never logged. */
  auditSigningKey: ['VOUCHSAFE_AUDIT_SIGNING_KEY', parsedWith((v) => parseAuditSigningKey(v)).optional()],
  /** Old (rotated) audit public keys `kid:base64url(32 bytes)`, comma list; the current one derives from the signing key. */
  auditPublicKeys: ['VOUCHSAFE_AUDIT_PUBLIC_KEYS', parsedWith((v) => parseAuditPublicKeys(v)).prefault('')],
  /** The append-only checkpoint directory. Default `<data dir>/audit-checkpoints` outside production; required in production. */
  auditCheckpointDir: ['VOUCHSAFE_AUDIT_CHECKPOINT_DIR', z.string().min(1).optional()],
  auditCheckpointIntervalMs: ['VOUCHSAFE_AUDIT_CHECKPOINT_INTERVAL_MS', timeMs(100, 60_000, 5_000)],
  rateLimitPerMinute: ['VOUCHSAFE_RATE_LIMIT_PER_MINUTE', z.coerce.number().int().min(1).default(600)],
  trustProxy: ['VOUCHSAFE_TRUST_PROXY', z.string().default('loopback')],
  logLevel: ['VOUCHSAFE_LOG_LEVEL', z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')],
  shutdownGraceMs: ['VOUCHSAFE_SHUTDOWN_GRACE_MS', timeMs(0, 120_000, 10_000)],
  embeddedPgPort: ['VOUCHSAFE_EMBEDDED_PG_PORT', z.coerce.number().int().min(0).max(65535).default(0)],
  runJobs: ['VOUCHSAFE_JOBS', boolish.default(true)],
  /**
   * Apply pending migrations at start-up (under Kysely's advisory lock). false: never run DDL; the runtime role may
   * then lack it, and `vouchsafe db migrate` (as the migrator role) is a deployment step of its own (README).
   */
  migrateOnStart: ['VOUCHSAFE_MIGRATE', boolish.default(true)],
  /** Tenants may point at non-vendor API/JWKS URLs (stand-ins). Never true in production. */
  allowInsecureHelpdesks: ['VOUCHSAFE_ALLOW_INSECURE_HELPDESKS', boolish.default(false)],
  /** Substituted for %VOUCHSAFE_ZAF_SDK_URL% in the Zendesk sidebar page: https, or a path on this server. */
  zafSdkUrl: [
    'VOUCHSAFE_ZAF_SDK_URL',
    z
      .string()
      .min(1)
      .max(500)
      .refine(
        (v) => !/["'<>\s]/.test(v) && /^(https:\/\/|http:\/\/localhost[:/]|http:\/\/127\.0\.0\.1[:/]|\/)/.test(v),
        'must be an https URL (or a path on this server, like /apps/zendesk/vendor/zaf_sdk.js)',
      )
      .default(DEFAULT_ZAF_SDK_URL),
  ],
  /**
   * Extra CSP frame-ancestors sources per desk sidebar page (operator configuration), on top of the registered tenants'
   * own origins (modules/tenants/desk-origins.ts).
   */
  frameAncestorsZendesk: [
    'VOUCHSAFE_FRAME_ANCESTORS_ZENDESK',
    parsedWith((v) => parseFrameAncestors(v, 'VOUCHSAFE_FRAME_ANCESTORS_ZENDESK')).prefault(''),
  ],
  frameAncestorsServiceNow: [
    'VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW',
    parsedWith((v) => parseFrameAncestors(v, 'VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW')).prefault(''),
  ],
  /** The old single list let a ServiceNow origin frame the Zendesk page: set at all, it stops start-up. */
  legacyFrameAncestors: ['VOUCHSAFE_FRAME_ANCESTORS', z.string().optional()],
  /** Exact origins or `https://*.suffix` patterns allowed to call the sidebar API, on top of registered Jira sites. */
  corsOrigins: ['VOUCHSAFE_CORS_ORIGINS', parsedWith(parseCorsOrigins).prefault(DEFAULT_CORS_ORIGINS)],
  /** Holds apps/<desk>/dist (sidebar pages). */
  appsDir: ['VOUCHSAFE_APPS_DIR', z.string().default(path.join(REPO_ROOT, 'apps'))],
  sessionTtlSeconds: ['VOUCHSAFE_SESSION_TTL_SECONDS', z.coerce.number().int().min(30).max(900).default(900)],
  /** A session chain ends this long after the first host token was issued. */
  sessionChainMaxSeconds: [
    'VOUCHSAFE_SESSION_CHAIN_MAX_SECONDS',
    z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(8 * 3600),
  ],
  forgeJwksUrl: ['VOUCHSAFE_FORGE_JWKS_URL', z.string().url().default(DEFAULT_FORGE_JWKS_URL)],
  outboxIntervalMs: ['VOUCHSAFE_OUTBOX_INTERVAL_MS', timeMs(50, 60_000, 1_000)],
  noteMaxAttempts: ['VOUCHSAFE_NOTE_MAX_ATTEMPTS', z.coerce.number().int().min(1).max(50).default(8)],
  /** First retry delay of a note; doubles per attempt, capped at 5 minutes. */
  noteBackoffMs: ['VOUCHSAFE_NOTE_BACKOFF_MS', timeMs(10, 300_000, 1_000)],
  helpdeskTimeoutMs: ['VOUCHSAFE_HELPDESK_TIMEOUT_MS', timeMs(100, 60_000, 10_000)],
  /** Non-public addresses (networks or address:port) connectors and providers may reach (issue 8, S12). */
  outboundAllow: [
    'VOUCHSAFE_OUTBOUND_ALLOW',
    z
      .string()
      .max(4000)
      .pipe(parsedWith((v): readonly AllowEntry[] => parseOutboundAllow(v)))
      .prefault(''),
  ],
  // --- Ticket lifecycle (issue 12; modules/lifecycle/NOTES.md) ---
  /** How often every process's reconciliation sweep asks the desks about tickets with outstanding items (default 15 min). */
  lifecycleSweepIntervalMs: ['VOUCHSAFE_LIFECYCLE_SWEEP_INTERVAL_MS', timeMs(1_000, 24 * 3600 * 1000, 15 * 60 * 1000)],
  /** Most tickets one sweep run asks about (least recently checked first; desks are asked in batches of 100). */
  lifecycleSweepMaxTickets: ['VOUCHSAFE_LIFECYCLE_SWEEP_MAX_TICKETS', z.coerce.number().int().min(1).max(10_000).default(500)],
  // Retention (issue 9): operational rows purged by the jobs loop once older than this many days. Audit events,
  // checkpoints and note receipts are never purged (modules/audit/NOTES.md, modules/retention/NOTES.md).
  retentionIntervalMs: ['VOUCHSAFE_RETENTION_INTERVAL_MS', timeMs(1_000, 24 * 3600 * 1000, 3600 * 1000)],
  /** Delivered internal notes' outbox rows (masked facts); what was sent stays checkable through note_receipts. */
  retentionNotesDays: ['VOUCHSAFE_RETENTION_NOTES_DAYS', z.coerce.number().int().min(1).max(3650).default(30)],
  /** Finished verifications (outcome, masked labels, requester key) and their override rows; ≥ 31 (longest secret). */
  retentionVerificationsDays: ['VOUCHSAFE_RETENTION_VERIFICATIONS_DAYS', z.coerce.number().int().min(31).max(3650).default(90)],
  /** Push / link / code attempts per customer; ≥ 2 (push and contact limits look back at most 24 h + cooldown). */
  retentionPushAttemptsDays: ['VOUCHSAFE_RETENTION_PUSH_ATTEMPTS_DAYS', z.coerce.number().int().min(2).max(3650).default(30)],
  /** Metadata of used-up or revoked secrets and the ticket bindings of secrets that no longer exist. */
  retentionSecretsDays: ['VOUCHSAFE_RETENTION_SECRETS_DAYS', z.coerce.number().int().min(1).max(3650).default(90)],
  /** statement_timeout of the request pool's sessions; the client waits 1 s more for any answer (db/NOTES.md). */
  databaseStatementTimeoutMs: ['DATABASE_STATEMENT_TIMEOUT_MS', timeMs(100, 600_000, 10_000)],
  /** How long a request waits for a database connection (pooled or new) before answering 503. */
  databaseAcquireTimeoutMs: ['DATABASE_ACQUIRE_TIMEOUT_MS', timeMs(100, 60_000, 5_000)],
  /** /readyz answers 503 when the database has not answered its checks within this. */
  readyTimeoutMs: ['VOUCHSAFE_READY_TIMEOUT_MS', timeMs(100, 30_000, 2_000)],
  // SIEM stream (issue 9): its slice is declared in modules/siem/siem.settings.ts.
  ...SIEM_SETTINGS,
  // The Slack app (issue 13): its slice is declared in modules/chat/slack/slack.settings.ts.
  ...SLACK_SETTINGS,
  // Operator sign-in to the consoles (/review; issue 9), modules/operators. Assembled into `operators` below.
  operatorIssuer: ['VOUCHSAFE_OPERATOR_ISSUER', z.string().url().max(500).optional()],
  operatorClientId: ['VOUCHSAFE_OPERATOR_CLIENT_ID', z.string().min(1).max(255).optional()],
  operatorClientSecret: ['VOUCHSAFE_OPERATOR_CLIENT_SECRET', z.string().min(1).max(2048).optional()],
  operatorScopes: ['VOUCHSAFE_OPERATOR_SCOPES', z.string().max(500).default('openid profile')],
  /** A claim name, else a dotted path into nested claims (Keycloak `realm_access.roles`). */
  operatorRolesClaim: [
    'VOUCHSAFE_OPERATOR_ROLES_CLAIM',
    z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/)
      .default('roles'),
  ],
  operatorRoleAuditor: ['VOUCHSAFE_OPERATOR_ROLE_AUDITOR', z.string().max(2000).transform(parseList).prefault('')],
  operatorRoleAdmin: ['VOUCHSAFE_OPERATOR_ROLE_ADMIN', z.string().max(2000).transform(parseList).prefault('')],
  operatorRolePolicyApprover: ['VOUCHSAFE_OPERATOR_ROLE_POLICY_APPROVER', z.string().max(2000).transform(parseList).prefault('')],
  operatorTenants: ['VOUCHSAFE_OPERATOR_TENANTS', z.string().max(4000).transform(parseList).optional()],
  // --- Maker-checker (issue 10, modules/changes) ---
  /**
   * `four_eyes` (the default): policy and IdP changes wait for a second person's approval. `single_admin`: they apply
   * at once (the embedded demo and tests); refused with NODE_ENV=production. Unset: four_eyes, except the embedded
   * development instance (server.ts), whose one local token could never find a second person.
   */
  approvals: ['VOUCHSAFE_APPROVALS', z.enum(APPROVAL_MODES).optional()],
  // --- Key-encryption keys in a PKCS#11 token, and keys that are not derived from KEKs (issue 10, hsm) ---
  pkcs11Module: ['VOUCHSAFE_PKCS11_MODULE', z.string().min(1).max(4096).optional()],
  pkcs11TokenLabel: ['VOUCHSAFE_PKCS11_TOKEN_LABEL', z.string().min(1).max(32).optional()],
  /** The token's user PIN, or a file holding it (one of the two). Never logged. */
  pkcs11Pin: ['VOUCHSAFE_PKCS11_PIN', z.string().min(1).max(256).optional()],
  pkcs11PinFile: ['VOUCHSAFE_PKCS11_PIN_FILE', z.string().min(1).max(4096).optional()],
  pkcs11Keys: ['VOUCHSAFE_PKCS11_KEYS', parsedWith(parseKeyLabels).optional()],
  /** HS256 keys for sidebar sessions, active first; unset, they are derived from the VOUCHSAFE_KEYS entries (HKDF). */
  sessionKeys: ['VOUCHSAFE_SESSION_KEYS', parsedWith((v) => parseKeyring(v, 'VOUCHSAFE_SESSION_KEYS')).optional()],
} as const satisfies Record<string, readonly [string, z.ZodType]>;

type Settings = { -readonly [K in keyof typeof SETTINGS]: z.output<(typeof SETTINGS)[K][1]> };

/** The raw VOUCHSAFE_OPERATOR_* settings; Config carries them assembled as `operators`. */
type OperatorSettingKeys = Extract<keyof Settings, `operator${string}`>;

export type Config = Omit<
  Settings,
  'frameAncestorsZendesk' | 'frameAncestorsServiceNow' | 'legacyFrameAncestors' | OperatorSettingKeys | Pkcs11SettingKey
> & {
  /** Extra frame-ancestors sources per desk sidebar page (VOUCHSAFE_FRAME_ANCESTORS_<DESK>). */
  frameAncestors: { zendesk: string[]; servicenow: string[] };
  /** Operator sign-in (modules/operators); undefined when VOUCHSAFE_OPERATOR_ISSUER is unset. */
  operators: OperatorSettings | undefined;
  /** Set when the KEKs live in a PKCS#11 token (VOUCHSAFE_PKCS11_*). */
  pkcs11: Pkcs11Settings | undefined;
};

type Pkcs11SettingKey = 'pkcs11Module' | 'pkcs11TokenLabel' | 'pkcs11Pin' | 'pkcs11PinFile' | 'pkcs11Keys';

const EnvSchema = z.object(Object.fromEntries(Object.values(SETTINGS).map(([name, schema]) => [name, schema])));

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const invalid = (message: string) => new ConfigError(`Invalid configuration: ${message}`);

export interface LoadConfigOptions {
  /**
   * `server` (default): the API process, which signs audit checkpoints. `cli`: admin commands, which never sign
   * (`audit verify` needs only public keys), so the signing key is not required there.
   */
  role?: 'server' | 'cli';
}

/** Rules between settings, checked once every setting parsed on its own. */
function checkTogether(c: Settings, opts: LoadConfigOptions): void {
  const hasPkcs11 = c.pkcs11Module !== undefined;
  if (c.databaseUrl && !c.keyring && !hasPkcs11) {
    throw new ConfigError(
      'VOUCHSAFE_KEYS is required when DATABASE_URL is set (unless the KEKs are in a PKCS#11 token: VOUCHSAFE_PKCS11_*). Generate one with `pnpm vouchsafe keys generate` and keep it in your secret store.',
    );
  }
  if ((opts.role ?? 'server') === 'server' && c.databaseUrl && !c.auditSigningKey) {
    throw new ConfigError(
      'VOUCHSAFE_AUDIT_SIGNING_KEY is required when DATABASE_URL is set (it signs audit checkpoints outside the database). Generate one with `vouchsafe keys generate --audit`, keep it in your secret store and give its public key to your verifiers.',
    );
  }
  checkPkcs11(c);
  if (c.allowInsecureHelpdesks && c.env === 'production') {
    throw invalid('VOUCHSAFE_ALLOW_INSECURE_HELPDESKS=true is for development and tests; it is refused with NODE_ENV=production.');
  }
  if (c.env === 'production' && c.approvals === 'single_admin') {
    throw invalid(
      'VOUCHSAFE_APPROVALS=single_admin lets one person change how callers are verified alone; it is refused with NODE_ENV=production. Use four_eyes (the default) and give a second person the admin or policy_approver role.',
    );
  }
  if (c.env === 'production' && c.publicUrl === undefined) {
    // Links, IdP redirect URIs and callbacks are built from it; without it they would follow the request's Host header.
    throw invalid('VOUCHSAFE_PUBLIC_URL is required with NODE_ENV=production (the https origin agents and customers reach Vouchsafe at).');
  }
  if (c.legacyFrameAncestors !== undefined) {
    throw invalid(
      "VOUCHSAFE_FRAME_ANCESTORS is no longer read (one list let every desk frame every sidebar). Registered tenants' origins are allowed automatically; put extra origins in VOUCHSAFE_FRAME_ANCESTORS_ZENDESK and VOUCHSAFE_FRAME_ANCESTORS_SERVICENOW.",
    );
  }
  // The Forge JWKS is fetched like any outbound URL: the same rules, checked now and at every connect.
  const forgeJwksProblem = urlProblem(c.forgeJwksUrl, outboundPolicy(c));
  if (forgeJwksProblem !== undefined) throw invalid(`VOUCHSAFE_FORGE_JWKS_URL ${forgeJwksProblem}`);
  if ((opts.role ?? 'server') === 'server' && c.env === 'production' && c.auditCheckpointDir === undefined) {
    throw invalid(
      'VOUCHSAFE_AUDIT_CHECKPOINT_DIR is required with NODE_ENV=production (an append-only directory, ideally object-locked storage, where signed audit checkpoints are published).',
    );
  }
  // SIEM sinks: tokens with their URLs, and the same outbound rules (S12).
  const slackProblem = slackSettingsProblem(c);
  if (slackProblem !== undefined) throw invalid(slackProblem);
  const siemProblem = siemSettingsProblem(c, outboundPolicy(c));
  if (siemProblem !== undefined) throw invalid(siemProblem);
  const operatorProblem = operatorSettingsProblem(c, outboundPolicy(c));
  if (operatorProblem !== undefined) throw invalid(operatorProblem);
}

/** The PKCS#11 settings come as a set; the PIN from exactly one place; sessions need a key that is not in the HSM. */
function checkPkcs11(c: Settings): void {
  const given = {
    VOUCHSAFE_PKCS11_MODULE: c.pkcs11Module,
    VOUCHSAFE_PKCS11_TOKEN_LABEL: c.pkcs11TokenLabel,
    VOUCHSAFE_PKCS11_KEYS: c.pkcs11Keys,
  };
  const missing = Object.entries(given).filter(([, v]) => v === undefined);
  const hasPin = c.pkcs11Pin !== undefined || c.pkcs11PinFile !== undefined;
  if (missing.length === 3 && !hasPin) return; // no token configured
  if (missing.length > 0) {
    throw invalid(
      `the PKCS#11 settings go together: ${missing.map(([k]) => k).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing.`,
    );
  }
  if (c.pkcs11Pin !== undefined && c.pkcs11PinFile !== undefined) {
    throw invalid('set VOUCHSAFE_PKCS11_PIN or VOUCHSAFE_PKCS11_PIN_FILE, not both.');
  }
  if (!hasPin)
    throw invalid('the PKCS#11 token needs its user PIN: set VOUCHSAFE_PKCS11_PIN_FILE (a file holding it) or VOUCHSAFE_PKCS11_PIN.');
  if (c.databaseUrl && !c.keyring && !c.sessionKeys) {
    throw invalid(
      'with the KEKs in a PKCS#11 token and no VOUCHSAFE_KEYS, sidebar sessions need their own key: set VOUCHSAFE_SESSION_KEYS (`pnpm vouchsafe keys generate`).',
    );
  }
}

/** The PIN, read once at start-up; a file's trailing newline is not part of it. Errors name the file, never its content. */
function pkcs11Settings(c: Settings): Pkcs11Settings | undefined {
  if (c.pkcs11Module === undefined || c.pkcs11TokenLabel === undefined || c.pkcs11Keys === undefined) return undefined;
  let pin = c.pkcs11Pin;
  if (c.pkcs11PinFile !== undefined) {
    try {
      pin = readFileSync(c.pkcs11PinFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw invalid(`VOUCHSAFE_PKCS11_PIN_FILE ${c.pkcs11PinFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
    }
    if (pin.length === 0) throw invalid(`VOUCHSAFE_PKCS11_PIN_FILE ${c.pkcs11PinFile} is empty.`);
  }
  return { modulePath: c.pkcs11Module, tokenLabel: c.pkcs11TokenLabel, pin: new SecretText(pin!), keyLabels: c.pkcs11Keys };
}

export function loadConfig(source: Record<string, string | undefined> = process.env, opts: LoadConfigOptions = {}): Readonly<Config> {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data as Record<string, unknown>;
  const settings = Object.fromEntries(Object.entries(SETTINGS).map(([key, [name]]) => [key, env[name]])) as Settings;
  checkTogether(settings, opts);
  const pkcs11 = pkcs11Settings(settings);
  const {
    frameAncestorsZendesk,
    frameAncestorsServiceNow,
    legacyFrameAncestors: _legacy,
    pkcs11Module: _module,
    pkcs11TokenLabel: _token,
    pkcs11Pin: _pin,
    pkcs11PinFile: _pinFile,
    pkcs11Keys: _keys,
    ...withOperators
  } = settings;
  const {
    operatorIssuer: _issuer,
    operatorClientId: _clientId,
    operatorClientSecret: _clientSecret,
    operatorScopes: _scopes,
    operatorRolesClaim: _rolesClaim,
    operatorRoleAuditor: _auditor,
    operatorRoleAdmin: _admin,
    operatorRolePolicyApprover: _approver,
    operatorTenants: _tenants,
    ...rest
  } = withOperators;
  return Object.freeze({
    ...rest,
    frameAncestors: { zendesk: frameAncestorsZendesk, servicenow: frameAncestorsServiceNow },
    operators: operatorSettingsOf(settings),
    pkcs11,
  });
}

/**
 * What `vouchsafe db migrate` reads: the database and nothing else. A migration job needs neither the keyring nor the
 * public URL, so it is not given them (least privilege); without DATABASE_URL it migrates the embedded instance.
 */
export function loadMigrateConfig(source: Record<string, string | undefined> = process.env) {
  const picked = {
    databaseUrl: SETTINGS.databaseUrl,
    dataDir: SETTINGS.dataDir,
    databaseAcquireTimeoutMs: SETTINGS.databaseAcquireTimeoutMs,
  };
  const parsed = z.object(Object.fromEntries(Object.values(picked).map(([name, schema]) => [name, schema]))).safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data as Record<string, unknown>;
  return Object.freeze({
    databaseUrl: env[picked.databaseUrl[0]] as Settings['databaseUrl'],
    dataDir: env[picked.dataDir[0]] as Settings['dataDir'],
    databaseAcquireTimeoutMs: env[picked.databaseAcquireTimeoutMs[0]] as Settings['databaseAcquireTimeoutMs'],
  });
}

const CliEnvSchema = z.object({
  VOUCHSAFE_API_URL: z.string().url().optional(),
  VOUCHSAFE_TOKEN: z.string().optional(),
  INIT_CWD: z.string().optional(),
  /** The API's file limit when it is not the default: `secret create` refuses a larger file before reading it. */
  VOUCHSAFE_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .optional(),
});

/** What the CLI may read from the environment (it shares this module so env access stays in one place). */
export function loadCliEnv(source: Record<string, string | undefined> = process.env) {
  return Object.freeze(CliEnvSchema.parse(source));
}
