import { jsonRequestInit, readResponse, type StreamTransport, type Transport } from './transport.types';

type FetchLike = typeof fetch;
const defaultFetch: FetchLike = (input, init) => fetch(input, init);

const BASE_INIT: RequestInit = {
  credentials: 'omit',
  cache: 'no-store',
  redirect: 'error',
  referrerPolicy: 'no-referrer',
};

/**
 * Plain fetch. The Zendesk and ServiceNow sidebar pages are served by the API itself, so the
 * default base URL is '' (same origin, relative paths; CSP connect-src 'self').
 */
export function fetchTransport(baseUrl = '', fetchImpl: FetchLike = defaultFetch): Transport {
  return async (request) => {
    const { headers, body } = jsonRequestInit(request);
    const response = await fetchImpl(`${baseUrl}${request.path}`, {
      ...BASE_INIT,
      method: request.method,
      headers,
      body,
      signal: request.signal,
    });
    return readResponse(request, response);
  };
}

/**
 * Server-Sent Events read through fetch streaming rather than EventSource: EventSource cannot send
 * the session header (and the session must never go into a URL or a cookie).
 */
export function fetchStreamTransport(baseUrl = '', fetchImpl: FetchLike = defaultFetch): StreamTransport {
  return async (request) => {
    const response = await fetchImpl(`${baseUrl}${request.path}`, {
      ...BASE_INIT,
      method: 'GET',
      headers: { ...request.headers, accept: 'text/event-stream' },
      signal: request.signal,
    });
    return { status: response.status, body: response.body };
  };
}

/**
 * The transports of a sidebar served by the API (Zendesk, ServiceNow): fetch for calls and for the
 * event stream. A caller that brings its own call transport but no stream gets polling.
 */
export function apiTransports(options: { transport?: Transport; stream?: StreamTransport }): {
  transport: Transport;
  stream?: StreamTransport;
} {
  if (options.transport)
    return options.stream ? { transport: options.transport, stream: options.stream } : { transport: options.transport };
  return { transport: fetchTransport(), stream: options.stream ?? fetchStreamTransport() };
}
