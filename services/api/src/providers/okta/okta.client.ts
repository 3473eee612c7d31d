import { createHash } from 'node:crypto';
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import type { RequestOptions } from '@okta/okta-sdk-nodejs/src/types/request-options';
import type { IdpConfig } from '@vouchsafe/contracts';
import { isOutboundRefusal, OutboundRefused, type Outbound } from '../../lib/outbound';
import { ProviderError } from '../provider.types';

export type OktaConfig = Extract<IdpConfig, { kind: 'okta' }>;

/** Prefix of every User-Agent we send; the SDK appends its own (`okta-sdk-nodejs/8.1.0 node/… linux/…`). */
export const OKTA_USER_AGENT = 'vouchsafe';

type OktaOutbound = Pick<Outbound, 'urlProblem' | 'nodeAgent'>;

/**
 * Every SDK request (Management API and the org's OAuth token endpoint alike) goes through the request executor's
 * fetch, which hands `request` to node-fetch 2 as its options. That is the SDK's hook (src/request-executor.js, 8.1.0):
 * we set node-fetch's `agent` to the outbound guard's (addresses checked at connect time, also replacing any
 * HTTPS_PROXY agent the SDK picked from the environment) and `redirect: 'error'` (node-fetch follows 20 by default),
 * after checking the URL rules again.
 */
class GuardedRequestExecutor extends DefaultRequestExecutor {
  constructor(
    private readonly outbound: OktaOutbound,
    config: { maxRetries: number; requestTimeout: number },
  ) {
    super(config);
  }

  override fetch(request: RequestOptions & { redirect?: 'error' }) {
    const url = String(request.url ?? '');
    const problem = this.outbound.urlProblem(url);
    if (problem !== undefined) return Promise.reject(new OutboundRefused('URL', problem));
    request.agent = this.outbound.nodeAgent(new URL(url).protocol === 'http:' ? 'http:' : 'https:');
    request.redirect = 'error';
    return super.fetch(request);
  }
}

/**
 * Everything the SDK's ConfigLoader would otherwise take from `~/.okta/okta.yaml`, `./okta.yaml` or `OKTA_CLIENT_*`
 * (authorizationMode, orgUrl, token, clientId, scopes, privateKey, keyId — and userAgent, which the YAML can set) is
 * passed here explicitly, empty where unused: the loader applies our object last, so nothing from the host's files
 * or environment survives. Retries are off (the poller decides when to ask again) and every request has the
 * provider's timeout. The response cache is off: it would answer a poll from the previous poll's body.
 */
function clientConfig(config: OktaConfig, timeoutMs: number, outbound: OktaOutbound) {
  const common = {
    orgUrl: config.orgUrl.replace(/\/+$/, ''),
    userAgent: OKTA_USER_AGENT,
    requestExecutor: new GuardedRequestExecutor(outbound, { maxRetries: 0, requestTimeout: timeoutMs }),
    cacheMiddleware: null,
  };
  if ('apiToken' in config.auth) {
    return {
      ...common,
      authorizationMode: 'SSWS',
      token: config.auth.apiToken,
      clientId: '',
      scopes: [] as string[],
      privateKey: '',
      keyId: '',
    };
  }
  return {
    ...common,
    authorizationMode: 'PrivateKey',
    token: '',
    clientId: config.auth.clientId,
    scopes: config.auth.scopes,
    privateKey: config.auth.privateKeyPem,
    keyId: config.auth.keyId ?? '',
  };
}

/**
 * One SDK client per distinct configuration, reused across providers built for the same tenant: with private-key
 * OAuth the client holds the access token, and a new client per poll would mint a token per poll.
 */
const clientsByOutbound = new WeakMap<OktaOutbound, Map<string, Client>>();
const MAX_CLIENTS = 64;

export function oktaClient(config: OktaConfig, timeoutMs: number, outbound: OktaOutbound): Client {
  let clients = clientsByOutbound.get(outbound);
  if (!clients) {
    clients = new Map<string, Client>();
    clientsByOutbound.set(outbound, clients);
  }
  const key = createHash('sha256')
    .update(JSON.stringify([config.orgUrl, config.auth, timeoutMs]))
    .digest('base64url');
  const cached = clients.get(key);
  if (cached) {
    // Least recently used goes first when full.
    clients.delete(key);
    clients.set(key, cached);
    return cached;
  }
  let client: Client;
  try {
    client = new Client(clientConfig(config, timeoutMs, outbound));
  } catch {
    // The SDK's messages may quote a host okta.yaml; ours names nothing.
    throw new ProviderError('misconfigured', 'The Okta connection settings were refused by the Okta SDK.');
  }
  clients.set(key, client);
  if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
  return client;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, code } = error as { status?: unknown; code?: unknown };
  const value = typeof status === 'number' || typeof status === 'string' ? Number(status) : typeof code === 'number' ? code : NaN;
  return Number.isInteger(value) && value >= 100 && value < 600 ? value : undefined;
}

/** Okta's answer (or silence) as a ProviderError. The SDK's own messages can quote logins and are never passed on. */
export function toProviderError(
  error: unknown,
  doing: string,
  notFound = 'Okta does not know this user, factor or transaction.',
): ProviderError {
  if (error instanceof ProviderError) return error;
  if (isOutboundRefusal(error))
    return new ProviderError('misconfigured', `Okta is at an address Vouchsafe may not connect to (while ${doing}).`);
  const status = statusOf(error);
  const url = typeof (error as { url?: unknown })?.url === 'string' ? (error as { url: string }).url : '';
  if (status === 401 || status === 403 || (status === 400 && url.endsWith('/oauth2/v1/token'))) {
    return new ProviderError(
      'misconfigured',
      `Okta refused Vouchsafe's credentials while ${doing} (HTTP ${status}): check the API token or service app, its key and its scopes.`,
      status,
    );
  }
  if (status === 404) return new ProviderError('not_found', notFound, status);
  if (status === 429) return new ProviderError('unavailable', `Okta is rate limiting Vouchsafe (while ${doing}).`, status);
  if (status !== undefined && status >= 500)
    return new ProviderError('unavailable', `Okta is unavailable (HTTP ${status} while ${doing}).`, status);
  if (status !== undefined) return new ProviderError('rejected', `Okta rejected the request while ${doing} (HTTP ${status}).`, status);
  const message = error instanceof Error ? error.message : '';
  if (/private key|PEM|JWK|Key type/i.test(message)) {
    return new ProviderError(
      'misconfigured',
      "The Okta service app's private key could not be used: it must be an RSA or EC key in PEM or JWK form.",
    );
  }
  return new ProviderError('unavailable', `Okta did not answer while ${doing}.`);
}
