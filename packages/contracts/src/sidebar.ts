import type { DraftFindingsRequest, DraftFindingsResponse } from './draft-findings';
import { z } from 'zod';
import { text } from './text';
import { CreateSecretRequestSchema, SecretIdSchema } from './secrets';
import type { ErrorCode } from './errors';
import type { EndReason, PendingOverrideList, Verification, VerificationMethod, VerificationOverview } from './verification';
import type {
  CreateDocumentRequest,
  CreateDocumentRequestResponse,
  DocumentRequestList,
  DocumentReviewMaterial,
  ReviewDocumentRequest,
} from './documents';

/**
 * Sidebar (agent-facing) API: sessions exchanged from host-signed tokens, and the ticket's secrets.
 * Every sidebar call carries the Vouchsafe session in SESSION_HEADER (never in Authorization:
 * Forge Remote puts its own Forge Invocation Token there).
 */

export const DESKS = ['zendesk', 'servicenow', 'jira'] as const;
export const DeskSchema = z.enum(DESKS);
/** What each desk is called wherever people read it. */
export const DESK_LABELS: Readonly<Record<(typeof DESKS)[number], string>> = {
  zendesk: 'Zendesk',
  servicenow: 'ServiceNow',
  jira: 'Jira Service Management',
};
export type Desk = z.infer<typeof DeskSchema>;

export const SESSION_HEADER = 'x-vouchsafe-session';

/** Host tokens are JWTs; anything longer than this is not one we issue or accept. */
const HostTokenSchema = text().min(16, 'is not a token').max(8192, 'is too long to be a token');

/** Zendesk ticket ids are positive integers. */
export const ZendeskTicketIdSchema = text().regex(/^[1-9]\d{0,19}$/, 'is not a Zendesk ticket id');
/** ServiceNow sys_id: 32 lowercase hex characters. */
export const ServiceNowSysIdSchema = text().regex(/^[0-9a-f]{32}$/, 'is not a ServiceNow sys_id');
export const ServiceNowTableSchema = text().regex(/^[a-z][a-z0-9_]{0,79}$/, 'is not a ServiceNow table name');
/** Jira issue key, e.g. HELP-42. */
export const JiraIssueKeySchema = text().regex(/^[A-Z][A-Z0-9_]{0,49}-[1-9]\d{0,11}$/, 'is not a Jira issue key');

/** The signed-URL JWT Zendesk POSTed to the sidebar page, plus the ticket ZAF reports. */
export const ZendeskSessionRequestSchema = z.object({ token: HostTokenSchema, ticketId: ZendeskTicketIdSchema }).strict();
/** The instance-minted JWT from the iframe URL fragment, plus the record the workspace shows. */
export const ServiceNowSessionRequestSchema = z
  .object({ token: HostTokenSchema, table: ServiceNowTableSchema, sysId: ServiceNowSysIdSchema })
  .strict();
/** The Forge Invocation Token arrives in Authorization (added by Forge Remote); the body names the issue. */
export const JiraSessionRequestSchema = z.object({ issueKey: JiraIssueKeySchema }).strict();
export type ZendeskSessionRequest = z.infer<typeof ZendeskSessionRequestSchema>;
export type ServiceNowSessionRequest = z.infer<typeof ServiceNowSessionRequestSchema>;
export type JiraSessionRequest = z.infer<typeof JiraSessionRequestSchema>;

/** What the sidebar may show about the ticket. Looked up server-side; identifiers masked. */
export const SidebarContextSchema = z.object({
  desk: DeskSchema,
  tenantName: text(),
  ticket: z.object({
    /** The desk's id for the ticket (Zendesk id, ServiceNow sys_id, Jira key). */
    id: text(),
    /** What agents call it (Zendesk #42, ServiceNow INC0010001, Jira HELP-42). */
    displayId: text(),
  }),
  /** Masked, e.g. `j***@e***.com`. */
  requester: z.object({ label: text() }),
  agent: z.object({ label: text() }),
});
export type SidebarContext = z.infer<typeof SidebarContextSchema>;

export const SessionResponseSchema = z.object({
  /** Opaque to the browser (a JWS). Send it back in SESSION_HEADER. */
  session: text(),
  expiresAt: text(),
  context: SidebarContextSchema,
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

export const TICKET_SECRET_STATUSES = ['waiting', 'viewed', 'expired', 'revoked'] as const;
export type TicketSecretStatus = (typeof TICKET_SECRET_STATUSES)[number];
export const NOTE_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type NoteStatus = (typeof NOTE_STATUSES)[number];

/** Expiry presets the sidebar offers (seconds): 15 min, 1 h, 24 h, 7 days. */
export const EXPIRY_PRESETS = [
  { label: '15 minutes', seconds: 15 * 60 },
  { label: '1 hour', seconds: 60 * 60 },
  { label: '24 hours', seconds: 24 * 60 * 60 },
  { label: '7 days', seconds: 7 * 24 * 60 * 60 },
] as const;

export const TicketSecretSchema = z.object({
  id: SecretIdSchema,
  /** Short, non-reversible fingerprint shown in notes and the sidebar. */
  fingerprint: text(),
  kind: z.enum(['text', 'file']),
  createdAt: text(),
  expiresAt: text(),
  viewsTotal: z.number().int(),
  viewsUsed: z.number().int(),
  status: z.enum(TICKET_SECRET_STATUSES),
  agentLabel: text(),
  /** The worst state among this secret's notes: failed > pending > delivered. */
  noteStatus: z.enum(NOTE_STATUSES),
});
export type TicketSecret = z.infer<typeof TicketSecretSchema>;

export const TicketSecretListSchema = z.object({ secrets: z.array(TicketSecretSchema) });
export type TicketSecretList = z.infer<typeof TicketSecretListSchema>;

/**
 * POST /api/v1/sidebar/secrets: the vault's create request plus the sidebar-only
 * `requiresVerification` ("only the ticket's requester may open; they verify first"). The public
 * vault create keeps CreateSecretRequestSchema, strict, so it refuses this field with 422.
 */
export const CreateTicketSecretRequestSchema = CreateSecretRequestSchema.safeExtend({
  requiresVerification: z.boolean().default(false),
});
export type CreateTicketSecretRequest = z.input<typeof CreateTicketSecretRequestSchema>;
export type CreateTicketSecretInput = z.output<typeof CreateTicketSecretRequestSchema>;

/** POST /api/v1/sidebar/secrets answers this. */
export const CreateTicketSecretResponseSchema = z.object({
  id: SecretIdSchema,
  fingerprint: text(),
  expiresAt: text(),
  views: z.number().int(),
  /** Pass to buildSecretLink(linkBase, id, key): the tenant is part of the path, the key goes in the fragment. */
  linkBase: text(),
  /** Issue 14: the link phrase (three words) the agent may read out; the customer's page shows the same. */
  phrase: text().optional(),
});
export type CreateTicketSecretResponse = z.infer<typeof CreateTicketSecretResponseSchema>;

/**
 * What a sidebar needs from the API, whatever the transport (fetch for Zendesk and ServiceNow,
 * Forge Remote for Jira). packages/ui receives one of these; packages/host implements it.
 * Failures reject with SidebarApiError.
 */
export interface SidebarApi {
  /** Exchanges the host token (once) and returns the server-side view of the ticket. */
  start(): Promise<SidebarContext>;
  createSecret(request: CreateTicketSecretRequest): Promise<CreateTicketSecretResponse>;
  listSecrets(): Promise<TicketSecretList>;
  revokeSecret(id: string): Promise<void>;

  /** Verify caller (GET /api/v1/sidebar/verifications): the current verification, methods, pending overrides. */
  getVerifications(): Promise<VerificationOverview>;
  /** POST /verifications {method}. Limits reject with failure 'rejected', status 429, code 'rate_limited', retryAfterSeconds. */
  startVerification(method: VerificationMethod): Promise<Verification>;
  /** Ends the verification early; `reason` says why (issue 16). The push is withdrawn at the IdP where it can be. */
  cancelVerification(id: string, reason?: EndReason): Promise<Verification>;
  /** Callback methods: the code the caller reads back. A wrong code answers the verification with fewer attempts left. */
  submitVerificationCode(id: string, code: string): Promise<Verification>;
  requestOverride(id: string, reason: string): Promise<Verification>;
  /** A supervisor (policy.supervisors, not the requesting agent) approves from their own sidebar. */
  approveOverride(id: string): Promise<Verification>;
  /** Issue 16: a supervisor declines another agent's request on this ticket, saying why (5–500 characters). */
  declineOverride(id: string, reason: string): Promise<Verification>;
  /** Issue 16: a supervisor's queue, the tenant's requests waiting for a decision across tickets (403 for others). */
  listPendingOverrides(): Promise<PendingOverrideList>;
  /** A supervisor (policy.supervisors, not the agent whose attempt raised it) acknowledges the ticket's fraud flags. */
  acknowledgeFraudFlag(reason: string): Promise<VerificationOverview>;
  /**
   * Live changes of this ticket's verifications (SSE over fetch, or polling where the transport
   * cannot stream). `onError` reports trouble (the subscription keeps trying unless the session is
   * gone). Returns the unsubscribe function, which stops all network activity for it.
   */
  subscribeVerifications(onChange: (verification: Verification) => void, onError?: (error: SidebarApiError) => void): () => void;
  /** Issue 12: the agent sends a reply with findings anyway; records kinds, counts and the reason (never the text). */
  recordDraftFindings(request: DraftFindingsRequest): Promise<DraftFindingsResponse>;

  /*
   * Issue 11, document requests (services/api/src/modules/documents/NOTES.md). The review key never goes through
   * these: the sidebar seals the request's private key itself and sends only the sealed form.
   */
  createDocumentRequest(request: CreateDocumentRequest): Promise<CreateDocumentRequestResponse>;
  listDocumentRequests(): Promise<DocumentRequestList>;
  getDocumentReviewMaterial(id: string): Promise<DocumentReviewMaterial>;
  /** One encrypted chunk (ciphertext + tag), as the customer's browser uploaded it. */
  getDocumentChunk(id: string, fileId: string, index: number): Promise<Uint8Array>;
  /** Marks the request reviewed: the API deletes every chunk in the same statement. */
  reviewDocumentRequest(id: string, review: ReviewDocumentRequest): Promise<void>;
  revokeDocumentRequest(id: string): Promise<void>;
}

/** Why a sidebar call failed, in the terms the sidebar shows. */
export type SidebarFailure =
  | 'session_rejected' // 401: the host token or session could not be verified
  | 'not_found' // 404
  | 'unreachable' // network error, 5xx, timeout
  | 'rejected'; // any other 4xx: message says why

export class SidebarApiError extends Error {
  override name = 'SidebarApiError';
  constructor(
    readonly failure: SidebarFailure,
    message: string,
    readonly status?: number,
    /** The API's error code (contracts ERROR_STATUS), when it answered one. */
    readonly code?: ErrorCode,
    /** For 429 answers: how long until the limit lifts, when the API says. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Tenant administration (API token auth): one tenant per help-desk account. */
const SlugSchema = text().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be 2–40 lowercase letters, digits or dashes');
const PemSchema = text()
  .max(16 * 1024)
  .regex(/-----BEGIN [A-Z ]+-----/, 'must be PEM');
const BaseUrlSchema = text().url().max(300);

export const TenantCreateRequestSchema = z.discriminatedUnion('desk', [
  z
    .object({
      desk: z.literal('zendesk'),
      slug: SlugSchema,
      name: text().trim().min(1).max(120),
      /** `acme` for acme.zendesk.com. */
      subdomain: text().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not a Zendesk subdomain'),
      /** Public key of the app's signed URLs (GET /api/v2/apps/{app_id}/public_key.pem). */
      publicKeyPem: PemSchema,
      /** The installation id: the signed-URL JWT's aud must be …/api/v2/apps/installations/{id}.json. */
      installationId: text().regex(/^\d{1,20}$/),
      credentials: z.union([
        z.object({ email: text().email().max(254), apiToken: text().min(8).max(200) }).strict(),
        z.object({ oauthToken: text().min(8).max(2000) }).strict(),
      ]),
      /** Another base URL for the desk's API (a proxy, a stand-in): https on a public or operator-allowed host. */
      apiBaseUrl: BaseUrlSchema.optional(),
    })
    .strict(),
  z
    .object({
      desk: z.literal('servicenow'),
      slug: SlugSchema,
      name: text().trim().min(1).max(120),
      /** `acme` for acme.service-now.com. */
      instance: text().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'is not a ServiceNow instance name'),
      /** The certificate of the keystore the instance's JWT provider signs with. */
      certificatePem: PemSchema,
      /** The aud claim the instance's JWT provider puts in tokens for Vouchsafe. */
      audience: text().min(1).max(300),
      credentials: z.union([
        z.object({ username: text().min(1).max(200), password: text().min(8).max(500) }).strict(),
        z.object({ oauthToken: text().min(8).max(4000) }).strict(),
      ]),
      apiBaseUrl: BaseUrlSchema.optional(),
    })
    .strict(),
  z
    .object({
      desk: z.literal('jira'),
      slug: SlugSchema,
      name: text().trim().min(1).max(120),
      /** Atlassian site cloudId (stable across reinstalls). */
      cloudId: text().uuid(),
      /** `https://acme.atlassian.net` */
      siteUrl: BaseUrlSchema,
      /** The Forge app id: FIT aud, `ari:cloud:ecosystem::app/<uuid>`. */
      appId: text().regex(/^ari:cloud:ecosystem::app\/[0-9a-f-]{36}$/, 'is not a Forge app id'),
      credentials: z.object({ email: text().email().max(254), apiToken: text().min(8).max(500) }).strict(),
      /** Another Forge JWKS (stand-ins; production uses Atlassian's): https on a public or operator-allowed host. */
      jwksUrl: BaseUrlSchema.optional(),
      apiBaseUrl: BaseUrlSchema.optional(),
    })
    .strict(),
]);
export type TenantCreateRequest = z.infer<typeof TenantCreateRequestSchema>;

export const TenantSummarySchema = z.object({
  id: text().uuid(),
  slug: text(),
  name: text(),
  desk: DeskSchema.nullable(),
  /** Subdomain, instance or cloudId. */
  account: text().nullable(),
  createdAt: text(),
});
export type TenantSummary = z.infer<typeof TenantSummarySchema>;

/**
 * What packages/ui needs from the help desk hosting it. packages/host's adapters implement it;
 * the UI never imports a host SDK.
 */
export interface SidebarHost {
  readonly desk: Desk;
  /** False where the desk offers no way to put text into the reply (the UI then offers copy). */
  readonly canInsertIntoReply: boolean;
  insertIntoReply(text: string): Promise<void>;
  /** Ask the desk to give the iframe this height (px). A no-op where the desk sizes it. */
  resize(heightPx: number): void;
  /**
   * Issue 16: tell the supervisors' sidebars that an override request waits, where the desk lets one app instance
   * notify the others (Zendesk: `POST /api/v2/apps/notify.json`). Absent where the desk offers nothing (see
   * modules/verification/NOTES.md). Carries no identifier: receivers re-read their queue from the API.
   */
  notifyOverrideRequested?(): Promise<void>;
  /** Issue 16: calls back when another agent's sidebar announced an override request; returns the unsubscribe function. */
  onOverrideRequested?(callback: () => void): () => void;
  /**
   * Issue 14: the desk's colour scheme as last reported, or undefined where the desk reports none (the UI then
   * follows `prefers-color-scheme`). Synchronous: adapters read it when they connect and keep it current.
   */
  colorScheme?(): ColorScheme | undefined;
  /** Issue 14: calls back when the desk switches its colour scheme; returns the unsubscribe function. */
  onColorSchemeChange?(callback: (scheme: ColorScheme) => void): () => void;
  /**
   * Issue 12: the desk lets the sidebar look at the reply before it is saved and hold the save (Zendesk's ZAF
   * `ticket.save` hook). Absent where the desk offers no such hook (ServiceNow workspace, Jira): the sidebar then
   * offers a local "check text before you send" box instead. See packages/host/NOTES.md.
   */
  draftHook?: DraftHook;
}

/** What the desk's save hook decided: let the save go on, or cancel it with a short message the desk shows. */
export type BeforeSaveVerdict = { isAllowed: true } | { isAllowed: false; message: string };

/** Issue 12: the desk's reply draft and its save hook (capability-shaped: only desks that have one offer it). */
export interface DraftHook {
  /**
   * Runs `check` with the reply about to be saved each time the agent saves; returns the unsubscribe function.
   * The check must answer quickly (the desk waits for it); a check that throws lets the save go on.
   */
  onBeforeSave(check: (draft: string) => BeforeSaveVerdict): () => void;
  /** The reply draft as it stands now. */
  readDraft(): Promise<string>;
  /** Replaces the whole reply draft. */
  replaceDraft(text: string): Promise<void>;
}

/** Issue 14: light or dark, as a desk reports it and as packages/ui themes itself (Garden's `colors.base`). */
export type ColorScheme = 'light' | 'dark';

/** A desk's report of its colour scheme as a ColorScheme; anything else (absent, 'auto', unknown) is undefined. */
export const toColorScheme = (value: unknown): ColorScheme | undefined => (value === 'light' || value === 'dark' ? value : undefined);
