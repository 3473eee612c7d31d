import type { Desk } from './sidebar';

/**
 * The HTTP surface every party shares — the API mounts these paths, and the sidebar client, the portal, the CLI, the
 * stand-ins and the tests call them. Change a path here and every side follows (or fails to compile).
 */

export const API_PREFIX = '/api/v1';

/** The tenant of the plain `/s/{id}` vault (CLI and API-token secrets without a desk). Seeded by the first migration. */
export const DEFAULT_TENANT_ID = '00000000-0000-4000-8000-000000000001';

const enc = encodeURIComponent;
/** A help-desk tenant's public prefix (`/api/v1/t/{slug}`), or the default tenant's (`/api/v1`). */
const publicPrefix = (tenantSlug?: string) => (tenantSlug === undefined ? API_PREFIX : `${API_PREFIX}/t/${enc(tenantSlug)}`);

export const API_PATHS = {
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
  /** GET: the OpenAPI 3.1 document (no auth; services/api/src/openapi). */
  openapi: `${API_PREFIX}/openapi.json`,
  /** Express mount pattern of a help-desk tenant's public routes. */
  tenantMount: `${API_PREFIX}/t/:tenant`,
  /** POST: create (API token, scope `secrets`). */
  secrets: (tenantSlug?: string) => `${publicPrefix(tenantSlug)}/secrets`,
  /** GET metadata, DELETE revoke. */
  secret: (id: string, tenantSlug?: string) => `${publicPrefix(tenantSlug)}/secrets/${enc(id)}`,
  reveal: (id: string, tenantSlug?: string) => `${publicPrefix(tenantSlug)}/secrets/${enc(id)}/reveal`,
  /** POST: a recipient of a verified-only secret starts the IdP sign-in. */
  verifyRecipient: (id: string, tenantSlug?: string) => `${publicPrefix(tenantSlug)}/secrets/${enc(id)}/verify`,
  sessions: `${API_PREFIX}/sessions`,
  session: (desk: Desk) => `${API_PREFIX}/sessions/${desk}`,
  sessionRenew: `${API_PREFIX}/sessions/renew`,
  sidebar: `${API_PREFIX}/sidebar`,
  sidebarSecrets: `${API_PREFIX}/sidebar/secrets`,
  sidebarSecret: (id: string) => `${API_PREFIX}/sidebar/secrets/${enc(id)}`,
  verifications: `${API_PREFIX}/sidebar/verifications`,
  verification: (id: string) => `${API_PREFIX}/sidebar/verifications/${enc(id)}`,
  verificationEvents: `${API_PREFIX}/sidebar/verifications/events`,
  /** POST {reason}: a supervisor acknowledges the ticket's fraud flags (issue 16). */
  fraudFlagAcknowledge: `${API_PREFIX}/sidebar/verifications/fraud-flag/acknowledge`,
  /** Issue 12: POST {ticketId, findings, reason}: the agent sends a reply with findings anyway (audited, noted). */
  draftFindings: `${API_PREFIX}/sidebar/draft-findings`,
  /** Where link methods return from the IdP (not under the API prefix: it is a page people open). */
  verificationCallback: (kind: 'oidc' | 'duo') => `/verify/callback/${kind}`,
  /** Issue 16: the short sign-in link posted to the requester; 303 to the IdP while the attempt is open (a page). */
  shortLink: (id: string) => `/v/${enc(id)}`,
  /** Issue 16: a supervisor's queue of the tenant's override requests waiting for a decision (GET). */
  pendingOverrides: `${API_PREFIX}/sidebar/overrides`,
  admin: `${API_PREFIX}/admin`,
  adminTenants: `${API_PREFIX}/admin/tenants`,
  adminTenant: (slug: string) => `${API_PREFIX}/admin/tenants/${enc(slug)}`,
  adminIdps: (slug: string) => `${API_PREFIX}/admin/tenants/${enc(slug)}/idp`,
  adminIdp: (slug: string, kind: string) => `${API_PREFIX}/admin/tenants/${enc(slug)}/idp/${enc(kind)}`,
  adminPolicy: (slug: string) => `${API_PREFIX}/admin/tenants/${enc(slug)}/policy`,
  adminApiTokens: `${API_PREFIX}/admin/api-tokens`,
  adminApiToken: (name: string) => `${API_PREFIX}/admin/api-tokens/${enc(name)}`,
} as const;

/**
 * Issue 13: the Slack app inside the API. One Request URL for slash commands, shortcuts and interactivity (signed by
 * Slack: modules/chat/slack); the admin starts an install (admin scope) and Slack's OAuth v2 redirect comes back to a
 * page outside the API prefix.
 */
export const CHAT_PATHS = {
  slackEvents: `${API_PREFIX}/chat/slack/events`,
  slackInstalls: `${API_PREFIX}/admin/chat/slack/installs`,
  slackOAuthCallback: '/chat/slack/oauth/callback',
} as const;

/** The recipient's link path (before `#key`): `/s/{id}` for the default tenant, `/t/{slug}/s/{id}` for a desk's. */
export const linkPath = (id: string, tenantSlug?: string) => `${tenantSlug === undefined ? '' : `/t/${enc(tenantSlug)}`}/s/${enc(id)}`;
