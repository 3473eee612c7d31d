import { OPERATOR_ROLES, type OperatorRole } from '@vouchsafe/contracts';
import type { OutboundPolicy } from '../../lib/outbound';
import { urlProblem } from '../../lib/outbound';

/**
 * Operator sign-in settings (VOUCHSAFE_OPERATOR_*), read by config.ts from the environment and assembled here into
 * one object the module uses. Unset issuer: operator sign-in is off (every operator route answers 404, the consoles
 * show that sign-in is not configured) and `/api/v1/audit` takes auditor API tokens only.
 */
export interface OperatorSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Scopes asked for; `openid` is always among them. */
  scopes: readonly string[];
  /** The id_token claim holding the operator's role values: a claim name, else a dotted path (`realm_access.roles`). */
  rolesClaim: string;
  /** Claim values that grant each role (VOUCHSAFE_OPERATOR_ROLE_<ROLE>). */
  roleValues: Readonly<Record<OperatorRole, readonly string[]>>;
  /** Tenant slugs operators may review; null = every tenant. */
  tenants: readonly string[] | null;
  /** Cookies are `Secure` with the `__Host-` prefix: production, or an https public URL. */
  isSecure: boolean;
}

/** The raw settings as config.ts parses them (one per variable). */
export interface OperatorSettingsInput {
  env: 'development' | 'test' | 'production';
  publicUrl: string | undefined;
  operatorIssuer: string | undefined;
  operatorClientId: string | undefined;
  operatorClientSecret: string | undefined;
  operatorScopes: string;
  operatorRolesClaim: string;
  operatorRoleAuditor: readonly string[];
  operatorRoleAdmin: readonly string[];
  operatorRolePolicyApprover: readonly string[];
  operatorTenants: readonly string[] | undefined;
}

/** A comma-separated list setting: trimmed, empties dropped. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Why the operator settings cannot work together (a sentence naming the variable), or undefined. */
export function operatorSettingsProblem(c: OperatorSettingsInput, policy: OutboundPolicy): string | undefined {
  const anyRole = c.operatorRoleAuditor.length + c.operatorRoleAdmin.length + c.operatorRolePolicyApprover.length > 0;
  if (c.operatorIssuer === undefined) {
    if (c.operatorClientId !== undefined || c.operatorClientSecret !== undefined || anyRole) {
      return 'VOUCHSAFE_OPERATOR_ISSUER is required when any other VOUCHSAFE_OPERATOR_* setting is given.';
    }
    return undefined;
  }
  if (c.operatorClientId === undefined) return 'VOUCHSAFE_OPERATOR_CLIENT_ID is required with VOUCHSAFE_OPERATOR_ISSUER.';
  if (c.operatorClientSecret === undefined) {
    return 'VOUCHSAFE_OPERATOR_CLIENT_SECRET is required with VOUCHSAFE_OPERATOR_ISSUER (register a confidential web client).';
  }
  if (!anyRole) {
    return 'Operator sign-in grants no role: set VOUCHSAFE_OPERATOR_ROLE_AUDITOR (and/or _ADMIN, _POLICY_APPROVER) to the claim values that grant it.';
  }
  const problem = urlProblem(c.operatorIssuer, policy);
  if (problem !== undefined) return `VOUCHSAFE_OPERATOR_ISSUER ${problem}`;
  if (c.env === 'production' && !c.publicUrl?.startsWith('https://')) {
    return 'Operator sign-in needs an https VOUCHSAFE_PUBLIC_URL in production (its session cookie is Secure).';
  }
  return undefined;
}

export function operatorSettingsOf(c: OperatorSettingsInput): OperatorSettings | undefined {
  if (c.operatorIssuer === undefined || c.operatorClientId === undefined || c.operatorClientSecret === undefined) return undefined;
  const scopes = c.operatorScopes.split(/\s+/).filter(Boolean);
  const roleValues: Record<OperatorRole, readonly string[]> = {
    admin: c.operatorRoleAdmin,
    policy_approver: c.operatorRolePolicyApprover,
    auditor: c.operatorRoleAuditor,
  };
  for (const role of OPERATOR_ROLES) roleValues[role] = Object.freeze([...roleValues[role]]);
  return Object.freeze({
    // Exactly as configured: the discovery document's `issuer` must be identical (OIDC Discovery §4.3).
    issuer: c.operatorIssuer,
    clientId: c.operatorClientId,
    clientSecret: c.operatorClientSecret,
    scopes: Object.freeze(scopes.includes('openid') ? scopes : ['openid', ...scopes]),
    rolesClaim: c.operatorRolesClaim,
    roleValues: Object.freeze(roleValues),
    tenants: c.operatorTenants === undefined || c.operatorTenants.length === 0 ? null : Object.freeze([...c.operatorTenants]),
    isSecure: c.env === 'production' || (c.publicUrl?.startsWith('https://') ?? false),
  });
}
