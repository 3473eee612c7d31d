import { createDocumentEncryptor, fromBase64Url, toBase64Url } from '@vouchsafe/crypto';
import {
  SidebarApiError,
  type CreateDocumentRequest,
  type CreateDocumentRequestResponse,
  type DocumentRequestList,
  type DocumentRequestView,
  type DocumentReviewMaterial,
  type DocumentType,
  type ReviewDocumentRequest,
  VERIFICATION_METHOD_LABELS,
  type EndReason,
  type CreateTicketSecretRequest,
  type CreateTicketSecretResponse,
  type BeforeSaveVerdict,
  type DraftFindingsRequest,
  type DraftFindingsResponse,
  type DraftHook,
  type MethodOption,
  type PendingOverrideList,
  type SidebarApi,
  type SidebarContext,
  type SidebarHost,
  type TicketSecret,
  type TicketSecretList,
  type Verification,
  type VerificationMethod,
  type VerificationOverview,
} from '@vouchsafe/contracts';

/**
 * In-memory stand-ins typed against the contracts interfaces, for component specs only. The real
 * transport and host protocols are exercised by the e2e suites.
 */
export const CONTEXT: SidebarContext = {
  desk: 'zendesk',
  tenantName: 'Acme',
  ticket: { id: '42', displayId: '#42' },
  requester: { label: 'j***@e***.com' },
  agent: { label: 'Jane Doe' },
};

let counter = 0;
const newId = (): string => `secret${String(++counter).padStart(16, '0')}`;

export function ticketSecret(overrides: Partial<TicketSecret> = {}): TicketSecret {
  return {
    id: newId(),
    fingerprint: '3f9a1c2e',
    kind: 'text',
    createdAt: '2026-11-25T16:20:00.000Z',
    expiresAt: '2026-11-26T16:20:00.000Z',
    viewsTotal: 1,
    viewsUsed: 0,
    status: 'waiting',
    agentLabel: 'Jane Doe',
    noteStatus: 'delivered',
    ...overrides,
  };
}

export const V_ID = '00000000-0000-4000-8000-000000000001';
export const OTHER_ID = '00000000-0000-4000-8000-000000000002';

export function verification(overrides: Partial<Verification> = {}): Verification {
  return {
    id: V_ID,
    method: 'okta_push',
    state: 'started',
    startedAt: '2026-11-25T16:00:00.000Z',
    finishedAt: null,
    expiresAt: '2026-11-25T16:02:00.000Z',
    validUntil: null,
    agentLabel: 'Jane Doe',
    requesterLabel: 'j***@e***.com',
    binding: null,
    reason: null,
    isFraudSuspected: false,
    idpRef: null,
    override: null,
    receipt: null,
    ...overrides,
  };
}

export const METHODS: MethodOption[] = [
  // The API's labels: contracts VERIFICATION_METHOD_LABELS (one name per method everywhere, issue 16).
  { method: 'okta_push', label: VERIFICATION_METHOD_LABELS.okta_push, isAvailable: true, reason: null, isFallback: false },
  {
    method: 'duo_push',
    label: VERIFICATION_METHOD_LABELS.duo_push,
    isAvailable: false,
    reason: 'The caller has no Duo push device.',
    isFallback: false,
  },
  { method: 'callback_sms', label: VERIFICATION_METHOD_LABELS.callback_sms, isAvailable: true, reason: null, isFallback: true },
];

export class FakeSidebarApi implements SidebarApi {
  readonly created: CreateTicketSecretRequest[] = [];
  readonly revoked: string[] = [];
  secrets: TicketSecret[] = [];
  startCalls = 0;
  listCalls = 0;
  /** Set to make the next calls of that method fail. */
  failStart: SidebarApiError | undefined;
  failCreate: SidebarApiError | undefined;
  failList: SidebarApiError | undefined;
  failRevoke: SidebarApiError | undefined;

  /** Verify caller. */
  overview: VerificationOverview = { current: null, pendingOverrides: [], methods: METHODS, isSupervisor: false };
  readonly verifyCalls: string[] = [];
  readonly subscribers = new Set<(v: Verification) => void>();
  subscribeCalls = 0;
  unsubscribeCalls = 0;
  failVerify: SidebarApiError | undefined;
  failGetVerifications: SidebarApiError | undefined;
  /** What the next action answers; by default the verification as the action would leave it. */
  nextAnswer: Verification | undefined;

  /** The API pushes a change, as the SSE stream or the poller would. */
  push(change: Verification): void {
    if (this.overview.current?.id === change.id) this.overview = { ...this.overview, current: change };
    for (const subscriber of this.subscribers) subscriber(change);
  }

  private answer(call: string, fallback: () => Verification): Verification {
    this.verifyCalls.push(call);
    if (this.failVerify) throw this.failVerify;
    const answer = this.nextAnswer ?? fallback();
    this.nextAnswer = undefined;
    if (this.overview.current?.id === answer.id || call.startsWith('start')) this.overview = { ...this.overview, current: answer };
    return answer;
  }

  async getVerifications(): Promise<VerificationOverview> {
    this.verifyCalls.push('get');
    if (this.failGetVerifications) throw this.failGetVerifications;
    return structuredClone(this.overview);
  }

  async startVerification(method: VerificationMethod): Promise<Verification> {
    return this.answer(`start ${method}`, () => verification({ method }));
  }

  async cancelVerification(id: string, reason?: EndReason): Promise<Verification> {
    return this.answer(`cancel ${id}${reason ? ` ${reason}` : ''}`, () =>
      verification({ ...this.overview.current, id, state: 'cancelled', endReason: reason ?? null }),
    );
  }

  async acknowledgeFraudFlag(reason: string): Promise<VerificationOverview> {
    this.verifyCalls.push(`acknowledge ${reason}`);
    if (this.failVerify) throw this.failVerify;
    this.overview = { ...this.overview, fraudFlag: null };
    return structuredClone(this.overview);
  }

  async submitVerificationCode(id: string, code: string): Promise<Verification> {
    return this.answer(`code ${id} ${code}`, () => verification({ ...this.overview.current, id }));
  }

  async requestOverride(id: string, reason: string): Promise<Verification> {
    return this.answer(`override ${id} ${reason}`, () =>
      verification({ ...this.overview.current, id, override: { state: 'requested', requestedBy: 'Jane Doe', reason, approvedBy: null } }),
    );
  }

  async approveOverride(id: string): Promise<Verification> {
    return this.answer(`approve ${id}`, () => {
      const pending = this.overview.pendingOverrides.find((p) => p.id === id) ?? verification({ id });
      return {
        ...pending,
        state: 'overridden',
        override: pending.override && { ...pending.override, state: 'approved', approvedBy: 'Sam Lee' },
      };
    });
  }

  /** The supervisor's queue across tickets (listPendingOverrides). */
  queue: PendingOverrideList = { overrides: [] };

  async declineOverride(id: string, reason: string): Promise<Verification> {
    return this.answer(`decline ${id} ${reason}`, () => {
      const pending = this.overview.pendingOverrides.find((p) => p.id === id) ?? verification({ id });
      return {
        ...pending,
        override: pending.override && { ...pending.override, state: 'declined', declinedBy: 'Sam Lee', declineReason: reason },
      };
    });
  }

  async listPendingOverrides(): Promise<PendingOverrideList> {
    this.verifyCalls.push('queue');
    return structuredClone(this.queue);
  }

  subscribeVerifications(onChange: (v: Verification) => void): () => void {
    this.subscribeCalls++;
    this.subscribers.add(onChange);
    return () => {
      this.unsubscribeCalls++;
      this.subscribers.delete(onChange);
    };
  }

  async start(): Promise<SidebarContext> {
    this.startCalls++;
    if (this.failStart) throw this.failStart;
    return CONTEXT;
  }

  async createSecret(request: CreateTicketSecretRequest): Promise<CreateTicketSecretResponse> {
    if (this.failCreate) throw this.failCreate;
    this.created.push(request);
    const id = newId();
    const views = request.views ?? 1;
    const expiresAt = new Date(Date.parse('2026-11-25T16:20:00.000Z') + (request.ttlSeconds ?? 86_400) * 1000).toISOString();
    this.secrets = [
      ticketSecret({
        id,
        fingerprint: `f${String(this.created.length).padStart(7, '0')}`,
        kind: request.kind,
        expiresAt,
        viewsTotal: views,
        noteStatus: 'pending',
      }),
      ...this.secrets,
    ];
    return { id, fingerprint: this.secrets[0]!.fingerprint, expiresAt, views, linkBase: 'https://vault.example/t/acme' };
  }

  async listSecrets(): Promise<TicketSecretList> {
    this.listCalls++;
    if (this.failList) throw this.failList;
    return { secrets: this.secrets.map((s) => ({ ...s })) };
  }

  /** Issue 12: what "send anyway" recorded. */
  readonly draftFindings: DraftFindingsRequest[] = [];

  async recordDraftFindings(request: DraftFindingsRequest): Promise<DraftFindingsResponse> {
    this.draftFindings.push(request);
    const counts: Record<string, number> = {};
    for (const f of request.findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
    return { receipt: '00000000-0000-4000-8000-00000000d001', counts };
  }

  async revokeSecret(id: string): Promise<void> {
    if (this.failRevoke) throw this.failRevoke;
    this.revoked.push(id);
    this.secrets = this.secrets.map((s) => (s.id === id ? { ...s, status: 'revoked' } : s));
  }

  /** Issue 11: what the sidebar sent (the spec checks no review key is among it) and what the "server" holds. */
  readonly documentRequestsCreated: CreateDocumentRequest[] = [];
  readonly documentCalls: string[] = [];
  documentRequests: DocumentRequestView[] = [];
  readonly documentMaterial = new Map<string, DocumentReviewMaterial>();
  readonly documentChunks = new Map<string, Uint8Array>();

  async createDocumentRequest(request: CreateDocumentRequest): Promise<CreateDocumentRequestResponse> {
    this.documentRequestsCreated.push(request);
    const id = `docreq${String(this.documentRequestsCreated.length).padStart(16, '0')}`;
    const expiresAt = new Date(Date.parse('2026-11-25T16:20:00.000Z') + (request.ttlSeconds ?? 72 * 3600) * 1000).toISOString();
    this.documentRequests = [
      {
        id,
        status: 'open',
        presets: request.presets ?? [],
        note: request.note ?? null,
        maxFiles: request.maxFiles ?? 3,
        agentLabel: 'Jane Doe',
        createdAt: '2026-11-25T16:20:00.000Z',
        expiresAt,
        outcome: null,
        files: [],
      },
      ...this.documentRequests,
    ];
    this.documentMaterial.set(id, { id, publicKey: request.publicKey, sealedPrivateKey: request.sealedPrivateKey, files: [] });
    return { id, expiresAt, link: `https://vault.example/d/${id}` };
  }

  /** The customer's browser: encrypts a file to the request's public key (the real crypto) and "uploads" it whole. */
  async uploadDocument(requestId: string, file: { name: string; mediaType: DocumentType; bytes: Uint8Array }): Promise<void> {
    const material = this.documentMaterial.get(requestId);
    if (!material) throw new Error('no such request');
    const fileId = `file${String(material.files.length + 1).padStart(18, '0')}`;
    const params = { requestId, fileId, mediaType: file.mediaType, sizeBytes: file.bytes.length, chunkBytes: 64 * 1024 };
    const enc = await createDocumentEncryptor(fromBase64Url(material.publicKey), params);
    for (let i = 0; i < enc.chunkCount; i++) {
      const start = i * params.chunkBytes;
      this.documentChunks.set(`${fileId}/${i}`, await enc.encryptChunk(i, file.bytes.subarray(start, start + params.chunkBytes)));
    }
    material.files.push({
      id: fileId,
      mediaType: file.mediaType,
      sizeBytes: file.bytes.length,
      chunkBytes: params.chunkBytes,
      chunkCount: enc.chunkCount,
      ephemeralPublicKey: toBase64Url(enc.ephemeralPublicKey),
      encryptedName: toBase64Url(await enc.encryptName(file.name)),
    });
    this.documentRequests = this.documentRequests.map((r) =>
      r.id === requestId
        ? {
            ...r,
            status: 'fulfilled',
            files: [
              ...r.files,
              {
                id: fileId,
                mediaType: file.mediaType,
                sizeBytes: file.bytes.length,
                status: 'complete',
                receivedAt: '2026-11-25T16:30:00.000Z',
              },
            ],
          }
        : r,
    );
  }

  async listDocumentRequests(): Promise<DocumentRequestList> {
    this.documentCalls.push('list');
    return { requests: structuredClone(this.documentRequests) };
  }

  async getDocumentReviewMaterial(id: string): Promise<DocumentReviewMaterial> {
    this.documentCalls.push(`material ${id}`);
    const material = this.documentMaterial.get(id);
    if (!material) throw new SidebarApiError('not_found', 'Document request was not found.', 404, 'not_found');
    return structuredClone(material);
  }

  async getDocumentChunk(id: string, fileId: string, index: number): Promise<Uint8Array> {
    this.documentCalls.push(`chunk ${id} ${fileId} ${index}`);
    const chunk = this.documentChunks.get(`${fileId}/${index}`);
    if (!chunk) throw new SidebarApiError('not_found', 'Chunk was not found.', 404, 'not_found');
    return chunk.slice();
  }

  private closeDocumentRequest(id: string, status: 'reviewed' | 'revoked', outcome: 'accepted' | 'rejected' | null): void {
    const material = this.documentMaterial.get(id);
    for (const f of material?.files ?? [])
      for (const key of [...this.documentChunks.keys()]) if (key.startsWith(`${f.id}/`)) this.documentChunks.delete(key);
    this.documentMaterial.delete(id);
    this.documentRequests = this.documentRequests.map((r) =>
      r.id === id ? { ...r, status, outcome, files: r.files.map((f) => ({ ...f, status: 'deleted' as const })) } : r,
    );
  }

  async reviewDocumentRequest(id: string, review: ReviewDocumentRequest): Promise<void> {
    this.documentCalls.push(`review ${id} ${review.outcome}${review.reason ? ` ${review.reason}` : ''}`);
    this.closeDocumentRequest(id, 'reviewed', review.outcome);
  }

  async revokeDocumentRequest(id: string): Promise<void> {
    this.documentCalls.push(`revoke ${id}`);
    this.closeDocumentRequest(id, 'revoked', null);
  }
}

export class FakeSidebarHost implements SidebarHost {
  readonly desk = 'zendesk' as const;
  readonly inserted: string[] = [];
  readonly heights: number[] = [];
  failInsert = false;
  constructor(readonly canInsertIntoReply: boolean = true) {}

  async insertIntoReply(text: string): Promise<void> {
    if (this.failInsert) throw new Error('reply editor closed');
    this.inserted.push(text);
  }

  resize(heightPx: number): void {
    this.heights.push(heightPx);
  }
}

/** Issue 12: a desk with a save hook (Zendesk's `ticket.save`): the spec types a draft and saves. */
export class FakeDraftHook implements DraftHook {
  draft = '';
  readonly checks = new Set<(draft: string) => BeforeSaveVerdict>();
  /** Drafts the desk saved (the hook let them through). */
  readonly saved: string[] = [];

  onBeforeSave(check: (draft: string) => BeforeSaveVerdict): () => void {
    this.checks.add(check);
    return () => this.checks.delete(check);
  }

  async readDraft(): Promise<string> {
    return this.draft;
  }

  async replaceDraft(text: string): Promise<void> {
    this.draft = text;
  }

  /** The agent clicks Submit: every hook runs; the first refusal cancels the save. */
  save(): BeforeSaveVerdict {
    for (const check of this.checks) {
      const verdict = check(this.draft);
      if (!verdict.isAllowed) return verdict;
    }
    this.saved.push(this.draft);
    return { isAllowed: true };
  }
}

export const rejected = (): SidebarApiError =>
  new SidebarApiError(
    'session_rejected',
    'This sidebar session could not be verified. Reopen the ticket to start a new one.',
    401,
    'session_rejected',
  );
export const unreachable = (): SidebarApiError =>
  new SidebarApiError('unreachable', 'Vouchsafe could not be reached.', undefined, undefined);
