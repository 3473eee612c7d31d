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
  fingerprint: string;
  kind: 'text' | 'file';
  views_total: number;
  views_used: ColumnType<number, number | undefined, number>;
  expires_at: Timestamp;
  status: ColumnType<'waiting' | 'viewed' | 'expired' | 'revoked', 'waiting' | 'viewed' | 'expired' | 'revoked' | undefined, 'waiting' | 'viewed' | 'expired' | 'revoked'>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface NoteOutboxTable {
  id: Generated<string>;
  tenant_id: string;
  ticket_id: string;
  secret_id: string | null;
  audit_event_id: string;
  action: string;
  note: ColumnType<Record<string, unknown>, string, string>;
  status: ColumnType<'pending' | 'delivered' | 'failed', 'pending' | 'delivered' | 'failed' | undefined, 'pending' | 'delivered' | 'failed'>;
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

export interface Database {
  tenants: TenantsTable;
  secrets: SecretsTable;
  secret_payloads: SecretPayloadsTable;
  reveal_attempts: RevealAttemptsTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  ticket_secrets: TicketSecretsTable;
  note_outbox: NoteOutboxTable;
}

