import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface TenantsTable {
  id: string;
  slug: string;
  name: string;
  created_at: DefaultedTimestamp;
  desk: 'zendesk' | 'servicenow' | 'jira' | null;
  desk_account: string | null;
  verification: ColumnType<Record<string, unknown>, string | undefined, string>;
  api_base_url: string | null;
  credentials_format: number | null;
  credentials_kid: string | null;
  credentials_wrapped_key: Buffer | null;
  credentials_ciphertext: Buffer | null;
  deleted_at: Timestamp | null;
}

export interface TicketSecretsTable {
  tenant_id: string;
  secret_id: string;
  ticket_id: string;
  agent_id: string;
  agent_label: string;
  /** Issue 14: the ticket number as the desk shows it; null on rows written before. */
  ticket_display_id: ColumnType<string | null, string | null | undefined, string | null>;
  fingerprint: string;
  kind: 'text' | 'file';
  views_total: number;
  views_used: ColumnType<number, number | undefined, number>;
  expires_at: Timestamp;
  status: ColumnType<
    'waiting' | 'viewed' | 'expired' | 'revoked',
    'waiting' | 'viewed' | 'expired' | 'revoked' | undefined,
    'waiting' | 'viewed' | 'expired' | 'revoked'
  >;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  requester_key: Buffer | null;
  /** Issue 12: withdrawn because its ticket was closed, deleted or merged (status is then 'revoked'). */
  withdrawn_reason: ColumnType<WithdrawnReasonColumn | null, WithdrawnReasonColumn | null | undefined, WithdrawnReasonColumn | null>;
  /** Issue 12: re-pointed to the surviving ticket of a merge; the ticket it was sent from. */
  merged_from_ticket_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export type WithdrawnReasonColumn = 'ticket_closed' | 'ticket_deleted' | 'ticket_merged';

/** Issue 12: when the reconciliation sweep last asked the desk about a ticket with outstanding items. */
export interface TicketLifecycleChecksTable {
  tenant_id: string;
  ticket_id: string;
  checked_at: DefaultedTimestamp;
}

export interface NoteOutboxTable {
  id: Generated<string>;
  tenant_id: string;
  ticket_id: string;
  secret_id: string | null;
  audit_event_id: string;
  action: string;
  note: ColumnType<Record<string, unknown>, string, string>;
  status: ColumnType<
    'pending' | 'delivered' | 'failed',
    'pending' | 'delivered' | 'failed' | undefined,
    'pending' | 'delivered' | 'failed'
  >;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: DefaultedTimestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  remote_id: string | null;
  created_at: DefaultedTimestamp;
  delivered_at: Timestamp | null;
}

export interface SecretsTable {
  tenant_id: string;
  id: string;
  kind: 'text' | 'file';
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  views_total: number;
  views_left: number;
  size_bytes: number;
  label_masked: string | null;
  key_check_hash: Buffer;
  passphrase_salt: Buffer | null;
  passphrase_check_hash: Buffer | null;
  revoke_token_hash: Buffer;
  revoked_at: Timestamp | null;
  last_viewed_at: Timestamp | null;
  requires_verification: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface SecretPayloadsTable {
  tenant_id: string;
  secret_id: string;
  format: number;
  kid: string;
  wrapped_key: Buffer;
  ciphertext: Buffer;
}

export interface RevealAttemptsTable {
  tenant_id: string;
  secret_id: string;
  client_key: Buffer;
  failures: number;
  next_allowed_at: Timestamp;
}

/** UNLOGGED; one row per (bucket, hashed client network), a fixed window (modules/rate-limits). */
export interface RateLimitsTable {
  bucket: string;
  key: Buffer;
  hits: number;
  reset_at: Timestamp;
}

export interface AuditEventsTable {
  seq: ColumnType<string, never, never>;
  id: Generated<string>;
  tenant_id: string;
  type: string;
  secret_id: string | null;
  occurred_at: DefaultedTimestamp;
  data: ColumnType<Record<string, unknown>, string, string>;
  chain_index: ColumnType<string | null, never, string>;
  prev_hash: Buffer | null;
  hash: Buffer | null;
}

export interface AuditHeadsTable {
  tenant_id: string;
  chain_index: ColumnType<string, string, string>;
  hash: Buffer;
  sealed_at: Timestamp;
}

export interface TenantIdpsTable {
  tenant_id: string;
  kind: 'okta' | 'duo' | 'oidc' | 'twilio';
  settings: ColumnType<Record<string, unknown>, string, string>;
  credentials_format: number;
  credentials_kid: string;
  credentials_wrapped_key: Buffer;
  credentials_ciphertext: Buffer;
  updated_at: DefaultedTimestamp;
}

export interface VerificationPoliciesTable {
  tenant_id: string;
  version: number;
  policy: ColumnType<Record<string, unknown>, string, string>;
  changed_by: string;
  created_at: DefaultedTimestamp;
}

export type VerificationStateColumn = 'started' | 'waiting' | 'verified' | 'denied' | 'timed_out' | 'failed' | 'cancelled' | 'overridden';

export interface VerificationsTable {
  id: Generated<string>;
  tenant_id: string;
  purpose: ColumnType<'caller' | 'recipient', 'caller' | 'recipient' | undefined, 'caller' | 'recipient'>;
  ticket_id: string;
  secret_id: string | null;
  agent_id: string;
  agent_label: string;
  requester_key: Buffer;
  requester_label: string;
  method: string;
  state: ColumnType<VerificationStateColumn, VerificationStateColumn | undefined, VerificationStateColumn>;
  binding: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  reason: string | null;
  is_fraud_suspected: ColumnType<boolean, boolean | undefined, boolean>;
  idp_ref: string | null;
  provider_state: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  code_hash: Buffer | null;
  code_attempts: ColumnType<number, number | undefined, number>;
  policy_version: number | null;
  started_at: DefaultedTimestamp;
  expires_at: Timestamp;
  finished_at: Timestamp | null;
  valid_until: Timestamp | null;
  next_poll_at: Timestamp | null;
  poll_lease_until: Timestamp | null;
  last_event_id: string | null;
  contact_source: ColumnType<'idp' | 'desk' | null, 'idp' | 'desk' | null | undefined, 'idp' | 'desk' | null>;
  /** Link methods: the id of `/v/<short id>` posted to the requester, and the IdP URL it redirects to. */
  short_link_id: string | null;
  link_url: string | null;
  outcome_detail: ColumnType<string | null, string | null | undefined, string | null>;
  end_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Issue 16: a fraud flag stays on its ticket until a supervisor acknowledges it (no FK: it outlives retention). */
export interface FraudFlagsTable {
  id: Generated<string>;
  tenant_id: string;
  ticket_id: string;
  verification_id: string;
  kind: 'possible_fraud' | 'reported_fraud';
  detail: string | null;
  method: string;
  agent_id: string;
  agent_label: string;
  raised_at: DefaultedTimestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by_id: string | null;
  acknowledged_by_label: string | null;
  acknowledge_reason: string | null;
  acknowledge_event_id: string | null;
}

export interface VerificationOverridesTable {
  verification_id: string;
  tenant_id: string;
  requested_by_id: string;
  requested_by_label: string;
  reason: string;
  approved_by_id: string | null;
  approved_by_label: string | null;
  requested_at: DefaultedTimestamp;
  approved_at: Timestamp | null;
  declined_by_id: string | null;
  declined_by_label: string | null;
  decline_reason: string | null;
  declined_at: Timestamp | null;
}

export interface PushAttemptsTable {
  tenant_id: string;
  requester_key: Buffer;
  verification_id: string;
  /** What reached the customer: a push, a one-time link, a callback code. */
  channel: Generated<'push' | 'link' | 'code'>;
  sent_at: DefaultedTimestamp;
}

/** Per-tenant keys that are not KEKs (sealed under the keyring; see lib/tenant-keys.ts). */
export interface TenantKeysTable {
  tenant_id: string;
  purpose: 'requester-key' | 'link-phrase';
  format: number;
  kid: string;
  wrapped_key: Buffer;
  ciphertext: Buffer;
  created_at: DefaultedTimestamp;
}

export interface RevealGrantsTable {
  tenant_id: string;
  secret_id: string;
  grant_hash: Buffer;
  verification_id: string;
  expires_at: Timestamp;
}

/** Signed chain heads (modules/audit): a copy of what is published outside the database. */
export interface AuditCheckpointsTable {
  seq: ColumnType<string, never, never>;
  tenant_id: string;
  chain_index: ColumnType<string, string, never>;
  hash: Buffer;
  signed_at: Timestamp;
  kid: string;
  jws: string;
}

/** API tokens created at run time (modules/api-tokens); the token itself is never stored, only its SHA-256. */
export interface ApiTokensTable {
  id: Generated<string>;
  name: string;
  scopes: string[];
  digest: Buffer;
  created_by: string;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
  /** The operator the token acts for (issue 10, maker-checker); null for bootstrap-made tokens. */
  owner: string | null;
  owner_label: string | null;
}

/** Maker-checker (issue 10): a policy or IdP change waiting for a second person; payload sealed like IdP configs. */
export interface PendingChangesTable {
  id: string;
  tenant_id: string;
  kind: 'policy.set' | 'idp.set' | 'idp.remove';
  target: string | null;
  payload_format: number;
  payload_kid: string;
  payload_wrapped_key: Buffer;
  payload_ciphertext: Buffer;
  summary: string;
  fields: unknown;
  weakens: boolean;
  base: string;
  state: 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'superseded' | 'expired';
  requested_by: string;
  requested_by_label: string;
  request_reason: string | null;
  requested_at: DefaultedTimestamp;
  expires_at: Timestamp;
  decided_by: string | null;
  decided_by_label: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
}

/** What was delivered for a note (issue 9 receipts): the text's SHA-256, never the text; kept like the audit trail. */
export interface NoteReceiptsTable {
  audit_event_id: string;
  tenant_id: string;
  ticket_id: string;
  text_sha256: Buffer;
  remote_id: string | null;
  delivered_at: DefaultedTimestamp;
}

/** The SIEM stream's cursors (modules/siem): one per sink, stream and tenant. */
export interface SiemCursorsTable {
  sink: 'syslog' | 'hec' | 'webhook';
  stream: 'events' | 'checkpoints';
  tenant_id: string;
  position: ColumnType<string, string | undefined, string>;
  lease_no: ColumnType<string, string | undefined, string>;
  lease_until: Timestamp | null;
  next_attempt_at: DefaultedTimestamp;
  failures: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  forwarded_at: Timestamp | null;
}

/** Issue 12: each tenant's desk webhook signing secret (an envelope; modules/desk-events/webhook-secrets.ts). */
export interface DeskWebhookSecretsTable {
  tenant_id: string;
  format: number;
  kid: string;
  wrapped_key: Buffer;
  ciphertext: Buffer;
  updated_by: string;
  updated_at: DefaultedTimestamp;
}

/** Issue 12: accepted desk deliveries, for replay refusal (kept a little longer than the timestamp window). */
export interface DeskEventReceiptsTable {
  tenant_id: string;
  event_key: string;
  received_at: DefaultedTimestamp;
}

/** Issue 12: secrets found in desk comments (masked facts only) and the redaction queue. */
export interface CommentScansTable {
  id: Generated<string>;
  tenant_id: string;
  desk: string;
  ticket_id: string;
  comment_id: string;
  is_public: boolean;
  mode: 'report' | 'redact' | 'redact_and_offer_upload';
  facts: ColumnType<unknown, string, string>;
  status: 'reported' | 'pending' | 'redacted' | 'already_clean' | 'not_redactable' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: DefaultedTimestamp;
  lease_until: Timestamp | null;
  last_error: string | null;
  created_at: DefaultedTimestamp;
  finished_at: Timestamp | null;
}

/** A chat workspace's tenant (issue 13, modules/chat): the bot token, envelope-encrypted. */
export interface ChatWorkspacesTable {
  tenant_id: string;
  platform: 'slack';
  workspace_id: string;
  bot_user_id: string | null;
  audit_channel: string | null;
  token_format: number;
  token_kid: string;
  token_wrapped_key: Buffer;
  token_ciphertext: Buffer;
  created_at: DefaultedTimestamp;
}

/** An install an admin started: the OAuth state's SHA-256, consumed once. */
export interface ChatInstallStatesTable {
  state_sha256: Buffer;
  platform: 'slack';
  slug: string;
  name: string;
  audit_channel: string | null;
  actor: string;
  expires_at: Timestamp;
}

/** The chat message showing a verification (updated on each state change). */
export interface ChatVerificationMessagesTable {
  tenant_id: string;
  verification_id: string;
  channel: string;
  message_ts: string;
  rendered_event_id: string | null;
  created_at: DefaultedTimestamp;
}

/** Issue 14: what every customer page of the tenant shows (modules/branding). */
export interface TenantBrandingTable {
  tenant_id: string;
  display_name: string;
  logo_png: Buffer | null;
  brand_color: string | null;
  support_phone: string | null;
  support_url: string | null;
  link_domain: string | null;
  updated_at: DefaultedTimestamp;
}

export interface Database {
  tenants: TenantsTable;
  secrets: SecretsTable;
  secret_payloads: SecretPayloadsTable;
  reveal_attempts: RevealAttemptsTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  audit_checkpoints: AuditCheckpointsTable;
  api_tokens: ApiTokensTable;
  pending_changes: PendingChangesTable;
  ticket_secrets: TicketSecretsTable;
  note_outbox: NoteOutboxTable;
  tenant_idps: TenantIdpsTable;
  verification_policies: VerificationPoliciesTable;
  verifications: VerificationsTable;
  verification_overrides: VerificationOverridesTable;
  fraud_flags: FraudFlagsTable;
  ticket_lifecycle_checks: TicketLifecycleChecksTable;
  push_attempts: PushAttemptsTable;
  reveal_grants: RevealGrantsTable;
  tenant_keys: TenantKeysTable;
  tenant_branding: TenantBrandingTable;
  rate_limits: RateLimitsTable;
  note_receipts: NoteReceiptsTable;
  siem_cursors: SiemCursorsTable;
  desk_webhook_secrets: DeskWebhookSecretsTable;
  desk_event_receipts: DeskEventReceiptsTable;
  comment_scans: CommentScansTable;
  chat_workspaces: ChatWorkspacesTable;
  chat_install_states: ChatInstallStatesTable;
  chat_verification_messages: ChatVerificationMessagesTable;
}
