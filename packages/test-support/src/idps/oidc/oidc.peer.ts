import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { DeskState } from '../../desks/desk.state';
import { createLoopbackServer, type LoopbackTls } from '../../ports';
import { testCa } from '../../tls';
import { createPeerAdapter } from './oidc.adapter';
import {
  createInteractionRouter,
  ROLE_CLAIM_NAMES,
  type LoginExtras,
  type NextLogin,
  type OidcFlavor,
  type PeerAccount,
} from './oidc.interaction';
import { loadOidcProvider, type OidcKoaContext, type OidcProviderInstance } from './oidc-provider.module';
import { signInOverHttp, type SignInForm } from './oidc.sign-in';

export interface OidcPeerOptions {
  /**
   * 'entra': issuer `<base>/<tenant id>/v2.0`; id_tokens as Entra v2 makes them: `oid` (with the profile scope), `tid`,
   * `ver`, `acrs` from the claims request, `email` (optional claim), no `amr` and no `email_verified`.
   * 'generic' (default): `email` with `email_verified: true`, `amr`.
   */
  flavor?: OidcFlavor;
  /** Accounts besides the desk stand-ins' seeded requesters (Priya, Lukas, Amara). */
  accounts?: Array<{ email: string; name?: string; claims?: Record<string, unknown> }>;
  /** Redirect URIs registered for every client (more with allowRedirectUri). */
  redirectUris?: string[];
  /** Port on 127.0.0.1; default a free one. */
  port?: number;
  /**
   * Serve over https with the throwaway test CA (production-mode tests): the issuer becomes https://127.0.0.1:<port>.
   * signIn() trusts the CA itself; an API process needs NODE_EXTRA_CA_CERTS=testCa().certFile.
   */
  tls?: LoopbackTls;
}

export interface OidcPeerClient {
  clientId: string;
  clientSecret?: string;
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** The `oidc` IdP configuration (contracts IdpConfig) pointing at this peer. */
export interface OidcPeerIdpConfig {
  kind: 'oidc';
  issuer: string;
  clientId: string;
  clientSecret?: string;
  flavor: OidcFlavor;
  subjectClaim: 'email' | 'oid' | 'preferred_username' | 'upn' | 'sub';
  scopes: string[];
  /** Entra: where the Microsoft Graph stand-in is (startGraphStandIn().config). */
  graph?: { baseUrl: string; tokenUrl: string };
}

/** A peer account as Microsoft Graph lists it (the Graph stand-in's `directory`). */
export interface OidcPeerDirectoryUser {
  id: string;
  displayName: string;
  mail: string;
  userPrincipalName: string;
  userType: 'Member';
  accountEnabled: true;
}

export interface PeerRequest {
  method: string;
  path: string;
  at: Date;
}

export interface OidcPeer {
  readonly flavor: OidcFlavor;
  /** `http://127.0.0.1:<port>` (generic) or `http://127.0.0.1:<port>/<tenant>/v2.0` (entra). */
  readonly issuer: string;
  /** `http://127.0.0.1:<port>`: the control routes and the login page live here. */
  readonly url: string;
  /** The directory (tenant) GUID in an Entra issuer and in `tid`. */
  readonly tenantId: string;
  readonly clients: { basic: OidcPeerClient; post: OidcPeerClient; public: OidcPeerClient };
  /** Default subject claim: entra `oid` (give `graph`), generic `email`. */
  idpConfig(options?: {
    client?: 'basic' | 'post' | 'public';
    subjectClaim?: OidcPeerIdpConfig['subjectClaim'];
    scopes?: string[];
    graph?: OidcPeerIdpConfig['graph'];
  }): OidcPeerIdpConfig;
  allowRedirectUri(uri: string): void;
  /** `claims`: extra id_token claims of this account on every sign-in (operator roles: `{ roles: [...] }`). */
  addAccount(email: string, name?: string, claims?: Record<string, unknown>): void;
  /** The account with this email (its `oid` is what Graph and the Entra id_token carry). */
  account(email: string): PeerAccount | undefined;
  /** Every account as a Microsoft Graph user (a member, enabled, `mail` = `userPrincipalName` = email). */
  directoryUsers(): OidcPeerDirectoryUser[];
  /** Claims of the next sign-in (one-shot). Over HTTP: POST /__control/next-login with the same JSON. */
  setNextLogin(login: NextLogin): void;
  /** Re-sign the next id_token the token endpoint issues after `edit` (wrong audience, foreign nonce …). */
  tamperNextIdToken(edit: (claims: Record<string, unknown>) => Record<string, unknown>): void;
  /** Serve every discovery document through `edit` (e.g. a token_endpoint elsewhere) until reset(); undefined stops. */
  editDiscovery(edit: ((document: Record<string, unknown>) => Record<string, unknown>) | undefined): void;
  /** Completes the sign-in at `authorizationUrl` over plain HTTP; resolves with the redirect's query parameters. */
  signIn(authorizationUrl: string, form?: SignInForm): Promise<Record<string, string>>;
  /** Query parameters of every authorization request, oldest first. */
  authorizations(): Array<Record<string, string>>;
  requests(): PeerRequest[];
  /** Forget next-login, tampering, logs, sessions and tokens. Accounts, clients and keys stay. */
  reset(): void;
  close(): Promise<void>;
}

const SEED_PEOPLE = (): Array<{ email: string; name: string }> => {
  const desks = new DeskState();
  const people = new Map<string, string>();
  for (const desk of [desks.zendesk, desks.servicenow, desks.jira]) {
    for (const p of desk.requesters) if (p.email) people.set(p.email.toLowerCase(), p.name);
  }
  return [...people].map(([email, name]) => ({ email, name }));
};

function accountIdFor(email: string): string {
  return `acct-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 20)}`;
}

/**
 * A REAL OpenID Provider (panva oidc-provider 8) on 127.0.0.1 for tests and the demo. Three clients (client_secret_basic,
 * client_secret_post, public + PKCE), PKCE required for all, a login page with an MFA checkbox (auto-consent), and
 * per-test claims: `peer.setNextLogin({ email, amr, acr, acrs, authTimeOffsetSeconds, deny, claims })` (claims: roles and
 * groups for operator sign-in, ROLE_CLAIM_NAMES), or per account (`addAccount(email, name, { roles: [...] })`).
 *
 * Control routes (JSON, for e2e and the demo): POST /__control/next-login, POST /__control/redirect-uris {uri},
 * POST /__control/reset, GET /__control/authorizations.
 */
export async function startOidcPeer(options: OidcPeerOptions = {}): Promise<OidcPeer> {
  const flavor = options.flavor ?? 'generic';
  const Provider = await loadOidcProvider();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

  const accounts = new Map<string, PeerAccount>();
  const addAccount = (email: string, name?: string, claims?: Record<string, unknown>): void => {
    const key = email.trim().toLowerCase();
    const existing = accounts.get(key);
    const extra = claims ?? existing?.claims;
    accounts.set(key, {
      accountId: accountIdFor(key),
      oid: existing?.oid ?? randomUUID(),
      email: email.trim(),
      name: name ?? email.split('@')[0] ?? email,
      ...(extra ? { claims: { ...extra } } : {}),
    });
  };
  for (const person of SEED_PEOPLE()) addAccount(person.email, person.name);
  for (const extra of options.accounts ?? []) addAccount(extra.email, extra.name, extra.claims);
  const byAccountId = (id: string): PeerAccount | undefined => [...accounts.values()].find((a) => a.accountId === id);

  const redirectUris = new Set<string>(options.redirectUris ?? ['http://127.0.0.1/callback']);
  const clients = {
    basic: {
      clientId: 'vouchsafe-basic',
      clientSecret: randomBytes(24).toString('base64url'),
      tokenEndpointAuthMethod: 'client_secret_basic' as const,
    },
    post: {
      clientId: 'vouchsafe-post',
      clientSecret: randomBytes(24).toString('base64url'),
      tokenEndpointAuthMethod: 'client_secret_post' as const,
    },
    public: { clientId: 'vouchsafe-public', tokenEndpointAuthMethod: 'none' as const },
  };
  const clientMetadata = (): Map<string, Record<string, unknown>> =>
    new Map(
      Object.values(clients).map((c) => [
        c.clientId,
        {
          client_id: c.clientId,
          ...('clientSecret' in c ? { client_secret: c.clientSecret } : {}),
          token_endpoint_auth_method: c.tokenEndpointAuthMethod,
          redirect_uris: [...redirectUris],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ]),
    );
  const adapter = createPeerAdapter(clientMetadata);

  let nextLogin: NextLogin | undefined;
  let tamper: ((claims: Record<string, unknown>) => Record<string, unknown>) | undefined;
  let discoveryEdit: ((document: Record<string, unknown>) => Record<string, unknown>) | undefined;
  const loginExtras = new Map<string, LoginExtras>();
  const authorizationLog: Array<Record<string, string>> = [];
  const requestLog: PeerRequest[] = [];

  const app = express();
  app.disable('x-powered-by');
  const server = createLoopbackServer(app, options.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tenantId = '6f1c2a4e-0000-4000-8000-0000000e47a1';
  const prefix = flavor === 'entra' ? `/${tenantId}/v2.0` : '';
  const issuer = `${url}${prefix}`;

  const provider: OidcProviderInstance = new Provider(issuer, {
    adapter: adapter.Adapter,
    clients: [],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    conformIdTokenClaims: false,
    // Entra v2: `tid` and `ver` always, `oid` only with the profile scope (Microsoft's ID token claims reference).
    claims: {
      openid: ['sub', 'auth_time', 'amr', 'acr', ...(flavor === 'entra' ? ['tid', 'ver'] : []), ...ROLE_CLAIM_NAMES],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', ...(flavor === 'entra' ? ['upn', 'oid'] : [])],
      acrs: null,
      sid: null,
      iss: null,
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      rpInitiatedLogout: { enabled: false },
    },
    pkce: { required: () => true, methods: ['S256'] },
    ttl: { AccessToken: 600, AuthorizationCode: 120, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // First-party client: grant what was asked for, so only the login prompt shows (the auth context claim included).
    async loadExistingGrant(ctx: OidcKoaContext) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      if (!oidc.session.accountId) return undefined;
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
      grant.addOIDCClaims([...oidc.requestParamClaims]);
      await grant.save();
      return grant;
    },
    async findAccount(_ctx: unknown, sub: string) {
      const account = byAccountId(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          const extras = loginExtras.get(sub);
          const emailVerified = extras && 'emailVerified' in extras ? extras.emailVerified : flavor === 'generic' ? true : null;
          return {
            ...account.claims,
            ...extras?.claims,
            sub,
            email: account.email,
            ...(emailVerified !== null && emailVerified !== undefined ? { email_verified: emailVerified } : {}),
            name: account.name,
            preferred_username: account.email,
            ...(flavor === 'entra'
              ? { upn: account.email, oid: extras?.oid ?? account.oid, tid: extras?.tid ?? tenantId, ver: '2.0' }
              : {}),
            ...(extras?.acrs ? { acrs: extras.acrs } : {}),
          };
        },
      };
    },
  });

  app.use((req: Request, _res: Response, next: NextFunction) => {
    requestLog.push({ method: req.method, path: req.path, at: new Date() });
    if (req.method === 'GET' && req.path === `${prefix}/auth`) {
      authorizationLog.push(Object.fromEntries(new URL(req.originalUrl, url).searchParams));
    }
    next();
  });

  app.post('/__control/next-login', express.json({ limit: '16kb' }), (req, res) => {
    nextLogin = (req.body ?? {}) as NextLogin;
    res.status(204).end();
  });
  app.post('/__control/redirect-uris', express.json({ limit: '16kb' }), (req, res) => {
    const uri = (req.body as { uri?: unknown } | undefined)?.uri;
    if (typeof uri !== 'string') {
      res.status(400).json({ error: 'uri is required' });
      return;
    }
    redirectUris.add(uri);
    res.status(204).end();
  });
  app.post('/__control/reset', (_req, res) => {
    reset();
    res.status(204).end();
  });
  app.get('/__control/authorizations', (_req, res) => {
    res.json({ authorizations: authorizationLog });
  });

  app.use(
    createInteractionRouter({
      flavor,
      provider: () => provider,
      findAccountByEmail: (email) => accounts.get(email.trim().toLowerCase()),
      takeNextLogin: () => {
        const taken = nextLogin;
        nextLogin = undefined;
        return taken;
      },
      peekNextLogin: () => nextLogin,
      setLoginExtras: (accountId, extras) => loginExtras.set(accountId, extras),
    }),
  );

  // Tampering: re-sign the token endpoint's id_token with the peer's own key after a test's edit.
  app.post(`${prefix}/token`, (_req, res, next) => {
    const edit = tamper;
    if (!edit) {
      next();
      return;
    }
    tamper = undefined;
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
    const patched = (chunk?: unknown, ...rest: unknown[]): Response => {
      if (res.statusCode !== 200 || chunk === undefined || chunk === null) return end(chunk, ...rest);
      void (async () => {
        const body = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)) as Record<string, unknown>;
        if (typeof body.id_token === 'string') {
          const claims = edit({ ...decodeJwt(body.id_token) });
          body.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
        }
        const text = JSON.stringify(body);
        if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(text));
        end(text);
      })();
      return res;
    };
    res.end = patched as Response['end'];
    next();
  });

  // Discovery edits: rewrite the JSON oidc-provider answers with (endpoints elsewhere, http endpoints …).
  app.get(`${prefix}/.well-known/openid-configuration`, (_req, res, next) => {
    const edit = discoveryEdit;
    if (!edit) {
      next();
      return;
    }
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => Response;
    res.end = ((chunk?: unknown, ...rest: unknown[]): Response => {
      if (res.statusCode !== 200 || chunk === undefined || chunk === null) return end(chunk, ...rest);
      const text = JSON.stringify(
        edit(JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)) as Record<string, unknown>),
      );
      if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(text));
      return end(text);
    }) as Response['end'];
    next();
  });

  if (prefix) app.use(prefix, provider.callback());
  else app.use(provider.callback());

  function reset(): void {
    nextLogin = undefined;
    tamper = undefined;
    discoveryEdit = undefined;
    loginExtras.clear();
    authorizationLog.length = 0;
    requestLog.length = 0;
    adapter.clear();
  }

  return {
    flavor,
    issuer,
    url,
    tenantId,
    clients,
    idpConfig(config = {}) {
      const client = clients[config.client ?? 'basic'];
      return {
        kind: 'oidc',
        issuer,
        clientId: client.clientId,
        ...('clientSecret' in client ? { clientSecret: client.clientSecret } : {}),
        flavor,
        subjectClaim: config.subjectClaim ?? (flavor === 'entra' ? 'oid' : 'email'),
        scopes: config.scopes ?? ['openid', 'email', 'profile'],
        ...(config.graph ? { graph: { ...config.graph } } : {}),
      };
    },
    allowRedirectUri: (uri) => void redirectUris.add(uri),
    addAccount,
    account: (email) => {
      const found = accounts.get(email.trim().toLowerCase());
      return found && { ...found };
    },
    directoryUsers: () =>
      [...accounts.values()].map((a) => ({
        id: a.oid,
        displayName: a.name,
        mail: a.email,
        userPrincipalName: a.email,
        userType: 'Member' as const,
        accountEnabled: true as const,
      })),
    setNextLogin: (login) => {
      nextLogin = { ...login };
    },
    tamperNextIdToken: (edit) => {
      tamper = edit;
    },
    editDiscovery: (edit) => {
      discoveryEdit = edit;
    },
    signIn: (authorizationUrl, form) => signInOverHttp(url, authorizationUrl, form, options.tls ? { ca: testCa().certPem } : {}),
    authorizations: () => authorizationLog.map((a) => ({ ...a })),
    requests: () => [...requestLog],
    reset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
