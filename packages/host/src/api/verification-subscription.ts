import {
  SidebarApiError,
  VERIFICATION_EVENT,
  VerificationSchema,
  type Verification,
  type VerificationOverview,
} from '@vouchsafe/contracts';
import { toSidebarApiError, unreachable } from './sidebar-api.errors';
import { createSseParser } from './sse-parser';
import type { StreamResponse } from './transport.types';

export type OnVerification = (verification: Verification) => void;
export type OnSubscriptionError = (error: SidebarApiError) => void;

/** What a subscription needs from the client, narrowed so it can be tested without one. */
export interface SubscriptionDeps {
  /** GET /verifications with the session (renewing as usual). */
  overview(): Promise<VerificationOverview>;
  /** Opens GET /verifications/events with the current session (renewed first when due). */
  open(signal: AbortSignal): Promise<StreamResponse>;
  /** Renews the session (after a 401 on the stream). Rejects when the session is gone. */
  renew(): Promise<unknown>;
  /** Calls back after every session renewal; returns the unsubscribe. */
  onSessionRenewed(listener: () => void): () => void;
}

export interface StreamTiming {
  /** First reconnect delay; doubles per failure up to maxBackoffMs, with ±20 % jitter. */
  backoffMs: number;
  maxBackoffMs: number;
  /** No bytes (the API pings every 15 s) for this long means the connection is dead: reconnect. */
  idleTimeoutMs: number;
  /** How long the API may take to answer the stream's headers. */
  connectTimeoutMs: number;
}

export const DEFAULT_STREAM_TIMING: StreamTiming = {
  backoffMs: 1_000,
  maxBackoffMs: 30_000,
  idleTimeoutMs: 45_000,
  connectTimeoutMs: 20_000,
};
export const POLL_INTERVAL_MS = 1_000;

const isSessionGone = (error: unknown): boolean => error instanceof SidebarApiError && error.failure === 'session_rejected';
const asApiError = (error: unknown): SidebarApiError => (error instanceof SidebarApiError ? error : unreachable());

/** Emits each verification of the overview whose JSON differs from the last one emitted for its id. */
function changeFilter(onChange: OnVerification): (list: Verification[]) => void {
  const seen = new Map<string, string>();
  return (list) => {
    for (const verification of list) {
      const json = JSON.stringify(verification);
      if (seen.get(verification.id) === json) continue;
      seen.set(verification.id, json);
      onChange(verification);
    }
  };
}

const listOf = (overview: VerificationOverview): Verification[] => [
  ...(overview.current ? [overview.current] : []),
  ...overview.pendingOverrides,
];

async function readAll(body: ReadableStream<Uint8Array> | null): Promise<unknown> {
  if (!body) return undefined;
  try {
    const text = await new Response(body).text();
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Server-Sent Events over fetch streaming. Reconnects with exponential backoff after errors and
 * ends of stream, at once after a session renewal (the stream was opened with the old session),
 * and after a silent connection. After every reconnect it reads GET /verifications once, so a
 * change that happened while disconnected is not missed. A refused session ends the subscription.
 */
export function subscribeBySse(
  deps: SubscriptionDeps,
  onChange: OnVerification,
  onError: OnSubscriptionError,
  timing: StreamTiming = DEFAULT_STREAM_TIMING,
): () => void {
  let isActive = true;
  let controller: AbortController | undefined;
  let wake: (() => void) | undefined;
  let isRenewed = false;
  /** The last attempt was answered 401 and renewed: a second 401 in a row means the session is refused. */
  let wasRefused = false;
  let failures = 0;
  let hasConnected = false;
  const emitChanged = changeFilter(onChange);

  const stopRenewals = deps.onSessionRenewed(() => {
    isRenewed = true;
    controller?.abort();
  });

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** Resolves when the stream ends (server closed, aborted, idle); rejects with SidebarApiError otherwise. */
  async function connectOnce(): Promise<void> {
    const current = new AbortController();
    controller = current;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    let response: StreamResponse;
    try {
      response = await Promise.race([
        deps.open(current.signal),
        new Promise<never>((_, reject) => {
          connectTimer = setTimeout(() => {
            current.abort();
            reject(unreachable());
          }, timing.connectTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(connectTimer);
    }
    if (response.status === 401 && !wasRefused) {
      await response.body?.cancel().catch(() => undefined);
      wasRefused = true;
      await deps.renew(); // a refusal here ends the subscription (session_rejected)
      isRenewed = true;
      return;
    }
    if (response.status !== 200 || !response.body) {
      throw toSidebarApiError({ status: response.status, body: await readAll(response.body) });
    }
    wasRefused = false;
    failures = 0;
    if (hasConnected)
      deps.overview().then(
        (o) => isActive && emitChanged(listOf(o)),
        () => undefined,
      );
    hasConnected = true;
    await pump(response.body, current);
  }

  async function pump(body: ReadableStream<Uint8Array>, current: AbortController): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = createSseParser((event) => {
      if (event.event !== VERIFICATION_EVENT || !isActive) return;
      try {
        const parsed = VerificationSchema.safeParse(JSON.parse(event.data));
        if (parsed.success) emitChanged([parsed.data]);
      } catch {
        // A malformed event is skipped; the next change or reconnect brings the truth.
      }
    });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    const armIdle = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => current.abort(), timing.idleTimeoutMs);
    };
    const onAbort = (): void => void reader.cancel().catch(() => undefined);
    current.signal.addEventListener('abort', onAbort);
    try {
      armIdle();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armIdle();
        parser.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      if (!current.signal.aborted) throw unreachable();
    } finally {
      clearTimeout(idleTimer);
      current.signal.removeEventListener('abort', onAbort);
    }
  }

  void (async () => {
    while (isActive) {
      isRenewed = false;
      try {
        await connectOnce();
        if (!isActive) break;
        if (isRenewed) continue;
      } catch (error) {
        if (!isActive) break;
        if (isRenewed) continue;
        onError(asApiError(error));
        if (isSessionGone(error)) break;
      }
      // Ended or failed: wait before the next attempt so a failing API is not hammered.
      const base = Math.min(timing.backoffMs * 2 ** failures, timing.maxBackoffMs);
      failures = Math.min(failures + 1, 16);
      await sleep(base * (0.8 + Math.random() * 0.4));
    }
    stopRenewals();
  })();

  return () => {
    isActive = false;
    controller?.abort();
    wake?.();
    stopRenewals();
  };
}

/**
 * Polling GET /verifications, for transports that cannot stream (Forge `requestRemote` answers
 * only once the whole body has arrived). A tick is skipped while the previous call is in flight.
 */
export function subscribeByPolling(
  deps: Pick<SubscriptionDeps, 'overview'>,
  onChange: OnVerification,
  onError: OnSubscriptionError,
  intervalMs: number = POLL_INTERVAL_MS,
): () => void {
  let isActive = true;
  let isInFlight = false;
  const emitChanged = changeFilter(onChange);
  const tick = (): void => {
    if (isInFlight || !isActive) return;
    isInFlight = true;
    deps
      .overview()
      .then(
        (overview) => isActive && emitChanged(listOf(overview)),
        (error: unknown) => {
          if (!isActive) return;
          onError(asApiError(error));
          if (isSessionGone(error)) stop();
        },
      )
      .finally(() => {
        isInFlight = false;
      });
  };
  const timer = setInterval(tick, intervalMs);
  const stop = (): void => {
    isActive = false;
    clearInterval(timer);
  };
  tick();
  return stop;
}
