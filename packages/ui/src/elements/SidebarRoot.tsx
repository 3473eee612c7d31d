import { useEffect, useRef, useState } from 'react';
import type { SidebarApi, SidebarHost } from '@vouchsafe/contracts';
import { messages } from '../messages';
import { SidebarFrame } from './SidebarFrame';
import { StateNotice } from './StateNotice';
import { TicketSidebar } from './TicketSidebar';

export interface SidebarConnection {
  host: SidebarHost;
  api: SidebarApi;
}

export interface SidebarRootProps {
  /** Initialises the host SDK and builds the API client. Called once. */
  connect: () => Promise<SidebarConnection>;
  /** "Zendesk", "ServiceNow", "Jira": named in the host-not-ready sentence. */
  deskName: string;
  /** How long the host gets to answer before the sidebar gives up. */
  connectTimeoutMs?: number;
}

type Connection = { state: 'loading' } | { state: 'host-not-ready' } | { state: 'ready'; value: SidebarConnection };

export const CONNECT_TIMEOUT_MS = 10_000;

/** Renders nothing of the sidebar until the host is ready; says so plainly when it never is. */
export function SidebarRoot({ connect, deskName, connectTimeoutMs = CONNECT_TIMEOUT_MS }: SidebarRootProps) {
  const [connection, setConnection] = useState<Connection>({ state: 'loading' });
  // One connection per mount, even when StrictMode runs the effect twice: host SDKs initialise once.
  const pending = useRef<Promise<SidebarConnection>>(undefined);

  useEffect(() => {
    let isSettled = false;
    const settle = (next: Connection): void => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      setConnection(next);
    };
    const timer = setTimeout(() => settle({ state: 'host-not-ready' }), connectTimeoutMs);
    pending.current ??= connect();
    pending.current.then(
      (value) => settle({ state: 'ready', value }),
      () => settle({ state: 'host-not-ready' }),
    );
    return () => {
      isSettled = true;
      clearTimeout(timer);
    };
  }, [pending, connectTimeoutMs]);

  if (connection.state === 'ready') return <TicketSidebar host={connection.value.host} api={connection.value.api} />;
  return (
    <SidebarFrame state={connection.state}>
      {connection.state === 'loading' ? (
        <StateNotice text={messages.loading} isLoading />
      ) : (
        <StateNotice text={messages.hostNotReady(deskName)} />
      )}
    </SidebarFrame>
  );
}
