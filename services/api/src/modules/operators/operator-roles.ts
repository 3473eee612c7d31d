import { OPERATOR_ROLES, type OperatorRole } from '@vouchsafe/contracts';

/**
 * The claim value(s) at `name` in an id_token's claims: the claim of exactly that name first (Auth0-style namespaced
 * names such as `https://bank.example/roles` contain dots), else the dotted path through nested objects (Keycloak's
 * `realm_access.roles`). A string counts as one value; an array contributes its strings; anything else nothing.
 */
export function claimValues(claims: Record<string, unknown>, name: string): string[] {
  let value: unknown = Object.hasOwn(claims, name) ? claims[name] : undefined;
  if (value === undefined && name.includes('.')) {
    value = claims;
    for (const part of name.split('.')) {
      value =
        typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, part)
          ? (value as Record<string, unknown>)[part]
          : undefined;
    }
  }
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The roles the claim grants: a role counts when one of its configured values is among the claim's (exact match). */
export function rolesFromClaims(
  claims: Record<string, unknown>,
  rolesClaim: string,
  roleValues: Readonly<Record<OperatorRole, readonly string[]>>,
): OperatorRole[] {
  const held = new Set(claimValues(claims, rolesClaim));
  return OPERATOR_ROLES.filter((role) => roleValues[role].some((value) => held.has(value)));
}
