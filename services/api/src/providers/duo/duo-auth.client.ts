import duoApi from '@duosecurity/duo_api';
import type { IdpConfig } from '@vouchsafe/contracts';
import { ProviderError } from '../provider.types';

/**
 * The Duo Auth API v2 through `@duosecurity/duo_api` (HMAC-SHA512 signed requests over HTTPS to Duo's pinned CAs).
 * The SDK has no timeout or abort and parses nothing itself here (its jsonApiCall would throw from a socket
 * callback on a non-JSON body), so each call is raced against a timer and the body parsed by us. A request that
 * loses the race keeps its socket until Duo answers; that bounds itself (Duo ends long polls when the push ends).
 */

export type DuoConfig = Extract<IdpConfig, { kind: 'duo' }>;

export interface DuoAuthApi {
  /** The `response` of a successful call; undefined when Duo did not answer within `waitMs`. Throws ProviderError. */
  request<T>(method: 'GET' | 'POST', path: string, params: Record<string, string>, waitMs: number): Promise<T | undefined>;
  /** Like request, but no answer in time is an error (ProviderError 'unavailable'). */
  call<T>(method: 'GET' | 'POST', path: string, params: Record<string, string>): Promise<T>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Duo's FAIL answers: 401xx are our credentials or signature, 400xx our parameters, the rest Duo's trouble. */
function failure(body: Record<string, unknown>): ProviderError {
  if (body.stat === 'ERROR') return new ProviderError('unavailable', 'Duo could not be reached.');
  const code = typeof body.code === 'number' ? body.code : undefined;
  if (code !== undefined && code >= 40100 && code < 40200) {
    return new ProviderError(
      'misconfigured',
      `Duo refused Vouchsafe's credentials (code ${code}): check the integration key, secret key and API host.`,
      401,
    );
  }
  if (code !== undefined && code >= 40000 && code < 50000)
    return new ProviderError('rejected', `Duo refused the request (code ${code}).`, Math.floor(code / 100));
  return new ProviderError('unavailable', `Duo answered with an error${code !== undefined ? ` (code ${code})` : ''}.`);
}

function parse<T>(raw: string): T {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new ProviderError('unavailable', 'Duo answered with something that is not JSON.');
  }
  if (!isObject(body) || typeof body.stat !== 'string') throw new ProviderError('unavailable', 'Duo answered without a status.');
  if (body.stat !== 'OK') throw failure(body);
  return body.response as T;
}

export function createDuoAuthApi(config: DuoConfig, timeoutMs: number): DuoAuthApi {
  const client = new duoApi.Client(config.integrationKey, config.secretKey, config.apiHost);
  const request = <T>(method: 'GET' | 'POST', path: string, params: Record<string, string>, waitMs: number): Promise<T | undefined> =>
    new Promise<T | undefined>((resolve, reject) => {
      const timer = setTimeout(() => resolve(undefined), waitMs);
      try {
        client.apiCall(method, path, params, (raw) => {
          clearTimeout(timer);
          try {
            resolve(parse<T>(raw));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      } catch {
        clearTimeout(timer);
        reject(new ProviderError('unavailable', 'Duo could not be reached.'));
      }
    });
  return {
    request,
    async call<T>(method: 'GET' | 'POST', path: string, params: Record<string, string>): Promise<T> {
      const answer = await request<T>(method, path, params, timeoutMs);
      if (answer === undefined) throw new ProviderError('unavailable', `Duo did not answer within ${Math.round(timeoutMs / 1000)} s.`);
      return answer;
    },
  };
}
