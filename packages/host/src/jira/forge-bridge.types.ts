/**
 * The slice of `@forge/bridge` the sidebar uses. The module throws on import when the page is
 * not inside Forge (no `window.__bridge`), so it is always loaded lazily through a BridgeLoader.
 */
export interface ForgeContext {
  accountId?: string;
  cloudId?: string;
  extension: { issue?: { key?: unknown } } & Record<string, unknown>;
}

export interface ForgeBridge {
  view: {
    getContext(): Promise<ForgeContext>;
    /**
     * Issue 14: Forge's opt-in theming (`view.theme.enable()`, @forge/bridge 7.2.0 out/view/theme.js calls the
     * bridge op `enableTheming`): Jira then keeps `data-color-mode` on this page's `<html>` in step with its theme.
     */
    theme?: { enable(): Promise<void> };
  };
  events: { on(event: string, callback: (payload?: unknown) => unknown): Promise<{ unsubscribe(): void }> };
  requestRemote(
    remoteKey: string,
    init?: { path?: string; method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<Response>;
}

export type BridgeLoader = () => Promise<ForgeBridge>;

export const loadForgeBridge: BridgeLoader = async () => {
  const bridge = await import('@forge/bridge');
  return { view: bridge.view, events: bridge.events, requestRemote: bridge.requestRemote };
};
