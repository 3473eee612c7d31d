import { z } from 'zod';
import { text } from './text';
import { AUDIT_API_MOUNT } from './audit';

/**
 * Operators: people of the bank who sign in to Vouchsafe's own consoles (`/review` now, `/admin` later) through the
 * bank's OpenID Connect provider. Roles are a set; each comes from configured values of one id_token claim.
 */

export const OPERATOR_ROLES = ['admin', 'policy_approver', 'auditor'] as const;
export const OperatorRoleSchema = z.enum(OPERATOR_ROLES);
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;

/** Console paths an operator may be sent back to after signing in (anything else becomes the first). */
export const OPERATOR_CONSOLES = ['/review/', '/admin/'] as const;

export const OPERATOR_PATHS = {
  /** GET `?return=/review/`: starts the sign-in at the bank's IdP (code flow, PKCE, nonce). */
  signIn: '/auth/operator/sign-in',
  /** GET: where the IdP sends the browser back; register `<public url>/auth/operator/callback` at the IdP. */
  callback: '/auth/operator/callback',
  /** POST with the CSRF header: ends the session. */
  signOut: '/auth/operator/sign-out',
  /** GET: who is signed in (OperatorMe), 401 when nobody. */
  me: '/api/v1/operator/me',
} as const;

/** Every non-GET request made with an operator session must carry the session's CSRF token in this header. */
export const OPERATOR_CSRF_HEADER = 'X-Vouchsafe-CSRF';

export const OperatorMeSchema = z.object({
  /** A label for people (the IdP's `name`, or a masked email); never an unmasked email. */
  label: text(),
  /** What audit rows name: `operator:<subject>`. */
  actor: text(),
  roles: z.array(OperatorRoleSchema),
  /** Tenant slugs this deployment's operators may review; null: every tenant. */
  tenants: z.array(text()).nullable(),
  csrfToken: text(),
  /** When the session ends unless used again (idle), and at the latest (absolute). ISO 8601. */
  idleExpiresAt: text(),
  expiresAt: text(),
});
export type OperatorMe = z.infer<typeof OperatorMeSchema>;

const enc = encodeURIComponent;

/** Where the API serves the reviewer console. */
export const REVIEW_CONSOLE_PATH = '/review';

/**
 * The reviewer API's paths (shapes in audit.ts), as the console calls them. The server mounts its guard at `prefix`
 * (an auditor API token or an operator session with the auditor role).
 */
export const REVIEW_API_PATHS = {
  prefix: AUDIT_API_MOUNT,
  tenants: '/api/v1/audit/tenants',
  events: (tenant: string) => `/api/v1/audit/t/${enc(tenant)}/events`,
  timeline: (tenant: string, ticketId: string) => `/api/v1/audit/t/${enc(tenant)}/tickets/${enc(ticketId)}/timeline`,
  receipt: (tenant: string, receipt: string) => `/api/v1/audit/t/${enc(tenant)}/receipts/${enc(receipt)}`,
} as const;
/** The same paths under the name the server side and CLI use. */
export const REVIEW_PATHS = REVIEW_API_PATHS;
