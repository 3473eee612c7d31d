/** One HTTP call to the Vouchsafe API, whatever carries it (fetch, Forge Remote). */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Absolute path, e.g. `/api/v1/sidebar/secrets`. */
  path: string;
  headers: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
  /** Aborts the call on timeout where the transport supports it. */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** The parsed JSON body, or undefined when there is none (204) or it is not JSON. */
  body: unknown;
}

/** Resolves with any HTTP status; rejects only when no answer arrived (network error, abort). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** Reads a fetch Response body as JSON, tolerating empty and non-JSON bodies. */
export async function readJsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function jsonRequestInit(request: TransportRequest): { headers: Record<string, string>; body?: string } {
  const headers = { accept: 'application/json', ...request.headers };
  if (request.body === undefined) return { headers };
  return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(request.body) };
}

/** A long-lived answer (Server-Sent Events): the status, and the body as it arrives. */
export interface StreamResponse {
  status: number;
  /** null when the answer has no body. For non-2xx answers the client reads it whole (the JSON error). */
  body: ReadableStream<Uint8Array> | null;
}

/**
 * Opens a streaming GET. Only fetch can do this: Forge `requestRemote` resolves with the whole
 * answer, so the Jira sidebar has no StreamTransport and polls instead.
 */
export type StreamTransport = (request: TransportRequest) => Promise<StreamResponse>;
