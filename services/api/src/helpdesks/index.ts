import type { ConnectorOptions, DeskTenant, HelpdeskConnector } from './helpdesk.types';
import { createJiraConnector } from './jira/jira.connector';
import { createServiceNowConnector } from './servicenow/servicenow.connector';
import { createZendeskConnector } from './zendesk/zendesk.connector';

export { HelpdeskError, type ConnectorOptions, type DeskTenant, type HelpdeskConnector, type HelpdeskPerson, type HelpdeskTicket } from './helpdesk.types';

/** The connector for a tenant's desk. Cheap to build: holds no connection, only the tenant's settings. */
export function createConnector(tenant: DeskTenant, opts: ConnectorOptions): HelpdeskConnector {
  switch (tenant.desk) {
    case 'zendesk':
      return createZendeskConnector(tenant, opts);
    case 'servicenow':
      return createServiceNowConnector(tenant, opts);
    case 'jira':
      return createJiraConnector(tenant, opts);
  }
}
