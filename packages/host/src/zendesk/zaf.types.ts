/**
 * The slice of the ZAF SDK client the sidebar uses. Production loads the SDK from Zendesk's CDN
 * (a plain script that defines the global `ZAFClient`); tests and the demo load a bundle of the npm
 * `zendesk_app_framework_sdk` from the API. Both speak the postMessage protocol in research §1.6.
 */
export interface ZafContext {
  location?: string;
  account?: { subdomain?: string };
  ticketId?: number | string;
}

export interface ZafClient {
  /** Array form: answers `{ [path]: value, errors: { [path]: {...} } }` and never throws for a path. */
  get(paths: string[]): Promise<Record<string, unknown>>;
  /** Object form: answers `{ [path]: value, errors: { [path]: {...} } }`. */
  set(values: Record<string, unknown>): Promise<Record<string, unknown>>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  /**
   * A handler's return value matters only for hook events (`ticket.save`): the SDK (lib/utils.js `when`) cancels the
   * save when it returns false, a string or an Error, throws, or returns a promise that rejects (the rejection's
   * message is posted back as `iframe.reply:ticket.save` `{error: {msg}}`). A promise that RESOLVES lets the save go
   * on, whatever value it resolves with (even false).
   */
  on(name: string, handler: (data?: unknown) => unknown): void;
  off(name: string, handler: (data?: unknown) => unknown): void;
  /** Resolves once the desk registered the app (`app.registered`), with its context. */
  context(): Promise<ZafContext>;
  /** The app's metadata (`appId`, `installationId`, settings …), from the same `app.registered`. */
  metadata?(): Promise<{ appId?: number }>;
  /** Zendesk's proxy to its own API, with the agent's session (here only apps/notify.json). */
  request?(options: { url: string; type: string; contentType: string; data: string }): Promise<unknown>;
}

export interface ZafClientStatic {
  /** False when the page URL has no `origin`/`app_guid`: not running inside Zendesk. */
  init(): ZafClient | false;
}
