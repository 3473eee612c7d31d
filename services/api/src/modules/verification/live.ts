import pg from 'pg';
import type { Logger } from '../../logger';
import { TENANT_REMOVED_CHANNEL } from '../tenants/tenants.repository';
import { NOTIFY_CHANNEL } from './verification-record.sql';

/**
 * Per-process fan-out of verification changes. One dedicated Postgres connection LISTENs on
 * `vouchsafe_verification`; every recording statement (in any API process) NOTIFYs
 * `{"t":tenantId,"k":ticketId,"v":verificationId}` at commit. The hub hands each notification
 * once to the handler registered for that tenant + ticket (the SSE route loads the view once and
 * writes it to that ticket's streams). The same connection LISTENs on `vouchsafe_tenant_removed`
 * (NOTIFYed by the statement that removes a tenant, in any process): every subscriber of that tenant
 * is closed. The connection reconnects with backoff; after a reconnect every subscriber is told to
 * resynchronise (a notification may have been missed while down, a removal included).
 */

export interface LiveChange {
  tenantId: string;
  ticketId: string;
  verificationId: string;
}

export interface LiveSubscriber {
  tenantId: string;
  ticketId: string;
  onChange(change: LiveChange): void;
  /** The listening connection came back: load the current state again (and check the tenant still exists). */
  onResync(): void;
  /** End the stream now: the process is shutting down, or the tenant was removed. */
  onClose(): void;
}

export interface LiveHub {
  subscribe(s: LiveSubscriber): () => void;
  /**
   * Every verification change of every tenant (issue 13: chat messages are rendered by whichever process hears the
   * change first, not only by the one that started it). Returns the unsubscribe.
   */
  subscribeAll(onChange: (change: LiveChange) => void): () => void;
  /** Resolves once the LISTEN is active (tests and the bench wait for it). */
  ready(): Promise<void>;
  readonly subscriberCount: number;
  close(): Promise<void>;
}

const key = (tenantId: string, ticketId: string) => `${tenantId}\u0000${ticketId}`;

function parsePayload(payload: string | undefined): LiveChange | undefined {
  try {
    const p = JSON.parse(payload ?? '') as { t?: unknown; k?: unknown; v?: unknown };
    if (typeof p.t === 'string' && typeof p.k === 'string' && typeof p.v === 'string')
      return { tenantId: p.t, ticketId: p.k, verificationId: p.v };
  } catch {
    // not ours
  }
  return undefined;
}

export interface LiveHubOptions {
  databaseUrl: string;
  logger: Logger;
  /** First reconnect delay; doubles up to 10 s. */
  backoffMs?: number;
  /**
   * How long one (re)connect may take, so a hung server does not stall reconnecting forever. No statement limit:
   * this session only LISTENs (db/NOTES.md).
   */
  connectTimeoutMs?: number;
  onSubscribersChanged?(count: number): void;
}

export function createLiveHub(opts: LiveHubOptions): LiveHub {
  const log = opts.logger.child({ component: 'live' });
  const subscribers = new Map<string, Set<LiveSubscriber>>();
  const everything = new Set<(change: LiveChange) => void>();
  let count = 0;
  let client: pg.Client | undefined;
  let isClosed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let resolveReady: () => void = () => undefined;
  let readyPromise = new Promise<void>((r) => (resolveReady = r));
  let hasConnectedOnce = false;

  const changed = () => opts.onSubscribersChanged?.(count);

  function closeTenant(tenantId: string) {
    const doomed = [...subscribers.values()].flatMap((set) => [...set].filter((s) => s.tenantId === tenantId));
    if (doomed.length > 0) log.info({ tenant: tenantId, streams: doomed.length }, 'tenant removed: closing its live streams');
    for (const s of doomed) s.onClose();
  }

  function dispatch(msg: pg.Notification) {
    if (msg.channel === TENANT_REMOVED_CHANNEL) {
      if (msg.payload) closeTenant(msg.payload);
      return;
    }
    if (msg.channel !== NOTIFY_CHANNEL) return;
    const change = parsePayload(msg.payload);
    if (!change) return;
    for (const all of everything) all(change);
    const set = subscribers.get(key(change.tenantId, change.ticketId));
    if (!set) return;
    for (const s of set) s.onChange(change);
  }

  async function connect(): Promise<void> {
    if (isClosed) return;
    const c = new pg.Client({
      connectionString: opts.databaseUrl,
      application_name: 'vouchsafe-api-live',
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    });
    c.on('notification', dispatch);
    c.on('error', () => {
      // 'end' follows; reconnect there.
    });
    c.on('end', () => {
      if (client === c) client = undefined;
      if (!isClosed) scheduleReconnect();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${NOTIFY_CHANNEL}; LISTEN ${TENANT_REMOVED_CHANNEL}`);
    } catch (err) {
      log.warn({ err: (err as Error).message, attempt }, 'live updates: cannot listen; retrying');
      c.removeAllListeners('end');
      await c.end().catch(() => undefined);
      scheduleReconnect();
      return;
    }
    if (isClosed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    attempt = 0;
    if (hasConnectedOnce) {
      log.info('live updates: listening again');
      for (const set of subscribers.values()) for (const s of set) s.onResync();
    }
    hasConnectedOnce = true;
    resolveReady();
  }

  function scheduleReconnect() {
    if (isClosed || timer) return;
    if (hasConnectedOnce && attempt === 0) readyPromise = new Promise<void>((r) => (resolveReady = r));
    const delay = Math.min((opts.backoffMs ?? 100) * 2 ** attempt, 10_000);
    attempt += 1;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
  }

  void connect();

  return {
    subscribeAll(onChange) {
      everything.add(onChange);
      return () => everything.delete(onChange);
    },
    subscribe(s) {
      const k = key(s.tenantId, s.ticketId);
      let set = subscribers.get(k);
      if (!set) subscribers.set(k, (set = new Set()));
      set.add(s);
      count += 1;
      changed();
      let isDone = false;
      return () => {
        if (isDone) return;
        isDone = true;
        set.delete(s);
        if (set.size === 0) subscribers.delete(k);
        count -= 1;
        changed();
      };
    },
    ready: () => readyPromise,
    get subscriberCount() {
      return count;
    },
    async close() {
      isClosed = true;
      clearTimeout(timer);
      for (const set of [...subscribers.values()]) for (const s of [...set]) s.onClose();
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
