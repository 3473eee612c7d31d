import { DESK_DESCRIPTORS } from './registry';
import type { ConnectorOptions, DeskTenant, HelpdeskConnector } from './helpdesk.types';

export {
  HelpdeskError,
  type ConnectorOptions,
  type DeskTenant,
  type HelpdeskConnector,
  type HelpdeskPerson,
  type HelpdeskTicket,
} from './helpdesk.types';

/** The connector for a tenant's desk. Cheap to build: holds no connection, only the tenant's settings. */
export function createConnector(tenant: DeskTenant, opts: ConnectorOptions): HelpdeskConnector {
  return DESK_DESCRIPTORS[tenant.desk].createConnector(tenant, opts);
}
