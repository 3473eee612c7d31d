import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';

/**
 * Reroutes Duo API hosts (api-XXXXXXXX.duosecurity.com) to the local Duo stand-in, in this process only.
 *
 * Both Duo SDKs force HTTPS and pin Duo's public CAs (`@duosecurity/duo_api` passes `ca` to https.request;
 * `@duosecurity/duo_universal` gives axios an https.Agent with the pinned CAs and an http agent that throws), so they
 * cannot be pointed at a plain-HTTP localhost. Loading this module replaces `https.request` / `https.get`: requests
 * for a Duo host go to the stand-in over plain HTTP with the same method, path, headers and body (the Host header
 * stays the Duo host, so signatures and token issuers are computed exactly as against Duo); everything else goes
 * to the real https.request untouched.
 *
 * Load it with `node --import <DUO_INTERCEPT_MODULE>` (startApi's `imports` option) and set
 * VOUCHSAFE_TEST_DUO_STANDIN=http://127.0.0.1:PORT, or import it in a test and call setDuoStandIn(url).
 * Production code never imports it: the SDKs there talk to Duo as shipped.
 */

const DUO_HOST = /^api-[a-z0-9]+\.duo(?:security|federal)\.com$/i;
const ENV = 'VOUCHSAFE_TEST_DUO_STANDIN';
const INSTALLED = Symbol.for('vouchsafe.test.duoIntercept');

let standIn: string | undefined;

/** Where Duo requests go from now on (undefined: back to VOUCHSAFE_TEST_DUO_STANDIN). */
export function setDuoStandIn(url: string | undefined): void {
  standIn = url;
}

function target(): URL | undefined {
  const url = standIn ?? process.env[ENV];
  return url ? new URL(url) : undefined;
}

type RequestArgs = Parameters<typeof https.request>;
type Callback = (res: http.IncomingMessage) => void;

interface Parsed {
  options: https.RequestOptions;
  callback: Callback | undefined;
}

function parseArgs(args: unknown[]): Parsed {
  const [a, b, c] = args;
  if (typeof a === 'string' || a instanceof URL) {
    const url = typeof a === 'string' ? new URL(a) : a;
    const fromUrl: https.RequestOptions = { hostname: url.hostname, port: url.port || undefined, path: `${url.pathname}${url.search}` };
    if (typeof b === 'function') return { options: fromUrl, callback: b as Callback };
    return { options: { ...fromUrl, ...((b as https.RequestOptions | undefined) ?? {}) }, callback: c as Callback | undefined };
  }
  return { options: (a as https.RequestOptions | undefined) ?? {}, callback: b as Callback | undefined };
}

function hostOf(options: https.RequestOptions): string {
  const raw = options.hostname ?? options.host ?? '';
  return raw.replace(/:\d+$/, '').toLowerCase();
}

export function installDuoIntercept(): void {
  const marked = https as unknown as Record<symbol, boolean>;
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  const original = https.request.bind(https);

  const request = (...args: RequestArgs): http.ClientRequest => {
    const { options, callback } = parseArgs(args);
    const host = hostOf(options);
    if (!DUO_HOST.test(host)) return original(...args);
    const destination = target();
    if (!destination) throw new Error(`duo-intercept: a request for ${host} but no stand-in (set ${ENV} or call setDuoStandIn)`);
    const headers: http.OutgoingHttpHeaders = { ...(options.headers as http.OutgoingHttpHeaders | undefined) };
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) headers.host = host;
    const prefix = destination.pathname.replace(/\/+$/, '');
    return http.request(
      {
        protocol: 'http:',
        hostname: destination.hostname,
        port: destination.port || 80,
        method: options.method ?? 'GET',
        path: `${prefix}${options.path ?? '/'}`,
        headers,
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      callback,
    );
  };
  const get = (...args: RequestArgs): http.ClientRequest => {
    const req = request(...args);
    req.end();
    return req;
  };
  https.request = request as typeof https.request;
  https.get = get as typeof https.get;
  // `import { request } from 'node:https'` bindings follow the patched module object.
  syncBuiltinESMExports();
}

installDuoIntercept();
