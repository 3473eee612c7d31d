import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { DESK_ACCOUNTS } from './desk.accounts';
import type { DeskKeys } from './desk.keys';
import type { DeskState } from './desk.state';

/**
 * Ways to spoil a token for negative tests. Claims are merged over the defaults (a claim set to `undefined` is
 * removed); header fields are merged over `{alg, typ, kid?}`.
 */
export interface TokenOverrides {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /**
   * desk (default): the desk's own key. stranger: another RSA key, same header and kid (bad signature).
   * none: `alg: none`, empty signature. hs256-public-key: HMAC keyed with the desk's public PEM (alg confusion).
   */
  signWith?: 'desk' | 'stranger' | 'none' | 'hs256-public-key';
}

interface TokenTiming {
  /** Lifetime in seconds (exp - iat). */
  expiresIn?: number;
  /** Pretend the token was minted at this epoch second (e.g. an hour ago for an expired token). */
  now?: number;
  /** Where Forge tokens say the site lives (`apiBaseUrl`, `siteUrl`); defaults to the stand-ins' own URL. */
  baseUrl?: string;
  overrides?: TokenOverrides;
}

export interface ZendeskTokenOptions extends TokenTiming {
  agentId: string | number;
  installationId?: string;
  /** The account (default the stand-in's `acme`): Zendesk's claims name `https://{subdomain}.zendesk.com`. */
  subdomain?: string;
  /**
   * The `iss` spelling: `url` (default) `https://{subdomain}.zendesk.com`, or `host` `{subdomain}.zendesk.com`.
   * Both are seen in public verifiers; which one Zendesk sends is UNCONFIRMED (research §1.2), so tests use both.
   */
  issuer?: 'url' | 'host';
}

export interface ServiceNowTokenOptions extends TokenTiming {
  sysId: string;
  /** Default 'incident'. */
  table?: string;
  agentSysId: string;
  /** Default: the agent's name in the stand-in. */
  agentName?: string;
  /** Default 'acme'. */
  instance?: string;
  /** Default 'vouchsafe'. */
  audience?: string;
}

export interface ForgeTokenOptions extends TokenTiming {
  /** The invoking user (`principal`). */
  accountId: string;
  /** The issue the sidebar shows (context.extension.issue, as jira:issueContext FITs carry); omitted when absent. */
  issueKey?: string;
  cloudId?: string;
  appId?: string;
}

export interface DeskMint {
  /**
   * Zendesk signed-URL JWT (research §1.2), RS256 with the Zendesk app key, default lifetime 300 s. Its claims are
   * Zendesk's own, never the stand-in's address: `aud` the installation's
   * `https://{subdomain}.zendesk.com/api/v2/apps/installations/{id}.json`, `sub` the agent's API URL.
   */
  zendesk(options: ZendeskTokenOptions): Promise<string>;
  /** What `sn_auth.GlideJWTAPI.generateJWT` returns for the sidebar (research §3.1). Default lifetime 60 s. */
  servicenow(options: ServiceNowTokenOptions): Promise<string>;
  /** Forge Invocation Token (research §2.1), RS256 with the key in the stand-in JWKS. Default lifetime 60 s. */
  forge(options: ForgeTokenOptions): Promise<string>;
}

type KeyFor = 'zendesk' | 'servicenow' | 'forge';

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function sign(
  keys: DeskKeys,
  keyFor: KeyFor,
  defaultHeader: JWTHeaderParameters,
  defaultClaims: JWTPayload,
  overrides: TokenOverrides = {},
): Promise<string> {
  const claims: JWTPayload = { ...defaultClaims, ...overrides.claims };
  for (const [name, value] of Object.entries(overrides.claims ?? {})) if (value === undefined) delete claims[name];
  const signWith = overrides.signWith ?? 'desk';
  if (signWith === 'none') {
    const header = { ...defaultHeader, ...overrides.header, alg: 'none' };
    return `${base64url(header)}.${base64url(claims)}.`;
  }
  if (signWith === 'hs256-public-key') {
    const pem =
      keyFor === 'servicenow' ? keys.serviceNowPublicKeyPem : keyFor === 'zendesk' ? keys.zendeskPublicKeyPem : publicJwksText(keys);
    const header = { ...defaultHeader, ...overrides.header, alg: 'HS256' };
    return new SignJWT(claims).setProtectedHeader(header).sign(new TextEncoder().encode(pem));
  }
  const key: KeyObject = keys.privateKeys[signWith === 'stranger' ? 'stranger' : keyFor];
  const header = { ...defaultHeader, ...overrides.header };
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

/** The Forge key has no PEM in use anywhere; alg confusion there means HMAC keyed with the JWKS text. */
function publicJwksText(keys: DeskKeys): string {
  return JSON.stringify(keys.jwks);
}

function times(timing: TokenTiming, defaultLifetime: number): { iat: number; nbf: number; exp: number } {
  const iat = timing.now ?? Math.floor(Date.now() / 1000);
  return { iat, nbf: iat, exp: iat + (timing.expiresIn ?? defaultLifetime) };
}

export function createDeskMint(keys: DeskKeys, state: DeskState, defaultBaseUrl: () => string | undefined): DeskMint {
  const baseUrlOf = (timing: TokenTiming): string => {
    const url = timing.baseUrl ?? defaultBaseUrl();
    if (!url) throw new Error('the stand-ins have no URL yet: start them, call setBaseUrl(), or pass baseUrl');
    return url.replace(/\/+$/, '');
  };

  return {
    async zendesk(options) {
      // Zendesk signs for its own hosts whatever URL the stand-in API answers on (the tenant's apiBaseUrl).
      const account = `${options.subdomain ?? DESK_ACCOUNTS.zendesk.subdomain}.zendesk.com`;
      const installationId = options.installationId ?? DESK_ACCOUNTS.zendesk.installationId;
      return sign(
        keys,
        'zendesk',
        { alg: 'RS256', typ: 'JWT' },
        {
          iss: options.issuer === 'host' ? account : `https://${account}`,
          aud: `https://${account}/api/v2/apps/installations/${installationId}.json`,
          sub: `https://${account}/api/v2/users/${String(options.agentId)}.json`,
          ...times(options, 300),
          context: { product: 'support', location: 'ticket_sidebar' },
        },
        options.overrides,
      );
    },

    async servicenow(options) {
      const { iat, exp } = times(options, 60);
      return sign(
        keys,
        'servicenow',
        { typ: 'JWT', alg: 'RS256' },
        {
          aud: options.audience ?? DESK_ACCOUNTS.servicenow.audience,
          sub: options.agentSysId,
          iss: options.instance ?? DESK_ACCOUNTS.servicenow.instance,
          exp,
          iat,
          jti: randomUUID(),
          name: options.agentName ?? state.person('servicenow', options.agentSysId)?.name ?? 'Unknown Agent',
          table: options.table ?? 'incident',
          sys_id: options.sysId,
        },
        options.overrides,
      );
    },

    async forge(options) {
      const jira = DESK_ACCOUNTS.jira;
      const base = baseUrlOf(options);
      const appId = options.appId ?? jira.appId;
      const cloudId = options.cloudId ?? jira.cloudId;
      const issueKey = options.issueKey;
      const issue = issueKey ? state.ticket('jira', issueKey) : undefined;
      const appUuid = appId.slice(appId.lastIndexOf('/') + 1);
      const envUuid = jira.environmentId.slice(jira.environmentId.lastIndexOf('/') + 1);
      return sign(
        keys,
        'forge',
        { alg: 'RS256', kid: keys.forgeKid, typ: 'JWT' },
        {
          app: {
            id: appId,
            installationId: jira.installationId,
            apiBaseUrl: `${base}/jira`,
            appVersion: '1.0.0',
            environment: { type: 'DEVELOPMENT', id: jira.environmentId },
            module: { type: 'jira:issueContext', key: jira.moduleKey },
            installation: { id: jira.installationId, contexts: [`ari:cloud:jira::site/${cloudId}`] },
          },
          context: {
            cloudId,
            siteUrl: `${base}/jira`,
            localId: `ari:cloud:ecosystem::extension/${appUuid}/${envUuid}/static/${jira.moduleKey}`,
            moduleKey: jira.moduleKey,
            extension: {
              type: 'jira:issueContext',
              ...(issueKey ? { issue: { key: issueKey, id: issue?.issueId ?? '', type: 'Service Request' } } : {}),
              project: { id: jira.projectId, key: jira.projectKey, type: 'service_desk' },
            },
          },
          principal: options.accountId,
          aud: appId,
          iss: 'forge/invocation-token',
          ...times(options, 60),
          jti: randomUUID(),
        },
        options.overrides,
      );
    },
  };
}
