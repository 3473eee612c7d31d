import type { Desk, SidebarApi, SidebarHost } from '@vouchsafe/contracts';

/**
 * What the desk says about the ticket the sidebar is open on. For display and for the session
 * request only: the API never trusts it. Identity comes from the host-signed token, and the
 * server looks the ticket and requester up through the desk's own API.
 */
export interface HostContext {
  desk: Desk;
  /** The desk account: Zendesk subdomain, ServiceNow instance, Atlassian cloudId. */
  tenantKey: string;
  /** Zendesk ticket id, ServiceNow `table:sys_id`, Jira issue key. */
  ticketId: string;
  agent: { id: string; name: string };
  /** The desk's id for the requester (never an email or phone), when the desk tells the sidebar. */
  requester: { ref: string } | null;
}

/** A help desk hosting the sidebar: what packages/ui needs (SidebarHost) plus what the session exchange needs. */
export interface HostAdapter extends SidebarHost {
  getContext(): Promise<HostContext>;
  /** Calls back with the fresh context when the desk reports a change; returns the unsubscribe function. */
  onContextChange(callback: (context: HostContext) => void): () => void;
  /**
   * The host-signed token the page received, where the desk hands one to the page (Zendesk signed
   * URL, ServiceNow fragment). Jira has none: Forge adds a fresh token to every remote call.
   */
  getHostToken?(): string | null;
}

/** What a sidebar entry hands to packages/ui (`SidebarRoot({ connect })`). */
export interface SidebarConnection {
  host: HostAdapter;
  api: SidebarApi;
}

/**
 * The page is not running inside the desk (no SDK, no signed token, no bridge), or the desk
 * never answered. The UI shows "host not ready"; the message is for agents.
 */
export class HostNotReadyError extends Error {
  override name = 'HostNotReadyError';
  constructor(
    message: string,
    /** Private detail for developers; never shown to agents. */
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** Rejects after `ms` with a HostNotReadyError: the desk did not answer in time. */
export function withHostTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new HostNotReadyError('The help desk did not answer. Reload the ticket to try again.', `${what} timed out after ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
