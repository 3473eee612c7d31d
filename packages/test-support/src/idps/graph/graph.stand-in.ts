import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { serveOnLoopback } from '../../ports';
import { matches, ODataError, parseUsersQuery, type GraphUser, type GraphUserProperty } from './graph.odata';

/**
 * Microsoft Graph stand-in for the Entra user lookup: the Microsoft identity platform's client-credentials token
 * endpoint (`POST /{tenant}/oauth2/v2.0/token`) and `GET /v1.0/users` with the OData slice in graph.odata.ts. Strict as
 * the real services: form-encoded token requests with the documented AADSTS errors, bearer tokens it issued itself
 * (audience Graph, the directory's `tid`, `roles` = the application permissions granted), 401
 * `InvalidAuthenticationToken` without one, 403 `Authorization_RequestDenied` without User.Read.All, Graph's error
 * envelope `{ error: { code, message, innerError } }`.
 */

/** The scope a client-credentials request for Graph must ask for (same value as contracts' GRAPH_SCOPE). */
export const GRAPH_STANDIN_SCOPE = 'https://graph.microsoft.com/.default';
/** Graph's resource id: the `aud` of its access tokens. */
const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const USER_READ_ALL = 'User.Read.All';

export interface GraphClient {
  clientId: string;
  clientSecret: string;
  /** Application permissions admin-consented for this app (default [User.Read.All]). */
  roles?: string[];
}

export interface GraphStandInOptions {
  /** The directory (tenant) GUID; an Entra peer's `tenantId` so `tid` lines up. Default a random GUID. */
  tenantId?: string;
  /** Apps that may get tokens (an Entra peer's confidential clients). */
  clients: GraphClient[];
  /** Users that live elsewhere (an Entra peer's accounts, read on every request), besides addUser(). */
  directory?: () => GraphUser[];
}

export interface GraphLogEntry {
  method: string;
  path: string;
  /** Query parameters of GET /v1.0/users; form fields of token requests without `client_secret`. */
  params: Record<string, string>;
  hasBearer: boolean;
  status: number;
  at: Date;
}

export interface GraphStandInConfig {
  baseUrl: string;
  tokenUrl: string;
}

export interface GraphStandIn {
  readonly router: Router;
  readonly tenantId: string;
  /** The IdP config's `graph` section for the stand-in reachable at `baseUrl`. */
  configAt(baseUrl: string): GraphStandInConfig;
  /** Adds (or replaces, by id) a directory user: guests, duplicates, disabled accounts … Returns it. */
  addUser(user: Partial<GraphUser> & { mail: string | null }): GraphUser;
  removeUser(id: string): void;
  /** The next `times` user lookups answer `status` with Graph's error body (503 serviceNotAvailable, 429 …). */
  failUsers(status: number, times?: number): void;
  /** Every token issued so far stops working (as after a secret rotation or revocation): Graph answers 401. */
  revokeTokens(): Promise<void>;
  readonly log: readonly GraphLogEntry[];
  /** Forget added users, faults and the log (clients and the directory source stay). */
  reset(): void;
}

export interface StartedGraphStandIn extends GraphStandIn {
  readonly url: string;
  readonly config: GraphStandInConfig;
  close(): Promise<void>;
}

function graphError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
    },
  });
}

/** The identity platform's token error body (AADSTS code first in the description, as Entra writes it). */
function tokenError(res: Response, status: number, error: string, aadsts: number, description: string): void {
  res.status(status).json({
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
    error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
  });
}

const FAULT_CODES: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'serviceNotAvailable',
  504: 'GatewayTimeout',
};

export async function createGraphStandIn(options: GraphStandInOptions): Promise<GraphStandIn> {
  const tenantId = (options.tenantId ?? randomUUID()).toLowerCase();
  let keys = await generateKeyPair('RS256');
  let kid = randomUUID();
  const added = new Map<string, GraphUser>();
  const log: GraphLogEntry[] = [];
  const fault = { status: 0, times: 0 };

  const users = (): GraphUser[] => {
    const byId = new Map<string, GraphUser>();
    for (const u of options.directory?.() ?? []) byId.set(u.id.toLowerCase(), { ...u });
    for (const u of added.values()) byId.set(u.id, { ...u });
    return [...byId.values()];
  };

  const router = express.Router();
  router.use((req: Request, res: Response, next: NextFunction) => {
    const url = new URL(req.originalUrl, 'http://graph.invalid');
    const entry: GraphLogEntry = {
      method: req.method,
      path: url.pathname,
      params: Object.fromEntries(url.searchParams),
      hasBearer: /^Bearer\s/i.test(req.get('authorization') ?? ''),
      status: 0,
      at: new Date(),
    };
    log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    next();
  });

  router.post('/:tenant/oauth2/v2.0/token', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
    const entry = log.at(-1);
    if (entry)
      entry.params = Object.fromEntries(
        Object.entries(form)
          .filter(([k]) => k !== 'client_secret')
          .map(([k, v]) => [k, String(v)]),
      );
    if (String(req.params.tenant).toLowerCase() !== tenantId) {
      return tokenError(
        res,
        400,
        'invalid_request',
        90002,
        `Tenant '${String(req.params.tenant).slice(0, 64)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (req.get('authorization'))
      return tokenError(
        res,
        401,
        'invalid_client',
        7000218,
        'The request body must contain the following parameter: client_secret or client_assertion (this stand-in takes the secret in the body only).',
      );
    if (field('grant_type') !== 'client_credentials')
      return tokenError(res, 400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const client = options.clients.find((c) => c.clientId === field('client_id'));
    if (!client)
      return tokenError(
        res,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${String(field('client_id') ?? '').slice(0, 64)}' was not found in the directory.`,
      );
    if (field('client_secret') !== client.clientSecret)
      return tokenError(
        res,
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    if (field('scope') !== GRAPH_STANDIN_SCOPE) {
      return tokenError(
        res,
        400,
        'invalid_scope',
        1002012,
        'The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
      );
    }
    const roles = client.roles ?? [USER_READ_ALL];
    const accessToken = await new SignJWT({
      tid: tenantId,
      appid: client.clientId,
      idtyp: 'app',
      ver: '1.0',
      ...(roles.length > 0 ? { roles } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(`https://sts.windows.net/${tenantId}/`)
      .setAudience(GRAPH_AUDIENCE)
      .setSubject(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.privateKey);
    res.set('cache-control', 'no-store').json({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  });

  async function authorise(req: Request, res: Response): Promise<boolean> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!bearer) {
      graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
      return false;
    }
    let claims: Record<string, unknown>;
    try {
      claims = (
        await jwtVerify(bearer, keys.publicKey, {
          audience: GRAPH_AUDIENCE,
          issuer: `https://sts.windows.net/${tenantId}/`,
          algorithms: ['RS256'],
        })
      ).payload;
    } catch {
      graphError(
        res,
        401,
        'InvalidAuthenticationToken',
        'Access token validation failure. Invalid audience, issuer, signature or lifetime.',
      );
      return false;
    }
    const roles = Array.isArray(claims.roles) ? claims.roles : [];
    if (!roles.includes(USER_READ_ALL)) {
      graphError(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      return false;
    }
    return true;
  }

  router.get('/v1.0/users', async (req, res) => {
    if (!(await authorise(req, res))) return;
    if (fault.times > 0) {
      fault.times -= 1;
      return graphError(
        res,
        fault.status,
        FAULT_CODES[fault.status] ?? 'generalException',
        'The service is temporarily unavailable. Please retry later.',
      );
    }
    let query;
    try {
      query = parseUsersQuery(new URL(req.originalUrl, 'http://graph.invalid').searchParams, req.get('consistencylevel'));
    } catch (error) {
      if (error instanceof ODataError) return graphError(res, 400, error.code, error.message);
      throw error;
    }
    const found = users().filter((u) => query.filter === undefined || matches(u, query.filter));
    const page = found.slice(0, query.top).map((u) => Object.fromEntries(query.select.map((p: GraphUserProperty) => [p, u[p]])));
    const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}${req.baseUrl}`;
    res.json({
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users(${query.select.join(',')})`,
      value: page,
      ...(found.length > query.top
        ? { '@odata.nextLink': `${base}/v1.0/users?$top=${query.top}&$skiptoken=${randomUUID().replace(/-/g, '')}` }
        : {}),
    });
  });

  router.use('/v1.0', (_req, res) =>
    graphError(res, 400, 'BadRequest', 'Resource not found for the segment (this stand-in serves GET /v1.0/users only).'),
  );

  return {
    router,
    tenantId,
    configAt: (baseUrl) => {
      const base = baseUrl.replace(/\/+$/, '');
      return { baseUrl: base, tokenUrl: `${base}/${tenantId}/oauth2/v2.0/token` };
    },
    addUser(user) {
      const id = (user.id ?? randomUUID()).toLowerCase();
      const full: GraphUser = {
        id,
        displayName: user.displayName ?? user.mail ?? 'User',
        mail: user.mail,
        userPrincipalName: user.userPrincipalName ?? `${id.slice(0, 8)}@directory.test`,
        userType: user.userType ?? 'Member',
        accountEnabled: user.accountEnabled ?? true,
      };
      added.set(id, full);
      return { ...full };
    },
    removeUser: (id) => void added.delete(id.toLowerCase()),
    async revokeTokens() {
      keys = await generateKeyPair('RS256');
      kid = randomUUID();
    },
    failUsers(status, times = 1) {
      fault.status = status;
      fault.times = times;
    },
    log,
    reset() {
      added.clear();
      fault.times = 0;
      log.length = 0;
    },
  };
}

/** The stand-in on its own HTTP server at 127.0.0.1 on a free port. */
export async function startGraphStandIn(options: GraphStandInOptions): Promise<StartedGraphStandIn> {
  const standIn = await createGraphStandIn(options);
  const { url, close } = await serveOnLoopback(standIn.router);
  return Object.assign(standIn, { url, config: standIn.configAt(url), close });
}
