import {
  SidebarApiError,
  type CreateSecretRequest,
  type CreateTicketSecretResponse,
  type SidebarApi,
  type SidebarContext,
  type SidebarHost,
  type TicketSecret,
  type TicketSecretList,
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

export class FakeSidebarApi implements SidebarApi {
  readonly created: CreateSecretRequest[] = [];
  readonly revoked: string[] = [];
  secrets: TicketSecret[] = [];
  startCalls = 0;
  listCalls = 0;
  /** Set to make the next calls of that method fail. */
  failStart: SidebarApiError | undefined;
  failCreate: SidebarApiError | undefined;
  failList: SidebarApiError | undefined;
  failRevoke: SidebarApiError | undefined;

  async start(): Promise<SidebarContext> {
    this.startCalls++;
    if (this.failStart) throw this.failStart;
    return CONTEXT;
  }

  async createSecret(request: CreateSecretRequest): Promise<CreateTicketSecretResponse> {
    if (this.failCreate) throw this.failCreate;
    this.created.push(request);
    const id = newId();
    const views = request.views ?? 1;
    const expiresAt = new Date(Date.parse('2026-11-25T16:20:00.000Z') + (request.ttlSeconds ?? 86_400) * 1000).toISOString();
    this.secrets = [
      ticketSecret({ id, fingerprint: `f${String(this.created.length).padStart(7, '0')}`, kind: request.kind, expiresAt, viewsTotal: views, noteStatus: 'pending' }),
      ...this.secrets,
    ];
    return { id, fingerprint: this.secrets[0]!.fingerprint, expiresAt, views, linkBase: 'https://vault.example/t/acme' };
  }

  async listSecrets(): Promise<TicketSecretList> {
    this.listCalls++;
    if (this.failList) throw this.failList;
    return { secrets: this.secrets.map((s) => ({ ...s })) };
  }

  async revokeSecret(id: string): Promise<void> {
    if (this.failRevoke) throw this.failRevoke;
    this.revoked.push(id);
    this.secrets = this.secrets.map((s) => (s.id === id ? { ...s, status: 'revoked' } : s));
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

export const rejected = (): SidebarApiError =>
  new SidebarApiError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.', 401, 'session_rejected');
export const unreachable = (): SidebarApiError =>
  new SidebarApiError('unreachable', 'Vouchsafe could not be reached.', undefined, undefined);
