import { z } from 'zod';
import { text } from './text';

/** base64url without padding, the only binary encoding on the wire. */
export const Base64UrlSchema = text().regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding');

/** 22 base64url characters = 128 bits from a CSPRNG (S4). */
export const SecretIdSchema = text().regex(/^[A-Za-z0-9_-]{22}$/, 'is not a secret id');

export const LIMITS = {
  textBytes: 64 * 1024,
  fileBytesDefault: 10 * 1024 * 1024,
  /** version byte + IV + GCM tag + payload header (kind, file name, media type). */
  envelopeOverheadBytes: 1 + 12 + 16 + 4 + 1024,
  ttlMinSeconds: 5 * 60,
  ttlMaxSeconds: 30 * 24 * 60 * 60,
  ttlDefaultSeconds: 24 * 60 * 60,
  viewsMin: 1,
  viewsMax: 10,
  labelMaxChars: 120,
} as const;

const check32 = Base64UrlSchema.length(43, 'must be 32 bytes in base64url');
const salt16 = Base64UrlSchema.length(22, 'must be 16 bytes in base64url');

export const CreateSecretRequestSchema = z
  .object({
    kind: z.enum(['text', 'file']),
    /** Client-side ciphertext (packages/crypto format), base64url. */
    ciphertext: Base64UrlSchema.min(1, 'must not be empty'),
    /** Proof of the link key: lets the server refuse a wrong link before consuming. */
    keyCheck: check32,
    passphraseSalt: salt16.optional(),
    passphraseCheck: check32.optional(),
    ttlSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(LIMITS.ttlMinSeconds, 'must be at least 5 minutes')
      .max(LIMITS.ttlMaxSeconds, 'must be at most 30 days')
      .default(LIMITS.ttlDefaultSeconds),
    views: z
      .number()
      .int('must be a whole number')
      .min(LIMITS.viewsMin, 'must be at least 1')
      .max(LIMITS.viewsMax, 'must be at most 10')
      .default(1),
    label: text().trim().min(1).max(LIMITS.labelMaxChars).optional(),
  })
  .strict()
  .refine((v) => (v.passphraseSalt === undefined) === (v.passphraseCheck === undefined), {
    message: 'passphraseSalt and passphraseCheck go together',
    path: ['passphraseCheck'],
  });
export type CreateSecretRequest = z.input<typeof CreateSecretRequestSchema>;
/** The request after parsing: defaults (TTL, views) filled in. */
export type CreateSecretInput = z.output<typeof CreateSecretRequestSchema>;

export const CreateSecretResponseSchema = z.object({
  id: SecretIdSchema,
  expiresAt: text(),
  views: z.number().int(),
  path: text(),
  revokeToken: text(),
});
export type CreateSecretResponse = z.infer<typeof CreateSecretResponseSchema>;

/** Link-based methods a recipient can verify with before a verified-only secret opens. */
export const RECIPIENT_VERIFY_METHODS = ['oidc', 'duo_universal'] as const;
export type RecipientVerifyMethod = (typeof RECIPIENT_VERIFY_METHODS)[number];

export const SecretMetadataSchema = z.object({
  id: SecretIdSchema,
  status: z.literal('available'),
  kind: z.enum(['text', 'file']),
  expiresAt: text(),
  viewsLeft: z.number().int(),
  needsPassphrase: z.boolean(),
  passphraseSalt: text().optional(),
  /** Only the ticket's requester may open it: the recipient verifies first (link-based methods). */
  needsVerification: z.boolean().optional(),
  /** The link-based methods the recipient may verify with, in the tenant's order. */
  verifyMethods: z.array(z.enum(['oidc', 'duo_universal'])).optional(),
});
export type SecretMetadata = z.infer<typeof SecretMetadataSchema>;

export const RevealRequestSchema = z
  .object({
    keyCheck: check32,
    passphraseCheck: check32.optional(),
    /** The one-time reveal grant the verification callback put in the portal URL (verified-only secrets). */
    grant: Base64UrlSchema.min(16).max(128).optional(),
  })
  .strict();
export type RevealRequest = z.infer<typeof RevealRequestSchema>;

export const RevealResponseSchema = z.object({
  id: SecretIdSchema,
  kind: z.enum(['text', 'file']),
  ciphertext: text(),
  viewsLeft: z.number().int(),
});
export type RevealResponse = z.infer<typeof RevealResponseSchema>;

/** POST /api/v1/t/{tenant}/secrets/{id}/verify */
export const VerifyRecipientRequestSchema = z
  .object({
    method: z.enum(RECIPIENT_VERIFY_METHODS),
    /** Proof that the caller holds the link (the same check as a reveal): without the link key, no sign-in starts. */
    keyCheck: check32,
  })
  .strict();
export type VerifyRecipientRequest = z.infer<typeof VerifyRecipientRequestSchema>;
/** Where to send the recipient: the IdP's sign-in; it comes back to the link with `?grant=`. */
export const VerifyRecipientResponseSchema = z.object({ url: text().url() });
export type VerifyRecipientResponse = z.infer<typeof VerifyRecipientResponseSchema>;

/** Revocation sends the revoke token in this header (DELETE has no body). */
export const REVOKE_TOKEN_HEADER = 'x-revoke-token';
