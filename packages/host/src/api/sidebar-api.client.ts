import {
  API_PATHS,
  CreateDocumentRequestResponseSchema,
  DOCUMENT_PATHS,
  DocumentRequestListSchema,
  DocumentReviewMaterialSchema,
  ReviewDocumentResponseSchema,
  CreateTicketSecretResponseSchema,
  DraftFindingsResponseSchema,
  PendingOverrideListSchema,
  SESSION_HEADER,
  SessionResponseSchema,
  SidebarApiError,
  TicketSecretListSchema,
  VerificationOverviewSchema,
  VerificationSchema,
  type CreateDocumentRequest,
  type CreateDocumentRequestResponse,
  type DocumentRequestList,
  type DocumentReviewMaterial,
  type ReviewDocumentRequest,
  type CreateTicketSecretRequest,
  type CreateTicketSecretResponse,
  type DraftFindingsRequest,
  type DraftFindingsResponse,
  type PendingOverrideList,
  type EndReason,
  type SessionResponse,
  type SidebarApi,
  type SidebarContext,
  type TicketSecretList,
  type Verification,
  type VerificationMethod,
  type VerificationOverview,
} from '@vouchsafe/contracts';
import { SESSION_REJECTED_MESSAGE, toSidebarApiError, unreachable } from './sidebar-api.errors';
import type { StreamResponse, StreamTransport, Transport, TransportRequest, TransportResponse } from './transport.types';
import {
  DEFAULT_STREAM_TIMING,
  POLL_INTERVAL_MS,
  subscribeByPolling,
  subscribeBySse,
  type StreamTiming,
  type SubscriptionDeps,
} from './verification-subscription';

/** The desk-specific session request: which path, which body (the host token travels in it or in the transport). */
export interface SessionExchange {
  path: string;
  body: unknown;
}

export interface SidebarApiOptions {
  transport: Transport;
  /** Called once, by the first start(): builds the desk's session request from the host token. */
  exchange: () => Promise<SessionExchange>;
  /** Per-call timeout. Forge Remote gives UI calls 25 s, so stay below it. */
  timeoutMs?: number;
  /** Renew this long before the session expires. */
  renewBeforeMs?: number;
  /**
   * Opens the verification event stream (SSE). Without one (Forge Remote cannot stream),
   * subscribeVerifications polls GET /verifications every `pollIntervalMs`.
   */
  stream?: StreamTransport;
  pollIntervalMs?: number;
  streamTiming?: Partial<StreamTiming>;
}

export interface SidebarApiClient extends SidebarApi {
  /** Stops background renewal and forgets the session (the sidebar is going away). */
  stop(): void;
}

interface HeldSession {
  token: string;
  renewAtMs: number;
}

const RENEW_PATH = API_PATHS.sessionRenew;
const SIDEBAR_SECRETS_PATH = API_PATHS.sidebarSecrets;
const VERIFICATIONS_PATH = API_PATHS.verifications;
const verificationPath = (id: string, action: string): string => `${API_PATHS.verification(id)}/${action}`;

/**
 * The sidebar's API client. The session lives in memory only (never storage): losing it on reload
 * is intended, the desk gives the page a new host token when the ticket is reopened.
 */
export function createSidebarApi(options: SidebarApiOptions): SidebarApiClient {
  const { transport, exchange } = options;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  let session: HeldSession | null = null;
  let starting: Promise<SessionResponse> | null = null;
  let renewing: Promise<SessionResponse> | null = null;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let isStopped = false;
  const renewalListeners = new Set<() => void>();
  const subscriptions = new Set<() => void>();

  async function send(request: Omit<TransportRequest, 'signal'>): Promise<TransportResponse> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(unreachable());
      }, timeoutMs);
    });
    try {
      return await Promise.race([transport({ ...request, signal: controller.signal }), timeout]);
    } catch (error) {
      throw error instanceof SidebarApiError ? error : unreachable();
    } finally {
      clearTimeout(timer);
    }
  }

  function parseSession(response: TransportResponse): SessionResponse {
    if (response.status !== 200 && response.status !== 201) throw toSidebarApiError(response);
    const parsed = SessionResponseSchema.safeParse(response.body);
    if (!parsed.success) throw unreachable(response.status);
    hold(parsed.data);
    return parsed.data;
  }

  /** Keeps the session and plans its renewal ~renewBeforeMs before expiry (half-way for short sessions). */
  function hold(response: SessionResponse): void {
    const now = Date.now();
    const lifetimeMs = Math.max(Date.parse(response.expiresAt) - now, 0);
    const delayMs = lifetimeMs > 2 * renewBeforeMs ? lifetimeMs - renewBeforeMs : lifetimeMs / 2;
    session = { token: response.session, renewAtMs: now + delayMs };
    clearTimeout(renewTimer);
    if (isStopped) return;
    renewTimer = setTimeout(() => {
      // A failed background renewal surfaces on the next call (renew again, then session_rejected).
      renew().catch(() => undefined);
    }, delayMs);
  }

  function renew(): Promise<SessionResponse> {
    renewing ??= (async () => {
      const current = session;
      if (!current) throw new SidebarApiError('session_rejected', SESSION_REJECTED_MESSAGE);
      const response = await send({ method: 'POST', path: RENEW_PATH, headers: { [SESSION_HEADER]: current.token } });
      if (response.status === 401) forget();
      const renewed = parseSession(response);
      for (const listener of [...renewalListeners]) listener();
      return renewed;
    })().finally(() => {
      renewing = null;
    });
    return renewing;
  }

  function forget(): void {
    session = null;
    clearTimeout(renewTimer);
  }

  /** A sidebar call with the session header; renews first when due, and once after a 401. */
  async function authed(
    method: TransportRequest['method'],
    path: string,
    body?: unknown,
    expectsBytes?: boolean,
  ): Promise<TransportResponse> {
    if (starting) await starting.catch(() => undefined);
    if (session && Date.now() >= session.renewAtMs) await renew().catch(() => undefined);
    const attempt = async (): Promise<TransportResponse> => {
      if (!session) throw new SidebarApiError('session_rejected', SESSION_REJECTED_MESSAGE);
      return send({ method, path, headers: { [SESSION_HEADER]: session.token }, body, ...(expectsBytes === true ? { expectsBytes } : {}) });
    };
    const first = await attempt();
    if (first.status !== 401 || !session) return first;
    try {
      await renew();
    } catch {
      return first;
    }
    return attempt();
  }

  function expect<T>(response: TransportResponse, status: number | readonly number[], parse: (body: unknown) => T | undefined): T {
    const isExpected = typeof status === 'number' ? response.status === status : status.includes(response.status);
    if (!isExpected) throw toSidebarApiError(response);
    const value = parse(response.body);
    if (value === undefined) throw unreachable(response.status);
    return value;
  }

  const parseVerification = (body: unknown): Verification | undefined => VerificationSchema.safeParse(body).data;
  /** Verification actions answer the verification as it now stands (200; 201 for a start). */
  const act = async (path: string, body?: unknown): Promise<Verification> =>
    expect(await authed('POST', path, body ?? {}), [200, 201], parseVerification);

  async function getVerifications(): Promise<VerificationOverview> {
    const response = await authed('GET', VERIFICATIONS_PATH);
    return expect(response, 200, (body) => VerificationOverviewSchema.safeParse(body).data);
  }

  /** Opens the event stream with the current session, renewing first when due (like authed()). */
  async function openStream(stream: StreamTransport, signal: AbortSignal): Promise<StreamResponse> {
    if (starting) await starting.catch(() => undefined);
    if (session && Date.now() >= session.renewAtMs) await renew().catch(() => undefined);
    if (!session || isStopped) throw new SidebarApiError('session_rejected', SESSION_REJECTED_MESSAGE);
    try {
      return await stream({ method: 'GET', path: API_PATHS.verificationEvents, headers: { [SESSION_HEADER]: session.token }, signal });
    } catch (error) {
      throw error instanceof SidebarApiError ? error : unreachable();
    }
  }

  const subscriptionDeps = (stream: StreamTransport): SubscriptionDeps => ({
    overview: getVerifications,
    open: (signal) => openStream(stream, signal),
    renew,
    onSessionRenewed(listener) {
      renewalListeners.add(listener);
      return () => renewalListeners.delete(listener);
    },
  });

  return {
    async start(): Promise<SidebarContext> {
      if (isStopped) throw new SidebarApiError('session_rejected', SESSION_REJECTED_MESSAGE);
      // Later calls refresh the server-side view (requester, labels) without spending the host token again.
      if (session) return (await renew()).context;
      starting ??= (async () => {
        const request = await exchange();
        return parseSession(await send({ method: 'POST', path: request.path, headers: {}, body: request.body }));
      })();
      try {
        return (await starting).context;
      } finally {
        starting = null;
      }
    },

    async createSecret(request: CreateTicketSecretRequest): Promise<CreateTicketSecretResponse> {
      const response = await authed('POST', SIDEBAR_SECRETS_PATH, request);
      return expect(response, 201, (body) => CreateTicketSecretResponseSchema.safeParse(body).data);
    },

    async listSecrets(): Promise<TicketSecretList> {
      const response = await authed('GET', SIDEBAR_SECRETS_PATH);
      return expect(response, 200, (body) => TicketSecretListSchema.safeParse(body).data);
    },

    async revokeSecret(id: string): Promise<void> {
      const response = await authed('DELETE', API_PATHS.sidebarSecret(id));
      expect(response, 204, () => true);
    },

    getVerifications,
    startVerification: (method: VerificationMethod) => act(VERIFICATIONS_PATH, { method }),
    cancelVerification: (id: string, reason?: EndReason) => act(verificationPath(id, 'cancel'), reason ? { reason } : undefined),
    submitVerificationCode: (id: string, code: string) => act(verificationPath(id, 'code'), { code }),
    requestOverride: (id: string, reason: string) => act(verificationPath(id, 'override'), { reason }),
    approveOverride: (id: string) => act(`${verificationPath(id, 'override')}/approve`),
    declineOverride: (id: string, reason: string) => act(`${verificationPath(id, 'override')}/decline`, { reason }),
    async listPendingOverrides(): Promise<PendingOverrideList> {
      const response = await authed('GET', API_PATHS.pendingOverrides);
      return expect(response, 200, (body) => PendingOverrideListSchema.safeParse(body).data);
    },
    async acknowledgeFraudFlag(reason: string): Promise<VerificationOverview> {
      const response = await authed('POST', API_PATHS.fraudFlagAcknowledge, { reason });
      return expect(response, 200, (body) => VerificationOverviewSchema.safeParse(body).data);
    },

    async recordDraftFindings(request: DraftFindingsRequest): Promise<DraftFindingsResponse> {
      const response = await authed('POST', API_PATHS.draftFindings, request);
      return expect(response, 201, (body) => DraftFindingsResponseSchema.safeParse(body).data);
    },

    async createDocumentRequest(request: CreateDocumentRequest): Promise<CreateDocumentRequestResponse> {
      const response = await authed('POST', DOCUMENT_PATHS.sidebarRequests, request);
      return expect(response, 201, (body) => CreateDocumentRequestResponseSchema.safeParse(body).data);
    },
    async listDocumentRequests(): Promise<DocumentRequestList> {
      const response = await authed('GET', DOCUMENT_PATHS.sidebarRequests);
      return expect(response, 200, (body) => DocumentRequestListSchema.safeParse(body).data);
    },
    async getDocumentReviewMaterial(id: string): Promise<DocumentReviewMaterial> {
      const response = await authed('GET', DOCUMENT_PATHS.sidebarReviewMaterial(id));
      return expect(response, 200, (body) => DocumentReviewMaterialSchema.safeParse(body).data);
    },
    async getDocumentChunk(id: string, fileId: string, index: number): Promise<Uint8Array> {
      const response = await authed('GET', DOCUMENT_PATHS.sidebarChunk(id, fileId, index), undefined, true);
      return expect(response, 200, () => response.bytes);
    },
    async reviewDocumentRequest(id: string, review: ReviewDocumentRequest): Promise<void> {
      const response = await authed('POST', DOCUMENT_PATHS.sidebarReview(id), review);
      expect(response, 200, (body) => ReviewDocumentResponseSchema.safeParse(body).data);
    },
    async revokeDocumentRequest(id: string): Promise<void> {
      const response = await authed('DELETE', DOCUMENT_PATHS.sidebarRequest(id));
      expect(response, 204, () => true);
    },

    subscribeVerifications(onChange, onError = () => undefined): () => void {
      const unsubscribe = options.stream
        ? subscribeBySse(subscriptionDeps(options.stream), onChange, onError, { ...DEFAULT_STREAM_TIMING, ...options.streamTiming })
        : subscribeByPolling({ overview: getVerifications }, onChange, onError, options.pollIntervalMs ?? POLL_INTERVAL_MS);
      let isDone = false;
      const stopThis = (): void => {
        if (isDone) return;
        isDone = true;
        subscriptions.delete(stopThis);
        unsubscribe();
      };
      subscriptions.add(stopThis);
      return stopThis;
    },

    stop(): void {
      isStopped = true;
      for (const unsubscribe of [...subscriptions]) unsubscribe();
      forget();
    },
  };
}
