import { API_PATHS, SidebarApiError } from '@vouchsafe/contracts';
import { createSidebarApi, type SessionExchange, type SidebarApiOptions } from '../api/sidebar-api.client';
import { SESSION_REJECTED_MESSAGE } from '../api/sidebar-api.errors';
import { apiTransports } from '../api/fetch.transport';
import type { SidebarConnection } from '../host-adapter.types';
import { connectServiceNow, type ConnectServiceNowOptions, type ServiceNowAdapter } from './servicenow.adapter';

export { connectServiceNow, type ConnectServiceNowOptions, type InsertReplyMessage, type ServiceNowAdapter } from './servicenow.adapter';

/** POST /api/v1/sessions/servicenow { token, table, sysId }. */
export function serviceNowExchange(adapter: ServiceNowAdapter): () => Promise<SessionExchange> {
  return () => {
    const token = adapter.getHostToken();
    // No token: the page was reloaded after the fragment was scrubbed, or opened outside the workspace.
    if (!token) return Promise.reject(new SidebarApiError('session_rejected', SESSION_REJECTED_MESSAGE));
    return Promise.resolve({
      path: API_PATHS.session('servicenow'),
      body: { token, table: adapter.record.table, sysId: adapter.record.sysId },
    });
  };
}

/** Everything the ServiceNow entry needs: `SidebarRoot({ connect: connectServiceNowSidebar })`. */
export function connectServiceNowSidebar(
  options: ConnectServiceNowOptions & Partial<Pick<SidebarApiOptions, 'transport' | 'stream'>> = {},
): Promise<SidebarConnection> {
  try {
    const host = connectServiceNow(options);
    const api = createSidebarApi({ ...apiTransports(options), exchange: serviceNowExchange(host) });
    return Promise.resolve({ host, api });
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
