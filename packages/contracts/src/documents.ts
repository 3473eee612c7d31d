import { z } from 'zod';
import { text } from './text';
import { Base64UrlSchema, SecretIdSchema } from './secrets';
import { API_PREFIX } from './wire';

/**
 * Document requests (issue 11): the agent asks for documents, the customer uploads them encrypted in the browser
 * (packages/crypto/src/documents.ts), the agent reviews them and they are deleted. Rules:
 * services/api/src/modules/documents/NOTES.md.
 */

export const DOCUMENT_PRESETS = ['photo_id', 'proof_of_address', 'signed_form'] as const;
export type DocumentPreset = (typeof DOCUMENT_PRESETS)[number];
export const DOCUMENT_PRESET_LABELS: Record<DocumentPreset, string> = {
  photo_id: 'photo ID',
  proof_of_address: 'proof of address',
  signed_form: 'signed form',
};

/** What a customer may upload: types the sidebar can render in place, checked by content in the browser. */
export const DOCUMENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_LIMITS = {
  maxFiles: 10,
  defaultTtlSeconds: 72 * 3600,
  minTtlSeconds: 300,
  maxTtlSeconds: 7 * 24 * 3600,
  /** Plaintext chunk size bounds (the ciphertext adds a 16-byte tag); the same as packages/crypto's. */
  minChunkBytes: 64 * 1024,
  maxChunkBytes: 4 * 1024 * 1024,
  noteChars: 200,
  reasonChars: 200,
  /** The sealed private key: version + IV + PKCS#8 of a P-256 key + tag is under 200 bytes. */
  sealedKeyMaxBytes: 512,
  /** An encrypted file name: at most 255 bytes + the tag. */
  nameMaxBytes: 255 + 16,
} as const;

/** The type a file's first bytes say it is (magic numbers), or undefined: the browser checks content, not the name. */
export function sniffDocumentType(head: Uint8Array): DocumentType | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => head[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf';
  return undefined;
}

/** An uncompressed P-256 point (65 bytes) in base64url. */
const PointSchema = Base64UrlSchema.length(87, 'must be a 65-byte P-256 point in base64url');
export const DocumentIdSchema = SecretIdSchema;

export const CreateDocumentRequestSchema = z
  .object({
    presets: z.array(z.enum(DOCUMENT_PRESETS)).max(DOCUMENT_PRESETS.length).default([]),
    note: text().trim().max(DOCUMENT_LIMITS.noteChars).optional(),
    maxFiles: z.number().int().min(1).max(DOCUMENT_LIMITS.maxFiles).default(3),
    allowedTypes: z
      .array(z.enum(DOCUMENT_TYPES))
      .min(1)
      .max(DOCUMENT_TYPES.length)
      .default([...DOCUMENT_TYPES]),
    ttlSeconds: z
      .number()
      .int()
      .min(DOCUMENT_LIMITS.minTtlSeconds)
      .max(DOCUMENT_LIMITS.maxTtlSeconds)
      .default(DOCUMENT_LIMITS.defaultTtlSeconds),
    publicKey: PointSchema,
    /** The request's private key sealed under the review key (which stays in the desk): opaque to the server. */
    sealedPrivateKey: Base64UrlSchema.min(40).max(Math.ceil((DOCUMENT_LIMITS.sealedKeyMaxBytes * 4) / 3)),
  })
  .strict()
  .refine((r) => r.presets.length > 0 || (r.note ?? '') !== '', { message: 'Say what is needed: a preset or a note', path: ['presets'] })
  .refine((r) => new Set(r.presets).size === r.presets.length, { message: 'A preset is listed twice', path: ['presets'] })
  .refine((r) => new Set(r.allowedTypes).size === r.allowedTypes.length, { message: 'A type is listed twice', path: ['allowedTypes'] });
export type CreateDocumentRequest = z.input<typeof CreateDocumentRequestSchema>;
export type CreateDocumentRequestInput = z.output<typeof CreateDocumentRequestSchema>;

export const CreateDocumentRequestResponseSchema = z.object({
  id: DocumentIdSchema,
  expiresAt: text(),
  /** The customer's page: `${linkBase}/d/${id}` (no fragment: the link carries no key). */
  link: text(),
});
export type CreateDocumentRequestResponse = z.infer<typeof CreateDocumentRequestResponseSchema>;

export const DOCUMENT_REQUEST_STATUSES = ['open', 'fulfilled', 'reviewed', 'revoked', 'expired'] as const;
export type DocumentRequestStatus = (typeof DOCUMENT_REQUEST_STATUSES)[number];

/** The public page's view: who asks, what, and the upload state — nothing else (no names, no agent id). */
export const PublicDocumentRequestSchema = z.object({
  bankName: text(),
  ticketRef: text(),
  agentFirstName: text(),
  presets: z.array(z.enum(DOCUMENT_PRESETS)),
  note: text().nullable(),
  maxFiles: z.number().int(),
  allowedTypes: z.array(z.enum(DOCUMENT_TYPES)),
  maxFileBytes: z.number().int(),
  expiresAt: text(),
  /** `closed`: reviewed, revoked or expired — the page says "no longer accepting uploads". */
  status: z.enum(['open', 'fulfilled', 'closed']),
  publicKey: PointSchema,
  files: z.array(z.object({ id: DocumentIdSchema, sizeBytes: z.number().int(), isComplete: z.boolean() })),
});
export type PublicDocumentRequest = z.infer<typeof PublicDocumentRequestSchema>;

export const StartDocumentFileSchema = z
  .object({
    /** Chosen by the customer's browser (128 random bits): the file's content key is bound to it before the upload starts. */
    id: DocumentIdSchema,
    mediaType: z.enum(DOCUMENT_TYPES),
    sizeBytes: z.number().int().min(0),
    chunkBytes: z.number().int().min(DOCUMENT_LIMITS.minChunkBytes).max(DOCUMENT_LIMITS.maxChunkBytes),
    ephemeralPublicKey: PointSchema,
  })
  .strict();
export type StartDocumentFile = z.infer<typeof StartDocumentFileSchema>;

/** A file's upload state: resume = put the chunks missing here, then finish. */
export const DocumentFileStateSchema = z.object({
  id: DocumentIdSchema,
  chunkCount: z.number().int(),
  /** Indexes of the chunks stored, ascending. */
  received: z.array(z.number().int()),
  hasName: z.boolean(),
  isComplete: z.boolean(),
});
export type DocumentFileState = z.infer<typeof DocumentFileStateSchema>;

export const FinishDocumentRequestResponseSchema = z.object({ status: z.literal('fulfilled'), files: z.number().int() });

export const ReviewDocumentRequestSchema = z
  .object({
    outcome: z.enum(['accepted', 'rejected']),
    reason: text().trim().max(DOCUMENT_LIMITS.reasonChars).optional(),
  })
  .strict()
  .refine((r) => r.outcome === 'accepted' || (r.reason ?? '') !== '', { message: 'A rejection needs a reason', path: ['reason'] });
export type ReviewDocumentRequest = z.input<typeof ReviewDocumentRequestSchema>;
export const ReviewDocumentResponseSchema = z.object({ status: z.literal('reviewed'), outcome: z.enum(['accepted', 'rejected']) });

export const DocumentFileViewSchema = z.object({
  id: DocumentIdSchema,
  mediaType: z.enum(DOCUMENT_TYPES),
  sizeBytes: z.number().int(),
  status: z.enum(['uploading', 'complete', 'deleted']),
  receivedAt: text().nullable(),
});

/** The sidebar's list (GET /api/v1/sidebar/document-requests): this ticket's requests, newest first. */
export const DocumentRequestViewSchema = z.object({
  id: DocumentIdSchema,
  status: z.enum(DOCUMENT_REQUEST_STATUSES),
  presets: z.array(z.enum(DOCUMENT_PRESETS)),
  note: text().nullable(),
  maxFiles: z.number().int(),
  agentLabel: text(),
  createdAt: text(),
  expiresAt: text(),
  outcome: z.enum(['accepted', 'rejected']).nullable(),
  files: z.array(DocumentFileViewSchema),
});
export const DocumentRequestListSchema = z.object({ requests: z.array(DocumentRequestViewSchema) });
export type DocumentRequestView = z.infer<typeof DocumentRequestViewSchema>;
export type DocumentRequestList = z.infer<typeof DocumentRequestListSchema>;

/** What the sidebar needs to decrypt for review: the sealed key (opened with the desk's review key) and each file's layout. */
export const DocumentReviewMaterialSchema = z.object({
  id: DocumentIdSchema,
  publicKey: PointSchema,
  sealedPrivateKey: Base64UrlSchema,
  files: z.array(
    z.object({
      id: DocumentIdSchema,
      mediaType: z.enum(DOCUMENT_TYPES),
      sizeBytes: z.number().int(),
      chunkBytes: z.number().int(),
      chunkCount: z.number().int(),
      ephemeralPublicKey: PointSchema,
      /** The file name, encrypted by the customer's browser (the server never sees it). */
      encryptedName: Base64UrlSchema,
    }),
  ),
});
export type DocumentReviewMaterial = z.infer<typeof DocumentReviewMaterialSchema>;

const enc = encodeURIComponent;
const publicPrefix = (tenantSlug?: string) => (tenantSlug === undefined ? API_PREFIX : `${API_PREFIX}/t/${enc(tenantSlug)}`);

export const DOCUMENT_PATHS = {
  /** Sidebar (session): POST create, GET list. */
  sidebarRequests: `${API_PREFIX}/sidebar/document-requests`,
  sidebarRequest: (id: string) => `${API_PREFIX}/sidebar/document-requests/${enc(id)}`,
  sidebarReviewMaterial: (id: string) => `${API_PREFIX}/sidebar/document-requests/${enc(id)}/material`,
  sidebarChunk: (id: string, fileId: string, index: number) =>
    `${API_PREFIX}/sidebar/document-requests/${enc(id)}/files/${enc(fileId)}/chunks/${index}`,
  sidebarReview: (id: string) => `${API_PREFIX}/sidebar/document-requests/${enc(id)}/review`,
  /** Public (the link is the capability). */
  request: (id: string, tenantSlug?: string) => `${publicPrefix(tenantSlug)}/document-requests/${enc(id)}`,
  files: (id: string, tenantSlug?: string) => `${publicPrefix(tenantSlug)}/document-requests/${enc(id)}/files`,
  file: (id: string, fileId: string, tenantSlug?: string) =>
    `${publicPrefix(tenantSlug)}/document-requests/${enc(id)}/files/${enc(fileId)}`,
  chunk: (id: string, fileId: string, index: number, tenantSlug?: string) =>
    `${publicPrefix(tenantSlug)}/document-requests/${enc(id)}/files/${enc(fileId)}/chunks/${index}`,
  name: (id: string, fileId: string, tenantSlug?: string) =>
    `${publicPrefix(tenantSlug)}/document-requests/${enc(id)}/files/${enc(fileId)}/name`,
  finishFile: (id: string, fileId: string, tenantSlug?: string) =>
    `${publicPrefix(tenantSlug)}/document-requests/${enc(id)}/files/${enc(fileId)}/finish`,
  finish: (id: string, tenantSlug?: string) => `${publicPrefix(tenantSlug)}/document-requests/${enc(id)}/finish`,
} as const;

/** The customer's page: `/d/{id}` (default tenant) or `/t/{slug}/d/{id}`. */
export const documentLinkPath = (id: string, tenantSlug?: string) =>
  `${tenantSlug === undefined ? '' : `/t/${enc(tenantSlug)}`}/d/${enc(id)}`;
