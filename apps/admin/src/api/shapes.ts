import { z } from 'zod';
import { TenantSummarySchema, type VerificationPolicy } from '@vouchsafe/contracts';

/**
 * Answers of the existing admin routes that packages/contracts does not describe yet (the services define them as
 * TypeScript interfaces: tenants.routes.ts, idps.service.ts IdpSummary, policy.service.ts PolicyView,
 * api-tokens.service.ts TokenView). Parsed loosely (extra fields pass) so a field the server adds does not break the
 * console; the console only reads what is named here.
 */

export const TenantListSchema = z.object({ tenants: z.array(TenantSummarySchema) });

export const IdpSummarySchema = z.object({
  kind: z.string(),
  /** Public settings only (the server never answers secrets). */
  settings: z.record(z.string(), z.union([z.string(), z.boolean(), z.array(z.string())])),
  updatedAt: z.string(),
});
export type IdpSummary = z.infer<typeof IdpSummarySchema>;
export const IdpListSchema = z.object({ idps: z.array(IdpSummarySchema) });

export const PolicyViewSchema = z.object({
  version: z.number().int(),
  /**
   * As the server stored or derived it. Not VerificationPolicySchema: the default policy (version 0) of a tenant
   * without IdP connections has no methods, which that schema (for what an admin may save) refuses.
   */
  policy: z
    .object({ methods: z.array(z.string()), deskPhoneFallback: z.object({ isAllowed: z.boolean() }) })
    .passthrough()
    .transform((p) => p as unknown as VerificationPolicy),
  isDefault: z.boolean(),
  changedBy: z.string().nullable(),
  createdAt: z.string().nullable(),
});
export type PolicyView = z.infer<typeof PolicyViewSchema>;

/** services/api/src/modules/api-tokens/api-tokens.ts API_TOKEN_SCOPES. */
export const API_TOKEN_SCOPES = ['secrets', 'admin', 'metrics', 'auditor'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
/** api-tokens.routes.ts CreateTokenSchema: 1–32 letters, digits, "_", "." or "-". */
export const API_TOKEN_NAME = /^[a-z0-9][a-z0-9_.-]{0,31}$/i;
export const MAX_TOKEN_DAYS = 366;
export const DEFAULT_TOKEN_DAYS = 90;

export const TokenViewSchema = z.object({
  name: z.string(),
  scopes: z.array(z.string()),
  source: z.enum(['environment', 'stored']),
  createdBy: z.string().nullable(),
  createdAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable().optional(),
});
export type TokenView = z.infer<typeof TokenViewSchema>;
export const TokenListSchema = z.object({ tokens: z.array(TokenViewSchema) });
export const CreatedTokenSchema = TokenViewSchema.extend({ token: z.string() });
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;
