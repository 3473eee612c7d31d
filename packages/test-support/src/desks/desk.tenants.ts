import { DESK_ACCOUNTS } from './desk.accounts';
import type { DeskKeys } from './desk.keys';

/*
 * The shapes of @vouchsafe/contracts' TenantCreateRequest, written out here because test-support does not depend on
 * contracts. Keep them in step with packages/contracts/src/sidebar.ts (TenantCreateRequestSchema).
 */
export interface ZendeskTenantCreateRequest {
  desk: 'zendesk';
  slug: string;
  name: string;
  subdomain: string;
  publicKeyPem: string;
  installationId: string;
  credentials: { email: string; apiToken: string } | { oauthToken: string };
  apiBaseUrl?: string;
}
export interface ServiceNowTenantCreateRequest {
  desk: 'servicenow';
  slug: string;
  name: string;
  instance: string;
  certificatePem: string;
  audience: string;
  credentials: { username: string; password: string } | { oauthToken: string };
  apiBaseUrl?: string;
}
export interface JiraTenantCreateRequest {
  desk: 'jira';
  slug: string;
  name: string;
  cloudId: string;
  siteUrl: string;
  appId: string;
  credentials: { email: string; apiToken: string };
  jwksUrl?: string;
  apiBaseUrl?: string;
}

export interface DeskTenants {
  zendesk: ZendeskTenantCreateRequest;
  servicenow: ServiceNowTenantCreateRequest;
  jira: JiraTenantCreateRequest;
}

/** Bodies for POST /api/v1/admin/tenants: one tenant per stand-in desk, pointing at `baseUrl`. */
export function deskTenants(keys: DeskKeys, baseUrl: string): DeskTenants {
  const base = baseUrl.replace(/\/+$/, '');
  const { zendesk, servicenow, jira } = DESK_ACCOUNTS;
  return {
    zendesk: {
      desk: 'zendesk',
      slug: 'acme-zendesk',
      name: 'Acme (Zendesk)',
      subdomain: zendesk.subdomain,
      publicKeyPem: keys.zendeskPublicKeyPem,
      installationId: zendesk.installationId,
      credentials: { email: zendesk.email, apiToken: zendesk.apiToken },
      apiBaseUrl: `${base}/zendesk`,
    },
    servicenow: {
      desk: 'servicenow',
      slug: 'acme-servicenow',
      name: 'Acme (ServiceNow)',
      instance: servicenow.instance,
      certificatePem: keys.serviceNowPublicKeyPem,
      audience: servicenow.audience,
      credentials: { username: servicenow.username, password: servicenow.password },
      apiBaseUrl: `${base}/servicenow`,
    },
    jira: {
      desk: 'jira',
      slug: 'acme-jira',
      name: 'Acme (Jira)',
      cloudId: jira.cloudId,
      siteUrl: `${base}/jira`,
      appId: jira.appId,
      credentials: { email: jira.email, apiToken: jira.apiToken },
      jwksUrl: `${base}/jira/.well-known/jwks.json`,
      apiBaseUrl: `${base}/jira`,
    },
  };
}
