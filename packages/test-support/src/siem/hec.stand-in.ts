import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLoopbackServer, type LoopbackTls } from '../ports';

/**
 * A Splunk HTTP Event Collector stand-in, as strict as Splunk's documented wire format (help.splunk.com, "Format
 * events for HTTP Event Collector", "About HTTP Event Collector Indexer Acknowledgment", and HEC's status codes):
 * - `POST /services/collector/event` (and `/services/collector`), `Authorization: Splunk <token>`: missing → 401 code 2
 *   "Token is required", another scheme → 401 code 3 "Invalid authorization", unknown token → 403 code 4 "Invalid token".
 * - Body: one or more JSON event envelopes one after another; keys only time, host, source, sourcetype, index, event,
 *   fields; `event` required (400 code 12) and not blank (400 code 13); `time` a number (epoch seconds) or a numeric
 *   string; anything else → 400 code 6 "Invalid data format"; empty body → 400 code 5 "No data". An index outside the
 *   token's allowed list → 400 code 7 "Incorrect index".
 * - Success: 200 `{"text":"Success","code":0}`; with acknowledgment on, requests need `X-Splunk-Request-Channel`
 *   (400 code 10 "Data channel is missing") and the answer adds `ackId`; `POST /services/collector/ack?channel=` with
 *   `{"acks":[ids]}` answers `{"acks":{"<id>":true|false}}`.
 * - Faults: `busy(n)` answers 503 code 9 "Server is busy" n times; `dropReplies(n)` stores the events and then drops
 *   the connection without an answer (a lost reply); `ackAfterPolls(n)` leaves acks false for n polls.
 */

export interface HecEnvelope {
  time?: number | string;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
  fields?: Record<string, unknown>;
}

export interface HecStandIn {
  url: string;
  token: string;
  /** Every envelope indexed, in arrival order (duplicates included). */
  readonly events: HecEnvelope[];
  /** Requests refused, by HEC code (for assertions on what a client sent wrong). */
  readonly refusals: number[];
  busy(n: number): void;
  dropReplies(n: number): void;
  ackAfterPolls(n: number): void;
  close(): Promise<void>;
}

export interface HecStandInOptions {
  token?: string;
  isAck?: boolean;
  allowedIndexes?: readonly string[];
  tls?: LoopbackTls;
}

const KEYS = new Set(['time', 'host', 'source', 'sourcetype', 'index', 'event', 'fields']);

/** Splits concatenated JSON objects (HEC's batch form); undefined when the text is not exactly that. */
export function splitConcatenatedJson(text: string): unknown[] | undefined {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth < 0) return undefined;
      if (depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          return undefined;
        }
      }
    } else if (depth === 0 && !/\s/.test(c)) return undefined;
  }
  return depth === 0 ? out : undefined;
}

export async function startHecStandIn(options: HecStandInOptions = {}): Promise<HecStandIn> {
  const token = options.token ?? '7f3c0a52-6a7e-4f0c-9d2b-5b0e8d6c1a23';
  const events: HecEnvelope[] = [];
  const refusals: number[] = [];
  let busy = 0;
  let drop = 0;
  let ackPolls = 0;
  const acks = new Map<string, { next: number; pending: Map<number, number> }>();

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>) => {
    if (typeof body.code === 'number' && body.code !== 0) refusals.push(body.code);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
  };

  function authorised(req: IncomingMessage, res: ServerResponse): boolean {
    const auth = req.headers.authorization;
    if (!auth) answer(res, 401, { text: 'Token is required', code: 2 });
    else if (!auth.startsWith('Splunk ')) answer(res, 401, { text: 'Invalid authorization', code: 3 });
    else if (auth.slice('Splunk '.length) !== token) answer(res, 403, { text: 'Invalid token', code: 4 });
    else return true;
    return false;
  }

  function envelopesOf(body: string): HecEnvelope[] | { code: number; text: string } {
    if (body.trim() === '') return { code: 5, text: 'No data' };
    const parts = splitConcatenatedJson(body);
    if (!parts) return { code: 6, text: 'Invalid data format' };
    for (const p of parts) {
      if (typeof p !== 'object' || p === null || Array.isArray(p)) return { code: 6, text: 'Invalid data format' };
      const e = p as Record<string, unknown>;
      if (Object.keys(e).some((k) => !KEYS.has(k))) return { code: 6, text: 'Invalid data format' };
      if (!('event' in e)) return { code: 12, text: 'Event field is required' };
      if (e.event === null || (typeof e.event === 'string' && e.event.trim() === ''))
        return { code: 13, text: 'Event field cannot be blank' };
      if (e.time !== undefined && !(typeof e.time === 'number' || (typeof e.time === 'string' && /^\d+(\.\d+)?$/.test(e.time)))) {
        return { code: 6, text: 'Invalid data format' };
      }
      for (const k of ['host', 'source', 'sourcetype', 'index'] as const) {
        if (e[k] !== undefined && typeof e[k] !== 'string') return { code: 6, text: 'Invalid data format' };
      }
      if (options.allowedIndexes && typeof e.index === 'string' && !options.allowedIndexes.includes(e.index)) {
        return { code: 7, text: 'Incorrect index' };
      }
    }
    return parts as HecEnvelope[];
  }

  const server = createLoopbackServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://hec');
      if (req.method !== 'POST') return answer(res, 404, { text: 'The requested URL was not found on this server.', code: 404 });
      if (!authorised(req, res)) return;
      const channel = req.headers['x-splunk-request-channel'] ?? url.searchParams.get('channel') ?? undefined;
      if (url.pathname === '/services/collector/ack') {
        if (!options.isAck) return answer(res, 400, { text: 'ACK is disabled', code: 14 });
        const state = typeof channel === 'string' ? acks.get(channel) : undefined;
        if (!state) return answer(res, 400, { text: 'Invalid data channel', code: 11 });
        let ids: unknown;
        try {
          ids = (JSON.parse(body) as { acks?: unknown }).acks;
        } catch {
          return answer(res, 400, { text: 'Invalid data format', code: 6 });
        }
        if (!Array.isArray(ids)) return answer(res, 400, { text: 'Invalid data format', code: 6 });
        const isReady = ackPolls <= 0;
        if (ackPolls > 0) ackPolls -= 1;
        return answer(res, 200, { acks: Object.fromEntries(ids.map((id) => [String(id), isReady && state.pending.has(Number(id))])) });
      }
      if (url.pathname !== '/services/collector/event' && url.pathname !== '/services/collector') {
        return answer(res, 404, { text: 'The requested URL was not found on this server.', code: 404 });
      }
      if (busy > 0) {
        busy -= 1;
        return answer(res, 503, { text: 'Server is busy', code: 9 });
      }
      if (options.isAck && typeof channel !== 'string') return answer(res, 400, { text: 'Data channel is missing', code: 10 });
      const parsed = envelopesOf(body);
      if (!Array.isArray(parsed)) return answer(res, 400, parsed);
      events.push(...parsed);
      if (drop > 0) {
        drop -= 1;
        req.socket.destroy();
        return;
      }
      if (!options.isAck) return answer(res, 200, { text: 'Success', code: 0 });
      const state = acks.get(channel as string) ?? { next: 0, pending: new Map<number, number>() };
      acks.set(channel as string, state);
      const ackId = state.next;
      state.next += 1;
      state.pending.set(ackId, parsed.length);
      return answer(res, 200, { text: 'Success', code: 0, ackId });
    });
  }, options.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    events,
    refusals,
    busy: (n) => {
      busy = n;
    },
    dropReplies: (n) => {
      drop = n;
    },
    ackAfterPolls: (n) => {
      ackPolls = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
