import { type Kysely, sql } from 'kysely';

/**
 * Issue 11: document requests — the customer uploads files encrypted in the browser to the request's public key; the
 * agent reviews them; review, revoke and expiry delete every chunk (services/api/src/modules/documents/NOTES.md).
 * - document_requests: what was asked, by whom, for which ticket; the request's public key and its private key sealed
 *   by the sidebar under a review key we never see, sealed again by the keyring (NULLed with the payload).
 * - document_files: one row per uploaded file: media type, sizes, chunk layout, the file's ephemeral public key.
 *   No name: the name is encrypted and stored as chunk -1.
 * - document_chunks: the payload. Deleted (never flagged) on review, revoke, expiry and abandonment.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE document_requests (
      tenant_id uuid NOT NULL REFERENCES tenants (id),
      id text NOT NULL,
      desk text NOT NULL,
      ticket_id text NOT NULL,
      agent_id text NOT NULL,
      agent_label text NOT NULL,
      -- Names the request in notes without its id (the id is the customer's upload capability).
      fingerprint text NOT NULL,
      presets text[] NOT NULL,
      note_masked text,
      max_files smallint NOT NULL CHECK (max_files BETWEEN 1 AND 10),
      allowed_types text[] NOT NULL,
      public_key bytea NOT NULL CHECK (octet_length(public_key) = 65),
      key_format smallint,
      key_kid text,
      key_wrapped bytea,
      key_ciphertext bytea,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'fulfilled', 'reviewed', 'revoked', 'expired')),
      outcome text CHECK (outcome IN ('accepted', 'rejected')),
      outcome_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      fulfilled_at timestamptz,
      closed_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      -- The sealed private key exists exactly while the request can still be reviewed.
      CONSTRAINT document_requests_key_ck CHECK ((key_ciphertext IS NULL) = (status IN ('reviewed', 'revoked', 'expired')))
    )`.execute(db);
  await sql`CREATE INDEX document_requests_ticket_idx ON document_requests (tenant_id, ticket_id, created_at)`.execute(db);
  await sql`CREATE INDEX document_requests_due_idx ON document_requests (expires_at) WHERE status IN ('open', 'fulfilled')`.execute(db);

  await sql`
    CREATE TABLE document_files (
      tenant_id uuid NOT NULL,
      id text NOT NULL,
      request_id text NOT NULL,
      media_type text NOT NULL,
      size_bytes integer NOT NULL CHECK (size_bytes >= 0),
      chunk_bytes integer NOT NULL CHECK (chunk_bytes > 0),
      chunk_count integer NOT NULL CHECK (chunk_count >= 1),
      ephemeral_key bytea NOT NULL CHECK (octet_length(ephemeral_key) = 65),
      status text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'complete', 'deleted')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      PRIMARY KEY (tenant_id, id),
      FOREIGN KEY (tenant_id, request_id) REFERENCES document_requests (tenant_id, id) ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX document_files_request_idx ON document_files (tenant_id, request_id, created_at)`.execute(db);
  await sql`CREATE INDEX document_files_uploading_idx ON document_files (updated_at) WHERE status = 'uploading'`.execute(db);

  await sql`
    CREATE TABLE document_chunks (
      tenant_id uuid NOT NULL,
      file_id text NOT NULL,
      -- -1: the encrypted file name; 0..chunk_count-1: the file.
      idx integer NOT NULL CHECK (idx >= -1),
      request_id text NOT NULL,
      format smallint NOT NULL,
      kid text NOT NULL,
      wrapped_key bytea NOT NULL,
      ciphertext bytea NOT NULL,
      PRIMARY KEY (tenant_id, file_id, idx),
      FOREIGN KEY (tenant_id, file_id) REFERENCES document_files (tenant_id, id) ON DELETE CASCADE
    )`.execute(db);
  await sql`CREATE INDEX document_chunks_request_idx ON document_chunks (tenant_id, request_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS document_chunks`.execute(db);
  await sql`DROP TABLE IF EXISTS document_files`.execute(db);
  await sql`DROP TABLE IF EXISTS document_requests`.execute(db);
}
