import { API_PATHS } from '@vouchsafe/contracts';
import { createSidebarApi, type SessionExchange, type SidebarApiOptions } from '../api/sidebar-api.client';
import type { SidebarConnection } from '../host-adapter.types';
import { forgeTransport } from './forge.transport';
import { connectJira, type ConnectJiraOptions, type JiraAdapter } from './jira.adapter';

export { connectJira, type ConnectJiraOptions, type JiraAdapter } from './jira.adapter';
export { forgeTransport } from './forge.transport';
export { loadForgeBridge, type BridgeLoader, type ForgeBridge, type ForgeContext } from './forge-bridge.types';

/** The `remotes` key in apps/jira/manifest.yml. */
export const VOUCHSAFE_REMOTE_KEY = 'vouchsafe';

/** POST /api/v1/sessions/jira { issueKey }; the Forge Invocation Token rides in Authorization (added by Forge). */
export function jiraExchange(adapter: JiraAdapter): () => Promise<SessionExchange> {
  return async () => {
    const { ticketId } = await adapter.getContext();
    return { path: API_PATHS.session('jira'), body: { issueKey: ticketId } };
  };
}

/** Everything the Jira entry needs: `SidebarRoot({ connect: connectJiraSidebar })`. */
export async function connectJiraSidebar(
  options: ConnectJiraOptions & Partial<Pick<SidebarApiOptions, 'transport'>> = {},
): Promise<SidebarConnection> {
  const host = await connectJira(options);
  const transport = options.transport ?? forgeTransport(VOUCHSAFE_REMOTE_KEY, options.loadBridge);
  // No stream: requestRemote resolves only with the whole answer, so verifications are polled (NOTES.md).
  return { host, api: createSidebarApi({ transport, exchange: jiraExchange(host) }) };
}
