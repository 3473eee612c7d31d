import type { Request, Response } from 'express';
import { VERIFICATION_EVENT } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import type { Logger } from '../../logger';
import type { SidebarSession } from '../sessions/session.types';
import type { LiveChange, LiveHub } from './live';
import * as repo from './verification.repository';
import { toView, type VerificationRow } from './verification.types';

/**
 * `GET /api/v1/sidebar/verifications/events`: Server-Sent Events for one sidebar session.
 * One channel per tenant + ticket subscribes to the process's LISTEN hub; each notification loads
 * the verification ONCE (loads are serialised per ticket so a stream never goes back in time) and
 * is written to that ticket's streams that may see it: the agent's own verifications, and for a
 * supervisor the ones with an override. `: ping` every 15 s; the stream ends when the session
 * expires (a timer, and every write checks the time too), when its tenant is removed (the hub hears
 * the removal from any process; after a reconnect the tenant is checked again, in case the
 * notification was missed), or when the process shuts down.
 */

export const HEARTBEAT_MS = 15_000;

interface Stream {
  session: SidebarSession;
  isSupervisor: boolean;
  send(row: VerificationRow): void;
  snapshot(): void;
  close(): void;
}

interface Channel {
  streams: Set<Stream>;
  queue: Promise<void>;
  unsubscribe: () => void;
}

export interface VerificationEventsDeps {
  db: Db;
  hub: LiveHub;
  logger: Logger;
  isSupervisor(session: SidebarSession): Promise<boolean>;
  /** Is the tenant still registered (checked after the hub reconnects)? */
  isTenantActive(tenantId: string): Promise<boolean>;
  onStreams?(count: number): void;
}

const mayShow = (s: Stream, row: VerificationRow) =>
  row.purpose === 'caller' &&
  row.tenantId === s.session.tenantId &&
  row.ticketId === s.session.ticketId &&
  (row.agentId === s.session.agentId || (s.isSupervisor && row.override !== null));

export function createVerificationEvents(deps: VerificationEventsDeps) {
  const channels = new Map<string, Channel>();
  const all = new Set<Stream>();
  const log = deps.logger.child({ component: 'verification-events' });

  function channelFor(tenantId: string, ticketId: string): Channel {
    const key = `${tenantId}\u0000${ticketId}`;
    const existing = channels.get(key);
    if (existing) return existing;
    const created: Channel = { streams: new Set(), queue: Promise.resolve(), unsubscribe: () => undefined };
    created.unsubscribe = deps.hub.subscribe({
      tenantId,
      ticketId,
      onChange: (change: LiveChange) => {
        created.queue = created.queue.then(async () => {
          try {
            const row = await repo.findById(deps.db, change.tenantId, change.verificationId);
            if (row) for (const s of created.streams) if (mayShow(s, row)) s.send(row);
          } catch (err) {
            log.warn({ err }, 'could not load a changed verification');
          }
        });
      },
      onResync: () => {
        created.queue = created.queue.then(async () => {
          // A removal NOTIFYed while the hub was disconnected is lost: ask the database instead.
          const isActive = await deps.isTenantActive(tenantId).catch(() => true);
          if (isActive) created.streams.forEach((s) => s.snapshot());
          else [...created.streams].forEach((s) => s.close());
        });
      },
      onClose: () => [...created.streams].forEach((s) => s.close()),
    });
    channels.set(key, created);
    return created;
  }

  async function handle(req: Request, res: Response, session: SidebarSession): Promise<void> {
    const isSupervisor = await deps.isSupervisor(session);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    let isClosed = false;
    const write = (text: string) => {
      if (isClosed) return;
      // Never a byte past the session's end, even if the expiry timer has not fired yet.
      if (Date.now() >= session.expiresAt.getTime()) {
        stream.close();
        return;
      }
      res.write(text);
    };
    const ch = channelFor(session.tenantId, session.ticketId);
    const stream: Stream = {
      session,
      isSupervisor,
      send: (row) => write(`event: ${VERIFICATION_EVENT}\ndata: ${JSON.stringify(toView(row))}\n\n`),
      snapshot: () => {
        ch.queue = ch.queue
          .then(async () => {
            const [current, pending] = await Promise.all([
              repo.findCurrent(deps.db, session.tenantId, session.ticketId, session.agentId),
              isSupervisor ? repo.findPendingOverrides(deps.db, session.tenantId, session.ticketId) : Promise.resolve([]),
            ]);
            for (const row of [...(current ? [current] : []), ...pending.filter((p) => p.id !== current?.id)]) stream.send(row);
          })
          .catch((err: unknown) => log.warn({ err }, 'could not load the verification snapshot'));
      },
      close: () => {
        if (isClosed) return;
        isClosed = true;
        clearInterval(ping);
        clearTimeout(expiry);
        ch.streams.delete(stream);
        all.delete(stream);
        deps.onStreams?.(all.size);
        if (ch.streams.size === 0 && channels.get(`${session.tenantId}\u0000${session.ticketId}`) === ch) {
          channels.delete(`${session.tenantId}\u0000${session.ticketId}`);
          ch.unsubscribe();
        }
        res.end();
      },
    };
    const ping = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    // A stream never outlives the session it was opened with; the client renews and reconnects.
    const expiry = setTimeout(() => stream.close(), Math.max(0, Math.min(session.expiresAt.getTime() - Date.now(), 2 ** 31 - 1)));
    ch.streams.add(stream);
    all.add(stream);
    deps.onStreams?.(all.size);
    req.on('close', () => stream.close());
    write(': connected\n\n');
    stream.snapshot();
  }

  return {
    handle,
    /** Ends every open stream (shutdown: the server drain must not wait for them). */
    closeAll() {
      for (const s of [...all]) s.close();
    },
    get streamCount() {
      return all.size;
    },
  };
}

export type VerificationEvents = ReturnType<typeof createVerificationEvents>;
