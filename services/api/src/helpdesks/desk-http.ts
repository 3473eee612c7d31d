import { DESK_LABELS } from '@vouchsafe/contracts';
import { isOutboundRefusal } from '../lib/outbound';
import { HelpdeskError, type ConnectorOptions, type DeskTenant, type HelpdeskConnector } from './helpdesk.types';

/**
 * The one way connectors talk to a desk: the outbound guard's fetch (https, public or operator-allowed addresses
 * checked at connect time, no redirects) with a timeout, credentials in a header,
 * answers mapped to HelpdeskError kinds. Error messages name the desk and the operation only:
 * never the URL (it carries ticket ids), credentials, or what was sent.
 */

export interface DeskHttp {
  /** JSON answer of a 2xx; undefined on 404 when `isMissingOk`. Throws HelpdeskError otherwise. */
  json(op: string, method: string, path: string, opts?: { body?: unknown; isMissingOk?: boolean }): Promise<unknown>;
}

function authorization(tenant: DeskTenant): string {
  const c = tenant.credentials;
  if ('oauthToken' in c) return `Bearer ${c.oauthToken}`;
  const basic = (s: string) => `Basic ${Buffer.from(s, 'utf8').toString('base64')}`;
  if ('username' in c) return basic(`${c.username}:${c.password}`);
  // Zendesk API tokens authenticate as `{email}/token:{token}`; Atlassian's as `{email}:{token}`.
  return tenant.desk === 'zendesk' ? basic(`${c.email}/token:${c.apiToken}`) : basic(`${c.email}:${c.apiToken}`);
}

export function kindForStatus(status: number): HelpdeskError['kind'] {
  if (status === 404) return 'not_found';
  if (status === 401 || status === 403) return 'unauthorized';
  // Rate limits and edit conflicts clear up by themselves: retry them like an outage.
  if (status === 429 || status === 409 || status >= 500) return 'unavailable';
  return 'rejected';
}

export function createDeskHttp(tenant: DeskTenant, opts: ConnectorOptions): DeskHttp {
  const desk = DESK_LABELS[tenant.desk];
  const base = tenant.apiBaseUrl.replace(/\/+$/, '');
  const auth = authorization(tenant);

  const call: DeskHttp['json'] = async (op, method, path, { body, isMissingOk = false } = {}) => {
    let res: Response;
    try {
      res = await opts.outbound.fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: auth,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      if (isOutboundRefusal(err)) {
        // Not retried sooner than any outage: the address may be fixed in DNS or by the operator's allowlist.
        throw new HelpdeskError('unavailable', `${desk} is at an address Vouchsafe may not connect to (${op})`);
      }
      const isTimeout = (err as { name?: string }).name === 'TimeoutError';
      throw new HelpdeskError('unavailable', `${desk} did not answer (${op}): ${isTimeout ? 'timed out' : 'network error'}`);
    }
    if (res.status === 404 && isMissingOk) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new HelpdeskError(kindForStatus(res.status), `${desk} answered ${res.status} (${op})`, res.status);
    }
    const text = await res.text().catch(() => {
      throw new HelpdeskError('unavailable', `${desk} broke off its answer (${op})`, res.status);
    });
    if (!text) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HelpdeskError('unavailable', `${desk} answered with something that is not JSON (${op})`, res.status);
    }
  };
  const { observe } = opts;
  if (!observe) return { json: call };
  return {
    async json(op, method, path, options) {
      const started = process.hrtime.bigint();
      let outcome = 'ok';
      try {
        return await call(op, method, path, options);
      } catch (err) {
        outcome = err instanceof HelpdeskError ? err.kind : 'error';
        throw err;
      } finally {
        observe(op, outcome, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
  };
}

/**
 * `findNote` and `readNote` for desks whose comments carry `id` and `body` (Zendesk, JSM), over the connector's own
 * paged comment search: a note is found by its desk id when known, else by the receipt its body quotes.
 */
export function commentNotes(
  findComment: (ticketId: string, match: (c: Record<string, unknown>) => boolean) => Promise<Record<string, unknown> | undefined>,
): Pick<HelpdeskConnector, 'findNote' | 'readNote'> {
  const quotes = (receipt: string) => (c: Record<string, unknown>) => typeof c.body === 'string' && c.body.includes(receipt);
  return {
    async findNote(ticketId, receipt) {
      return (await findComment(ticketId, quotes(receipt))) !== undefined;
    },
    async readNote(ticketId, receipt, remoteId) {
      const found = await findComment(ticketId, remoteId !== null ? (c) => idString(c.id) === remoteId : quotes(receipt));
      if (!found || typeof found.body !== 'string') return undefined;
      return { remoteId: idString(found.id), text: found.body };
    },
  };
}

/** Narrowing helpers for desk answers (they are untrusted input). */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const field = (v: unknown, key: string): unknown => (isRecord(v) ? v[key] : undefined);
export function idString(v: unknown): string | null {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}
export const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** A desk time (ISO 8601, or ServiceNow's UTC `yyyy-MM-dd HH:mm:ss`) as a Date; null when absent or unreadable. */
export function deskTime(v: unknown): Date | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > 40) return null;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t);
}

/** Digits of a phone number, for comparing two spellings of one number. */
export const phoneDigits = (v: string): string => v.replace(/\D/g, '').replace(/^00/, '');

export function malformed(tenant: DeskTenant, op: string): HelpdeskError {
  return new HelpdeskError('unavailable', `${DESK_LABELS[tenant.desk]} answered in an unexpected shape (${op})`);
}
