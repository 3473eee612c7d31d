export { HostNotReadyError, type HostAdapter, type HostContext, type SidebarConnection } from './host-adapter.types';
export { createSidebarApi, type SessionExchange, type SidebarApiClient, type SidebarApiOptions } from './api/sidebar-api.client';
export { apiTransports, fetchStreamTransport, fetchTransport } from './api/fetch.transport';
export { createSseParser, type SseEvent, type SseParser } from './api/sse-parser';
export {
  DEFAULT_STREAM_TIMING,
  POLL_INTERVAL_MS as VERIFICATION_POLL_INTERVAL_MS,
  type StreamTiming,
} from './api/verification-subscription';
export type { StreamResponse, StreamTransport, Transport, TransportRequest, TransportResponse } from './api/transport.types';
