import { ServiceNowSysIdSchema, ServiceNowTableSchema } from '@vouchsafe/contracts';
import { HostNotReadyError, type HostAdapter, type HostContext } from '../host-adapter.types';

/** The message a workspace-side listener receives to put text into the compose box (UNCONFIRMED on real instances). */
export interface InsertReplyMessage {
  type: 'vouchsafe:insert-reply';
  text: string;
}

export interface ServiceNowAdapter extends HostAdapter {
  readonly desk: 'servicenow';
  /** The instance-minted JWT from the URL fragment (already scrubbed from the address bar). */
  getHostToken(): string | null;
  /** The record the workspace shows, as the session request needs it. */
  readonly record: { table: string; sysId: string };
}

export interface ConnectServiceNowOptions {
  location?: Pick<Location, 'href'>;
  history?: Pick<History, 'replaceState' | 'state'>;
  /** Where insert-reply messages go; defaults to window.parent. */
  parent?: Pick<Window, 'postMessage'>;
}

const NOT_IN_SERVICENOW = 'Open this sidebar from a record in ServiceNow.';

/** Claims read (unverified, for display only) from the instance JWT. The API verifies the token. */
function peekClaims(token: string): { iss: string; sub: string; name: string } {
  const empty = { iss: '', sub: '', name: '' };
  const payload = token.split('.')[1];
  if (!payload) return empty;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))) as Record<string, unknown>;
    const text = (key: string): string => (typeof claims[key] === 'string' ? claims[key] : '');
    return { iss: text('iss'), sub: text('sub'), name: text('name') };
  } catch {
    return empty;
  }
}

/** The parent origin for insert-reply messages: an exact https origin (http only on loopback, for the stand-in). */
function parentOrigin(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    const isLoopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
    if (url.origin !== value || !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback))) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Reads the context the workspace put in the iframe URL:
 * `…/apps/servicenow/?table=incident&sys_id=<32 hex>&origin=<workspace origin>[&reply=postmessage]#token=<JWT>`.
 * The token is taken out of the address bar at once (history.replaceState), so it is not kept in
 * session history. Reply insertion is only offered when the URL opts in with `reply=postmessage`:
 * no documented workspace listener exists, so by default the UI offers copy.
 */
export function connectServiceNow(options: ConnectServiceNowOptions = {}): ServiceNowAdapter {
  const url = new URL((options.location ?? window.location).href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const token = fragment.get('token');
  if (url.hash !== '') {
    const history = options.history ?? window.history;
    history.replaceState(history.state, '', `${url.pathname}${url.search}`);
  }
  const table = ServiceNowTableSchema.safeParse(url.searchParams.get('table'));
  const sysId = ServiceNowSysIdSchema.safeParse(url.searchParams.get('sys_id'));
  if (!table.success || !sysId.success) {
    throw new HostNotReadyError(NOT_IN_SERVICENOW, 'the iframe URL has no valid table and sys_id');
  }
  const origin = parentOrigin(url.searchParams.get('origin'));
  const canInsert = url.searchParams.get('reply') === 'postmessage' && origin !== null;
  const claims = token ? peekClaims(token) : { iss: '', sub: '', name: '' };
  const context: HostContext = {
    desk: 'servicenow',
    tenantKey: claims.iss,
    ticketId: `${table.data}:${sysId.data}`,
    agent: { id: claims.sub, name: claims.name },
    // The caller is looked up server-side; the iframe URL does not carry it.
    requester: null,
  };

  return {
    desk: 'servicenow',
    canInsertIntoReply: canInsert,
    record: { table: table.data, sysId: sysId.data },
    getHostToken: () => token,
    getContext: () => Promise.resolve(context),
    async insertIntoReply(text: string): Promise<void> {
      if (!canInsert || origin === null) throw new Error('This workspace does not accept text from the sidebar; copy the link instead.');
      const message: InsertReplyMessage = { type: 'vouchsafe:insert-reply', text };
      (options.parent ?? window.parent).postMessage(message, origin);
    },
    // The workspace sizes its sidebar tab; nothing to ask for.
    resize: () => undefined,
    // A different record means a new iframe URL (new token), so the page reloads; nothing changes in place.
    onContextChange: () => () => undefined,
  };
}
