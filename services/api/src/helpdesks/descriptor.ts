import type { Desk, TenantCreateRequest } from '@vouchsafe/contracts';
import type { RegistrationIssue, RegistrationOutbound } from '../providers/descriptor';
import type { ConnectorOptions, DeskTenant, HelpdeskConnector } from './helpdesk.types';

/**
 * Everything Vouchsafe knows about one help desk, in its own folder: its name, how a registration request names the
 * account and the public material host tokens are checked with, where its REST API lives, what must be checked
 * before a tenant is stored, and the connector factory. The registry (registry.ts) lists one line per desk; nothing
 * else switches on the desk. The settings schema is the desk's branch of contracts' TenantCreateRequestSchema.
 */
export interface DeskDescriptor<D extends Desk> {
  readonly desk: D;
  /** How the product names it to people ("Zendesk", "Jira Service Management"). */
  readonly name: string;
  /** The account a registration names: Zendesk subdomain, ServiceNow instance, Atlassian cloudId. */
  accountOf(req: Extract<TenantCreateRequest, { desk: D }>): string;
  /** Public verification material only (keys, audiences, ids) — never credentials. */
  verificationOf(req: Extract<TenantCreateRequest, { desk: D }>): Record<string, string>;
  /** Where the connector calls the desk when the tenant has no override. */
  defaultApiBaseUrl(account: string, verification: Record<string, unknown>): string;
  /** URLs Vouchsafe will connect to (outbound rules) and keys it will verify tokens with; empty when all is well. */
  registrationIssues(req: Extract<TenantCreateRequest, { desk: D }>, outbound: RegistrationOutbound): Promise<RegistrationIssue[]>;
  createConnector(tenant: DeskTenant, opts: ConnectorOptions): HelpdeskConnector;
}

export const stripSlash = (url: string) => url.replace(/\/+$/, '');
