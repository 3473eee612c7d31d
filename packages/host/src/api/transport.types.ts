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
  /** The answer is binary (a document chunk): a 2xx body is returned in `bytes`, not parsed as JSON. */
  expectsBytes?: boolean;
}

export interface TransportResponse {
  status: number;
  /** The parsed JSON body, or undefined when there is none (204) or it is not JSON. */
  body: unknown;
  /** The raw body of a 2xx answer to a request with `expectsBytes`. */
  bytes?: Uint8Array;
}

/** Reads a Response (fetch, or Forge's Response-like answer) as the request asked: bytes for a 2xx binary answer, else JSON. */
export async function readResponse(request: TransportRequest, response: Response): Promise<TransportResponse> {
  if (request.expectsBytes === true && response.status >= 200 && response.status < 300) {
    return { status: response.status, body: undefined, bytes: new Uint8Array(await response.arrayBuffer()) };
  }
  return { status: response.status, body: await readJsonBody(response) };
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
  const headers = {
    accept: request.expectsBytes === true ? 'application/octet-stream, application/json' : 'application/json',
    ...request.headers,
  };
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
