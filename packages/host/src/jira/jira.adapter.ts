import { JiraIssueKeySchema, toColorScheme, type ColorScheme } from '@vouchsafe/contracts';
import { HostNotReadyError, withHostTimeout, type HostAdapter, type HostContext } from '../host-adapter.types';
import { loadForgeBridge, type BridgeLoader, type ForgeBridge, type ForgeContext } from './forge-bridge.types';

export interface JiraAdapter extends HostAdapter {
  readonly desk: 'jira';
}

export interface ConnectJiraOptions {
  loadBridge?: BridgeLoader;
  readyTimeoutMs?: number;
  document?: Document;
}

/**
 * Issue 14: with theming enabled, Jira sets `<html data-theme="dark:dark light:light" data-color-mode="dark">` on the
 * app's page and updates it when the user switches (developer.atlassian.com/platform/forge/design-tokens-and-theming).
 */
export const FORGE_COLOR_MODE_ATTRIBUTE = 'data-color-mode';

/** The page's `data-color-mode` as the scheme: current on every call, changes observed while someone listens. */
function colorModeOf(doc: Document): Pick<JiraAdapter, 'colorScheme' | 'onColorSchemeChange'> {
  const read = (): ColorScheme | undefined => toColorScheme(doc.documentElement.getAttribute(FORGE_COLOR_MODE_ATTRIBUTE));
  return {
    colorScheme: read,
    onColorSchemeChange(callback) {
      let last = read();
      const observer = new MutationObserver(() => {
        const next = read();
        if (next === undefined || next === last) return;
        last = next;
        callback(next);
      });
      observer.observe(doc.documentElement, { attributes: true, attributeFilter: [FORGE_COLOR_MODE_ATTRIBUTE] });
      return () => observer.disconnect();
    },
  };
}

const NOT_IN_JIRA = 'Open this panel from a request in Jira Service Management.';

function toHostContext(context: ForgeContext): HostContext {
  const key = JiraIssueKeySchema.safeParse(context.extension.issue?.key);
  if (!key.success) throw new HostNotReadyError(NOT_IN_JIRA, 'the Forge context has no issue key');
  return {
    desk: 'jira',
    tenantKey: context.cloudId ?? '',
    ticketId: key.data,
    // Forge gives the account id only; the API resolves names through the Jira REST API.
    agent: { id: context.accountId ?? '', name: '' },
    requester: null,
  };
}

/**
 * Connects through the Forge Custom UI bridge. No bridge API puts text into the JSM reply editor
 * (research §2.4), so the UI offers copy-to-clipboard instead; Forge sizes the panel itself.
 */
export async function connectJira(options: ConnectJiraOptions = {}): Promise<JiraAdapter> {
  let bridge: ForgeBridge;
  try {
    bridge = await (options.loadBridge ?? loadForgeBridge)();
  } catch (error) {
    throw new HostNotReadyError(NOT_IN_JIRA, `@forge/bridge could not load: ${error instanceof Error ? error.message : 'unknown error'}`);
  }
  const read = async (): Promise<HostContext> => toHostContext(await bridge.view.getContext());
  await withHostTimeout(read(), options.readyTimeoutMs ?? 10_000, 'Forge view.getContext');
  // Not awaited: Jira applies the theme when it can; the attribute observer picks it up. A refusal leaves the
  // sidebar on prefers-color-scheme.
  bridge.view.theme?.enable().catch(() => undefined);
  const doc = options.document ?? (globalThis as { document?: Document }).document;

  return {
    desk: 'jira',
    canInsertIntoReply: false,
    getContext: read,
    insertIntoReply: () => Promise.reject(new Error('Jira offers no way to put text into the reply; copy the link instead.')),
    resize: () => undefined,
    ...(doc && colorModeOf(doc)),
    onContextChange(callback) {
      let isActive = true;
      const subscription = bridge.events.on('JIRA_ISSUE_CHANGED', () => {
        if (isActive) read().then(callback, () => undefined);
      });
      return () => {
        isActive = false;
        subscription.then(
          (s) => s.unsubscribe(),
          () => undefined,
        );
      };
    },
  };
}
