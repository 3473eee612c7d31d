/** Types for `@duosecurity/duo_api` 1.5.0 (CommonJS, ships none): only what the Duo provider uses. */
declare module '@duosecurity/duo_api' {
  type Params = Record<string, string | string[]>;
  interface Client {
    /** Signs and sends the request; calls back with the raw body, or `{"stat":"ERROR","message":…}` on a network error. */
    apiCall(method: string, path: string, params: Params, callback: (body: string) => void): void;
  }
  type ClientConstructor = new (ikey: string, skey: string, host: string, sigVersion?: number) => Client;
  const duoApi: { Client: ClientConstructor; SIGNATURE_VERSION_2: number; SIGNATURE_VERSION_5: number };
  export default duoApi;
}
