import { serveOnLoopback, type LoopbackTls } from '../../ports';
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { OktaOAuth, type OktaServiceApp, type OktaServiceAppCredentials } from './okta.oauth';
import { createOktaPhoneRouter } from './okta.phone';
import { OktaState, type OktaFactor, type OktaTransaction, type OktaUser } from './okta.state';

/** The SSWS API token the stand-in accepts unless told otherwise. */
export const OKTA_TEST_API_TOKEN = '00okta-stand-in-api-token-0000000000000000';

/** One request as the stand-in saw it. Credentials are reduced to their scheme (`SSWS ***`). */
export interface OktaRequestLogEntry {
  method: string;
  /** Below the org URL, without the query: `/api/v1/users/00u…/factors`. */
  path: string;
  query: string;
  /** Lower-case names: authorization (scheme only), user-agent, content-type, accept. */
  headers: Record<string, string | undefined>;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
  at: Date;
}

export interface OktaStandInOptions {
  /** false: no users (add them with state.addUser). */
  seed?: boolean;
  /** SSWS tokens accepted (default [OKTA_TEST_API_TOKEN]). */
  apiTokens?: string[];
  /** The org URL as clients reach it (links, token audience); default: derived from each request. */
  baseUrl?: string;
  /** startOktaStandIn only: serve over https with the throwaway test CA (production-mode tests). */
  tls?: LoopbackTls;
}

export interface OktaStandIn {
  /** Serves `/api/v1/…`, `/oauth2/v1/token` and the phone page `/__phone/okta/…`: mount it at the org URL's path. */
  readonly router: Router;
  readonly state: OktaState;
  readonly apiToken: string;
  /** Registers an API service app whose client assertions are verified with `publicKey`. */
  registerServiceApp(app: OktaServiceApp): void;
  /** A fresh RSA key pair and service app, registered; returns the private key for the provider config. */
  createServiceApp(options?: { scopes?: string[]; clientId?: string }): OktaServiceAppCredentials;
  /** The phone: approve (tapping `answer` when given; a wrong number rejects) or deny a pending push. */
  approve(transactionId: string, answer?: number): void;
  deny(transactionId: string): void;
  /** Until cleared with null, every `/api/v1` request answers `status` with Okta's error body (401, 403, 429, 500, 503). */
  fail(status: number | null): void;
  /** Management API requests (the token endpoint and phone page are not logged), oldest first. */
  requests(): OktaRequestLogEntry[];
  setBaseUrl(url: string): void;
  readonly baseUrl: string | undefined;
  /** Back to the seed; tokens, faults and the request log cleared. Service apps stay. */
  reset(): void;
}

export interface StartedOktaStandIn extends OktaStandIn {
  /** `http://127.0.0.1:<port>`: the org URL. */
  readonly url: string;
  close(): Promise<void>;
}

type OktaErrorCode = 'E0000001' | 'E0000006' | 'E0000007' | 'E0000009' | 'E0000011' | 'E0000047';

function oktaError(code: OktaErrorCode, summary: string, causes: string[] = []) {
  return {
    errorCode: code,
    errorSummary: summary,
    errorLink: code,
    errorId: `oae${randomBytes(11).toString('base64url')}`,
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  };
}

const FAULTS: Record<number, [OktaErrorCode, string]> = {
  401: ['E0000011', 'Invalid token provided'],
  403: ['E0000006', 'You do not have permission to perform the requested action'],
  429: ['E0000047', 'API call exceeded rate limit due to too many requests.'],
};

function redactAuthorization(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const [scheme, credential] = value.split(' ');
  return credential ? `${scheme} ***` : '***';
}

function userJson(user: OktaUser, org: string) {
  const iso = user.created.toISOString();
  return {
    id: user.id,
    status: user.status,
    created: iso,
    activated: iso,
    statusChanged: iso,
    lastLogin: null,
    lastUpdated: iso,
    passwordChanged: iso,
    type: { id: 'oty1stand1n0000000000' },
    profile: {
      firstName: user.firstName,
      lastName: user.lastName,
      mobilePhone: user.mobilePhone,
      secondEmail: null,
      login: user.login,
      email: user.email,
    },
    credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${org}/api/v1/users/${user.id}` } },
  };
}

function factorJson(user: OktaUser, factor: OktaFactor, org: string) {
  const self = `${org}/api/v1/users/${user.id}/factors/${factor.id}`;
  const profile =
    factor.factorType === 'push'
      ? { credentialId: user.login, deviceType: 'SmartPhone_IPhone', name: factor.label, platform: 'IOS', version: '9.8.1' }
      : factor.factorType === 'sms'
        ? { phoneNumber: factor.label }
        : { credentialId: user.login };
  return {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: factor.provider,
    status: factor.status,
    created: factor.created.toISOString(),
    lastUpdated: factor.lastUpdated.toISOString(),
    profile,
    _links: {
      self: { href: self, hints: { allow: ['GET', 'DELETE'] } },
      verify: { href: `${self}/verify`, hints: { allow: ['POST'] } },
      user: { href: `${org}/api/v1/users/${user.id}`, hints: { allow: ['GET'] } },
    },
  };
}

function transactionLinks(tx: OktaTransaction, org: string) {
  const href = `${org}/api/v1/users/${tx.userId}/factors/${tx.factorId}/transactions/${tx.id}`;
  return { poll: { href, hints: { allow: ['GET'] } }, cancel: { href, hints: { allow: ['DELETE'] } } };
}

/** The poll answer for each state, shaped as the spec's UserFactorPushTransaction* schemas. */
function transactionJson(tx: OktaTransaction, result: OktaTransaction['result'], user: OktaUser, org: string): Record<string, unknown> {
  const factorUrl = `${org}/api/v1/users/${tx.userId}/factors/${tx.factorId}`;
  const profile = { credentialId: user.login };
  if (result === 'WAITING') {
    return {
      factorResult: 'WAITING',
      profile,
      expiresAt: tx.expiresAt.toISOString(),
      ...(tx.correctAnswer === null ? {} : { _embedded: { challenge: { correctAnswer: tx.correctAnswer } } }),
      _links: transactionLinks(tx, org),
    };
  }
  if (result === 'SUCCESS') return { factorResult: 'SUCCESS' };
  if (result === 'unknown') {
    const state = tx.script.unknownState === undefined ? 'PENDING_REVIEW' : tx.script.unknownState;
    return state === null ? { profile } : { factorResult: state, profile };
  }
  return {
    factorResult: result,
    profile,
    _links: {
      verify: { href: `${factorUrl}/verify`, hints: { allow: ['POST'] } },
      factor: { href: factorUrl, hints: { allow: ['GET', 'DELETE'] } },
    },
  };
}

/** Okta Management API stand-in: the user, factor and push-verification operations the Okta provider uses. */
export function createOktaStandIn(options: OktaStandInOptions = {}): OktaStandIn {
  const state = new OktaState(options.seed ?? true);
  const oauth = new OktaOAuth();
  const apiTokens = options.apiTokens ?? [OKTA_TEST_API_TOKEN];
  let baseUrl = options.baseUrl?.replace(/\/+$/, '');
  let fault: number | null = null;
  const log: OktaRequestLogEntry[] = [];
  const orgUrl = (req: Request) => baseUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;

  const router = express.Router();
  router.use('/__phone/okta', createOktaPhoneRouter(state));
  // Token endpoint: its audience is the org URL + path, whatever mount this router has.
  router.use(oauth.router((req) => `${orgUrl(req)}/oauth2/v1/token`));

  const api = express.Router();
  api.use((req: Request, res: Response, next: NextFunction) => {
    const entry: OktaRequestLogEntry = {
      method: req.method,
      path: req.path,
      query: req.originalUrl.split('?')[1] ?? '',
      headers: {
        authorization: redactAuthorization(req.get('authorization')),
        'user-agent': req.get('user-agent'),
        'content-type': req.get('content-type'),
        accept: req.get('accept'),
      },
      requestBody: undefined,
      status: 0,
      responseBody: undefined,
      at: new Date(),
    };
    log.push(entry);
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      entry.responseBody = body;
      return json(body);
    };
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    res.locals.entry = entry;
    next();
  });
  api.use(express.json({ type: () => true }), (req, res, next) => {
    (res.locals.entry as OktaRequestLogEntry).requestBody = req.body && Object.keys(req.body as object).length ? req.body : undefined;
    next();
  });
  api.use((req, res, next) => {
    // Okta needs a User-Agent (it is what Okta Verify shows as the sign-in's browser and OS).
    if (!req.get('user-agent'))
      return void res
        .status(400)
        .json(oktaError('E0000001', 'Api validation failed: User-Agent', ['User-Agent: The User-Agent header is required.']));
    const [scheme, credential] = (req.get('authorization') ?? '').split(' ');
    let scopes: string[] | 'all' | undefined;
    if (scheme === 'SSWS' && credential && apiTokens.includes(credential)) scopes = 'all';
    else if (scheme === 'Bearer' && credential) scopes = oauth.lookup(credential)?.scopes;
    if (!scopes)
      return void res
        .status(401)
        .set('WWW-Authenticate', 'Bearer error="invalid_token"')
        .json(oktaError('E0000011', 'Invalid token provided'));
    const needed = req.method === 'GET' ? ['okta.users.read', 'okta.users.manage'] : ['okta.users.manage'];
    if (scopes !== 'all' && !needed.some((s) => scopes.includes(s))) {
      return void res
        .status(403)
        .set(
          'WWW-Authenticate',
          `Bearer error="insufficient_scope", error_description="The access token provided does not contain the required scopes."`,
        )
        .json(oktaError('E0000006', 'You do not have permission to perform the requested action'));
    }
    if (fault !== null) {
      const [code, summary] = FAULTS[fault] ?? ['E0000009', 'Internal Server Error'];
      return void res.status(fault).json(oktaError(code, summary));
    }
    next();
  });

  const notFound = (res: Response, what: string) => res.status(404).json(oktaError('E0000007', `Not found: Resource not found: ${what}`));
  const userById = (id: string) => state.users.find((u) => u.id === id);

  api.get('/api/v1/users/:id', (req, res) => {
    const user = state.findUser(req.params.id);
    if (!user) return void notFound(res, `${req.params.id} (User)`);
    res.json(userJson(user, orgUrl(req)));
  });

  api.get('/api/v1/users/:userId/factors', (req, res) => {
    const user = userById(req.params.userId);
    if (!user) return void notFound(res, `${req.params.userId} (User)`);
    res.json(user.factors.map((f) => factorJson(user, f, orgUrl(req))));
  });

  api.post('/api/v1/users/:userId/factors/:factorId/verify', (req, res) => {
    const user = userById(req.params.userId);
    const factor = user?.factors.find((f) => f.id === req.params.factorId);
    if (!user || !factor) return void notFound(res, `${req.params.factorId} (UserFactor)`);
    if (factor.factorType !== 'push' || factor.status !== 'ACTIVE') {
      return void res
        .status(400)
        .json(oktaError('E0000001', 'Api validation failed: factor', ['factor: This factor cannot be verified with a push.']));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const tx = state.startPush(user, factor, body.useNumberMatchingChallenge === true, req.get('user-agent') ?? '');
    res.status(201).json({
      factorResult: 'WAITING',
      expiresAt: tx.expiresAt.toISOString(),
      ...(tx.correctAnswer === null ? {} : { _embedded: { challenge: { correctAnswer: tx.correctAnswer } } }),
      _links: transactionLinks(tx, orgUrl(req)),
    });
  });

  api.get('/api/v1/users/:userId/factors/:factorId/transactions/:transactionId', (req, res) => {
    const tx = state.transaction(req.params.transactionId);
    const user = tx ? userById(tx.userId) : undefined;
    if (!tx || !user || tx.userId !== req.params.userId || tx.factorId !== req.params.factorId) {
      return void notFound(res, `${req.params.transactionId} (Transaction)`);
    }
    res.json(transactionJson(tx, state.poll(tx), user, orgUrl(req)));
  });

  api.use((req, res) => void res.status(404).json(oktaError('E0000007', `Not found: Resource not found: ${req.path}`)));
  router.use(api);

  return {
    router,
    state,
    apiToken: apiTokens[0] ?? OKTA_TEST_API_TOKEN,
    registerServiceApp: (app) => oauth.register(app),
    createServiceApp: (appOptions) => oauth.create(appOptions),
    approve(transactionId, answer) {
      state.answer(transactionId, 'approve', answer);
    },
    deny(transactionId) {
      state.answer(transactionId, 'deny');
    },
    fail(status) {
      fault = status;
    },
    requests: () => [...log],
    setBaseUrl(url) {
      baseUrl = url.replace(/\/+$/, '');
    },
    get baseUrl() {
      return baseUrl;
    },
    reset() {
      fault = null;
      log.length = 0;
      oauth.reset();
      state.reset();
    },
  };
}

/** The stand-in on its own HTTP server at 127.0.0.1 on a free port (`url` is the org URL). */
export async function startOktaStandIn(options: OktaStandInOptions = {}): Promise<StartedOktaStandIn> {
  const standIn = createOktaStandIn(options);
  const { url, close } = await serveOnLoopback(standIn.router, { tls: options.tls });
  if (!options.baseUrl) standIn.setBaseUrl(url);
  return Object.assign(standIn, { url, close });
}
