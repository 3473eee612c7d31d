import { toColorScheme, type BeforeSaveVerdict, type ColorScheme, type DraftHook } from '@vouchsafe/contracts';
import { HostNotReadyError, withHostTimeout, type HostAdapter, type HostContext } from '../host-adapter.types';
import type { ZafClient, ZafClientStatic } from './zaf.types';

export const HOST_TOKEN_META = 'vouchsafe-host-token';

/**
 * Events after which the sidebar re-reads the ticket (the sidebar instance itself is per ticket). Only documented
 * ones: `ticket.requester.id.changed` is in Zendesk's ticket sidebar event list, `context.updated` is the event the
 * official SDK itself listens to (lib/client.js). `ticket.requester.changed` is not documented: never fired.
 */
const ZENDESK_CONTEXT_EVENTS = ['ticket.requester.id.changed', 'context.updated'] as const;

/**
 * Issue 14: the agent's colour scheme (Zendesk Support's dark mode). `client.get('colorScheme')` answers
 * `{ colorScheme: 'light' | 'dark' }` and `colorScheme.changed` delivers the new scheme, as apps built with Zendesk's
 * App Builder use them. UNCONFIRMED: neither is in the SDK source (it passes any path/event through) nor in the
 * Core API pages we could read; an account without it answers a path error, and the sidebar then follows
 * `prefers-color-scheme`. See packages/host/NOTES.md.
 */
export const ZENDESK_COLOR_SCHEME_PATH = 'colorScheme';
export const ZENDESK_COLOR_SCHEME_EVENT = 'colorScheme.changed';

/** The event's payload is the scheme itself; an object `{ colorScheme }` is accepted too. */
const schemeOf = (data: unknown): ColorScheme | undefined =>
  toColorScheme(typeof data === 'object' && data !== null ? (data as { colorScheme?: unknown }).colorScheme : data);

async function readColorScheme(client: ZafClient): Promise<ColorScheme | undefined> {
  try {
    return toColorScheme((await client.get([ZENDESK_COLOR_SCHEME_PATH]))[ZENDESK_COLOR_SCHEME_PATH]);
  } catch {
    return undefined;
  }
}

export interface ZendeskAdapter extends HostAdapter {
  readonly desk: 'zendesk';
  /** The signed-URL JWT the API injected into the page (read once, then removed from the DOM). */
  getHostToken(): string | null;
}

export interface ConnectZendeskOptions {
  /** Defaults to the global `ZAFClient` defined by the SDK script. */
  zaf?: ZafClientStatic;
  document?: Document;
  /** How long to wait for the desk's `app.registered`. */
  readyTimeoutMs?: number;
}

const NOT_IN_ZENDESK = 'Open this sidebar from a ticket in Zendesk.';

/**
 * Issue 16: the app-to-app notification an override request sends (`POST /api/v2/apps/notify.json`, event
 * `api_notification.<name>` on the receiving instances; shapes from Zendesk's example app
 * github.com/zendesk/app-notification-send-receive). The body carries nothing identifying: the receiving
 * supervisor's sidebar re-reads its queue from our API, which decides who may see what.
 */
export const OVERRIDE_REQUESTED_EVENT = 'vouchsafe_override_requested';

/** Takes the host token out of the page so nothing later (extensions, error reporters) reads it from the DOM. */
export function takeHostToken(doc: Document): string | null {
  const meta = doc.querySelector<HTMLMetaElement>(`meta[name="${HOST_TOKEN_META}"]`);
  if (!meta) return null;
  const token = meta.content;
  meta.remove();
  return token === '' ? null : token;
}

function globalZaf(): ZafClientStatic | undefined {
  return (globalThis as { ZAFClient?: ZafClientStatic }).ZAFClient;
}

function idOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'number' || (typeof id === 'string' && id !== '') ? String(id) : null;
}

function nameOf(value: unknown): string {
  const name = typeof value === 'object' && value !== null ? (value as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : '';
}

async function readContext(client: ZafClient, subdomain: string): Promise<HostContext> {
  const data = await client.get(['ticket.id', 'ticket.requester', 'currentUser']);
  const ticketId = data['ticket.id'];
  if (typeof ticketId !== 'number' && typeof ticketId !== 'string') {
    throw new HostNotReadyError(NOT_IN_ZENDESK, 'ZAF answered no ticket.id (not a ticket_sidebar location?)');
  }
  const requesterId = idOf(data['ticket.requester']);
  return {
    desk: 'zendesk',
    tenantKey: subdomain,
    ticketId: String(ticketId),
    agent: { id: idOf(data.currentUser) ?? '', name: nameOf(data.currentUser) },
    requester: requesterId ? { ref: requesterId } : null,
  };
}

/** The ZAF hook event fired when the agent submits the ticket (Ticket sidebar "Hook events"). */
export const SAVE_HOOK_EVENT = 'ticket.save';
/** The reply draft (Comment object: `comment.text`, get and set). */
const DRAFT_PATH = 'comment.text';

/**
 * Issue 12: the ZAF save hook. ZAF calls the `ticket.save` handler with no argument and waits for it; the handler
 * reads the draft (`comment.text`), runs the sidebar's check and answers: a resolved promise lets the save go on, a
 * promise rejected (with a string or an Error, whose message the SDK posts) cancels it and Zendesk shows the text to the agent (lib/client.js
 * `postReplyWith`). The check never waits for the agent: a held reply is cancelled at once and the agent saves again
 * after choosing (how long Zendesk itself would wait for a pending hook is UNCONFIRMED, so nothing relies on it).
 * A draft that cannot be read, or a check that throws, lets the save go on: the after-save scan (desk webhooks)
 * is the second line, and a sidebar fault must not stop an agent from answering (packages/host/NOTES.md).
 */
export function zendeskDraftHook(client: Pick<ZafClient, 'get' | 'set' | 'on' | 'off'>): DraftHook {
  const readDraft = async (): Promise<string> => {
    const data = await client.get([DRAFT_PATH]);
    const value = data[DRAFT_PATH];
    return typeof value === 'string' ? value : '';
  };
  return {
    readDraft,
    async replaceDraft(text: string): Promise<void> {
      const answer = await client.set({ [DRAFT_PATH]: text });
      const errors = (answer as { errors?: Record<string, unknown> }).errors;
      if (errors && Object.keys(errors).length > 0) throw new Error('Zendesk did not accept the new reply text.');
    },
    onBeforeSave(check: (draft: string) => BeforeSaveVerdict): () => void {
      const handler = async (): Promise<void> => {
        let verdict: BeforeSaveVerdict;
        try {
          verdict = check(await readDraft());
        } catch {
          return; // fail open, see above
        }
        // The SDK posts a rejection's `message` back ({error: {msg}}): the save is cancelled and Zendesk shows it.
        if (!verdict.isAllowed) throw new Error(verdict.message);
      };
      client.on(SAVE_HOOK_EVENT, handler);
      return () => client.off(SAVE_HOOK_EVENT, handler);
    },
  };
}

/**
 * Connects to the Zendesk agent workspace through ZAF. Rejects with HostNotReadyError when the
 * SDK is missing, the URL lacks ZAF's origin/app_guid, or the desk never registers the app.
 */
export async function connectZendesk(options: ConnectZendeskOptions = {}): Promise<ZendeskAdapter> {
  const doc = options.document ?? document;
  const hostToken = takeHostToken(doc);
  const zaf = options.zaf ?? globalZaf();
  if (!zaf) throw new HostNotReadyError(NOT_IN_ZENDESK, 'the ZAF SDK script did not define ZAFClient');
  const client = zaf.init();
  if (!client) throw new HostNotReadyError(NOT_IN_ZENDESK, 'ZAFClient.init() returned false: no origin/app_guid in the URL');
  const registered = await withHostTimeout(client.context(), options.readyTimeoutMs ?? 10_000, 'ZAF app.registered');
  const subdomain = registered.account?.subdomain ?? '';
  const [metadata, initialScheme] = await Promise.all([client.metadata?.().catch(() => undefined), readColorScheme(client)]);
  const appId = metadata?.appId;
  const canNotify = typeof appId === 'number' && client.request !== undefined;

  // Subscribed for the life of the page, so colorScheme() is current whenever the UI asks.
  let scheme = initialScheme;
  const schemeListeners = new Set<(scheme: ColorScheme) => void>();
  client.on(ZENDESK_COLOR_SCHEME_EVENT, (data) => {
    const next = schemeOf(data);
    if (next === undefined || next === scheme) return;
    scheme = next;
    for (const listener of schemeListeners) listener(next);
  });

  return {
    desk: 'zendesk',
    canInsertIntoReply: true,
    getHostToken: () => hostToken,
    draftHook: zendeskDraftHook(client),
    getContext: () => readContext(client, subdomain),
    colorScheme: () => scheme,
    onColorSchemeChange(callback) {
      schemeListeners.add(callback);
      return () => schemeListeners.delete(callback);
    },
    async insertIntoReply(text: string): Promise<void> {
      await client.invoke('ticket.comment.appendText', text);
    },
    resize(heightPx: number): void {
      const height = Math.max(1, Math.ceil(heightPx));
      void client.invoke('resize', { width: '100%', height: `${height}px` }).catch(() => undefined);
    },
    ...(canNotify && {
      async notifyOverrideRequested(): Promise<void> {
        await client.request!({
          url: '/api/v2/apps/notify.json',
          type: 'POST',
          contentType: 'application/json',
          data: JSON.stringify({ app_id: appId, event: OVERRIDE_REQUESTED_EVENT, body: { kind: 'override_requested' } }),
        });
      },
      onOverrideRequested(callback: () => void): () => void {
        const handler = (): void => callback();
        client.on(`api_notification.${OVERRIDE_REQUESTED_EVENT}`, handler);
        return () => client.off(`api_notification.${OVERRIDE_REQUESTED_EVENT}`, handler);
      },
    }),
    onContextChange(callback) {
      const handler = (): void => {
        readContext(client, subdomain).then(callback, () => undefined);
      };
      for (const event of ZENDESK_CONTEXT_EVENTS) client.on(event, handler);
      return () => {
        for (const event of ZENDESK_CONTEXT_EVENTS) client.off(event, handler);
      };
    },
  };
}
