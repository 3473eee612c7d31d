import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import express from 'express';
import { testCa } from './tls';

/**
 * A TCP port that is free on 127.0.0.1 right now (the kernel picks it when we bind port 0). Another process can
 * take it before the caller binds it, so callers that start servers retry on a bind failure.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a listening socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function isPortOpen(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A router served by its own HTTP server on 127.0.0.1 at a port the kernel picks (no free-port race). */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, or `https://…` when served over TLS. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serve over https with a certificate from this process's throwaway CA (`testCa()`), for production-mode tests (the
 * API requires https there): `true`, or the extra host names the certificate must name besides 127.0.0.1, ::1 and
 * localhost. Clients trust `testCa().certFile` (NODE_EXTRA_CA_CERTS) or `testCa().certPem`.
 */
export type LoopbackTls = boolean | { hostnames: readonly string[] };

export interface ServeOptions {
  tls?: LoopbackTls;
}

/** An http or https server for `app` (not listening yet). */
export function createLoopbackServer(app: http.RequestListener, tls: LoopbackTls | undefined): http.Server {
  if (!tls) return http.createServer(app);
  return https.createServer(testCa().issue(tls === true ? [] : tls.hostnames), app);
}

export async function serveOnLoopback(router: express.RequestHandler, options: ServeOptions = {}): Promise<LoopbackServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(router);
  const server = createLoopbackServer(app, options.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
