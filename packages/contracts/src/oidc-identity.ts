/**
 * How an OIDC / Microsoft Entra connection may identify the ticket's requester (DESIGN S11: claims used to match a
 * person must be verified or immutable). One rule, used twice: registration refuses an unsafe connection (422 naming
 * the field) and the provider fails closed on a connection stored before the rule existed, with the same words.
 *
 * - Generic OpenID Providers: `email`, accepted only when the id_token says `email_verified: true` (the boolean).
 *   `preferred_username` and `upn` are chosen or changed by their owner or an admin and are never verified; `sub` is
 *   immutable but nothing maps it to the email on record without a directory of that provider, so it is not offered.
 * - Microsoft Entra: `oid` with `tid`. Vouchsafe looks the requester's email on record up in Microsoft Graph (the
 *   `mail` or `userPrincipalName` of exactly one enabled member account) and requires the id_token's `oid` to be that
 *   account and its `tid` the directory of the configured issuer. Entra's `email`, `upn` and `preferred_username` are
 *   mutable and unverified (Microsoft: never use them for authorisation), and Entra sends no `email_verified`.
 */

/** Values of `subjectClaim`; only `email` (generic) and `oid` (entra) pass; the rest stay parseable for stored connections. */
export const OIDC_SUBJECT_CLAIMS = ['email', 'oid', 'preferred_username', 'upn', 'sub'] as const;
export type OidcSubjectClaim = (typeof OIDC_SUBJECT_CLAIMS)[number];

/** Microsoft Graph (global cloud). Other hosts only for stand-ins, with VOUCHSAFE_ALLOW_INSECURE_HELPDESKS. */
export const GRAPH_BASE_URL = 'https://graph.microsoft.com';
/** Client-credentials scope for Graph: the resource's App ID URI + `/.default` (the app's granted application permissions). */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** The application permission the Graph lookup needs (least privileged for GET /users with $filter). */
export const GRAPH_PERMISSION = 'User.Read.All';
/** What Vouchsafe selects of each matching user: the object id (= the id_token's `oid`), whether it is a guest, enabled. */
export const ENTRA_LOOKUP_SELECT = ['id', 'userType', 'accountEnabled'] as const;
/** Matches asked for at most; more (or a next page) counts as ambiguous. */
export const ENTRA_LOOKUP_TOP = 10;

/** The user fields the Graph lookup reads (Graph's `user` resource, v1.0). */
export interface EntraLookupUser {
  id: string;
  userType: 'Member' | 'Guest' | null;
  accountEnabled: boolean | null;
}

/** The `$filter` of the Graph lookup: `mail` or `userPrincipalName` equal to the email (OData string, `'` doubled). */
export function entraLookupFilter(email: string): string {
  const literal = `'${email.replace(/'/g, "''")}'`;
  return `mail eq ${literal} or userPrincipalName eq ${literal}`;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The directory (tenant) id of a tenant-specific Entra v2 issuer `https://login.microsoftonline.com/<tenant-id>/v2.0`
 * (any host: national clouds and stand-ins have the same path), lowercased; undefined for `common`, `organizations`,
 * domain names and anything else.
 */
export function entraTenantOf(issuer: string): string | undefined {
  let path: string;
  try {
    path = new URL(issuer).pathname;
  } catch {
    return undefined;
  }
  const match = /^\/([^/]+)\/v2\.0$/.exec(path);
  const tenant = match?.[1];
  return tenant !== undefined && GUID.test(tenant) ? tenant.toLowerCase() : undefined;
}

export interface OidcIdentityConfig {
  flavor: 'entra' | 'generic';
  subjectClaim: OidcSubjectClaim;
  issuer: string;
  clientSecret?: string;
  graph?: { baseUrl?: string; tokenUrl?: string };
}

/** One problem with how a connection identifies people: the field and what it must be (written for an admin). */
export interface OidcIdentityIssue {
  path: string;
  message: string;
}

const GENERIC_ONLY_EMAIL: Record<Exclude<OidcSubjectClaim, 'email'>, string> = {
  oid: 'must be "email" for flavor "generic": "oid" needs the Microsoft Graph lookup, which only flavor "entra" has',
  preferred_username:
    'must be "email" for flavor "generic" (accepted only with email_verified: true): preferred_username is chosen or changed by its owner and never verified',
  upn: 'must be "email" for flavor "generic" (accepted only with email_verified: true): upn is an attribute that can be changed and is never verified',
  sub: 'must be "email" for flavor "generic" (accepted only with email_verified: true): sub cannot be mapped to the requester on record without a directory lookup',
};

const ENTRA_ONLY_OID: Record<Exclude<OidcSubjectClaim, 'oid'>, string> = {
  email:
    'must be "oid" for flavor "entra": Entra’s email claim can be changed and is not verified (Microsoft: never use it for authorisation); Vouchsafe looks the requester up in Microsoft Graph and matches the immutable object id',
  preferred_username:
    'must be "oid" for flavor "entra": preferred_username can be changed (Microsoft: never use it for authorisation); Vouchsafe looks the requester up in Microsoft Graph and matches the immutable object id',
  upn: 'must be "oid" for flavor "entra": upn can be changed and reused (Microsoft: never use it for authorisation); Vouchsafe looks the requester up in Microsoft Graph and matches the immutable object id',
  sub: 'must be "oid" for flavor "entra": sub is a per-application pairwise id that Microsoft Graph cannot look up',
};

/** Everything that stops this connection from identifying the requester safely; empty when it is safe. */
export function oidcIdentityIssues(config: OidcIdentityConfig): OidcIdentityIssue[] {
  const issues: OidcIdentityIssue[] = [];
  if (config.flavor === 'generic') {
    if (config.subjectClaim !== 'email') issues.push({ path: 'subjectClaim', message: GENERIC_ONLY_EMAIL[config.subjectClaim] });
    if (config.graph !== undefined) issues.push({ path: 'graph', message: 'is only used with flavor "entra"' });
    return issues;
  }
  if (config.subjectClaim !== 'oid') issues.push({ path: 'subjectClaim', message: ENTRA_ONLY_OID[config.subjectClaim] });
  if (entraTenantOf(config.issuer) === undefined) {
    issues.push({
      path: 'issuer',
      message:
        'must be the tenant-specific issuer https://login.microsoftonline.com/<directory-tenant-id>/v2.0 (the directory’s GUID), so that tid can be checked',
    });
  }
  if (config.clientSecret === undefined) {
    issues.push({
      path: 'clientSecret',
      message: `is required for flavor "entra": Vouchsafe uses it to look the requester up in Microsoft Graph (application permission ${GRAPH_PERMISSION})`,
    });
  }
  return issues;
}
