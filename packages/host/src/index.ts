export { HostNotReadyError, type HostAdapter, type HostContext, type SidebarConnection } from './host-adapter.types';
export { createSidebarApi, type SessionExchange, type SidebarApiClient, type SidebarApiOptions } from './api/sidebar-api.client';
export { fetchTransport } from './api/fetch.transport';
export type { Transport, TransportRequest, TransportResponse } from './api/transport.types';
