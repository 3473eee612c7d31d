import { createSidebarApi, type SessionExchange, type SidebarApiOptions } from '../api/sidebar-api.client';
import { apiTransports } from '../api/fetch.transport';
import { API_PATHS, SidebarApiError } from '@vouchsafe/contracts';
import { SESSION_REJECTED_MESSAGE } from '../api/sidebar-api.errors';
import type { SidebarConnection } from '../host-adapter.types';
import { connectZendesk, type ConnectZendeskOptions, type ZendeskAdapter } from './zendesk.adapter';

export { connectZendesk, takeHostToken, HOST_TOKEN_META, type ConnectZendeskOptions, type ZendeskAdapter } from './zendesk.adapter';
export type { ZafClient, ZafClientStatic, ZafContext } from './zaf.types';

/** POST /api/v1/sessions/zendesk { token, ticketId }: the signed-URL JWT plus the ticket ZAF reports. */
export function zendeskExchange(adapter: ZendeskAdapter): () => Promise<SessionExchange> {
  return async () => {
    const token = adapter.getHostToken();
    // No token: the page was loaded without Zendesk's signed POST (a reload, or opened directly).
    if (!token) throw new SidebarApiError('session_rejected', SESSION_REJECTED_MESSAGE);
    const { ticketId } = await adapter.getContext();
    return { path: API_PATHS.session('zendesk'), body: { token, ticketId } };
  };
}

/** Everything the Zendesk entry needs: `SidebarRoot({ connect: connectZendeskSidebar })`. */
export async function connectZendeskSidebar(
  options: ConnectZendeskOptions & Partial<Pick<SidebarApiOptions, 'transport' | 'stream'>> = {},
): Promise<SidebarConnection> {
  const host = await connectZendesk(options);
  const api = createSidebarApi({ ...apiTransports(options), exchange: zendeskExchange(host) });
  return { host, api };
}
