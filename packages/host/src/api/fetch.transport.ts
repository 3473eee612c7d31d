import { jsonRequestInit, readJsonBody, type Transport } from './transport.types';

/**
 * Plain fetch. The Zendesk and ServiceNow sidebar pages are served by the API itself, so the
 * default base URL is '' (same origin, relative paths; CSP connect-src 'self').
 */
export function fetchTransport(baseUrl = '', fetchImpl: typeof fetch = (input, init) => fetch(input, init)): Transport {
  return async (request) => {
    const { headers, body } = jsonRequestInit(request);
    const response = await fetchImpl(`${baseUrl}${request.path}`, {
      method: request.method,
      headers,
      body,
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
      signal: request.signal,
    });
    return { status: response.status, body: await readJsonBody(response) };
  };
}
