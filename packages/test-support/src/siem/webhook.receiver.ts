import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { createLoopbackServer, type LoopbackTls } from '../ports';

/**
 * A Standard Webhooks receiver that checks every delivery's signature with the spec's reference library
 * (`standardwebhooks` on npm: HMAC-SHA256 over "<id>.<timestamp>.<body>", the timestamp within 5 minutes), so the
 * sender's signing is checked by code we did not write. Faults: `outage(ms)` answers 503, `hang()` holds requests
 * until `release()`, `dropReplies(n)` takes the delivery and then drops the connection without an answer.
 */

export interface WebhookDelivery {
  id: string;
  timestamp: string;
  /** The parsed body, when the signature verified. */
  payload: unknown;
  isVerified: boolean;
}

export interface WebhookReceiver {
  url: string;
  /** `whsec_<base64>`: give it to the sender. */
  secret: string;
  /** Every delivery, in arrival order (duplicates and refused ones included). */
  readonly deliveries: WebhookDelivery[];
  /** Accepted (verified) deliveries' ids. */
  ids(): string[];
  outage(ms: number): void;
  hang(): void;
  release(): void;
  dropReplies(n: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { tls?: LoopbackTls; secret?: string } = {}): Promise<WebhookReceiver> {
  const secret = options.secret ?? `whsec_${randomBytes(32).toString('base64')}`;
  const verifier = new Webhook(secret);
  const deliveries: WebhookDelivery[] = [];
  let outageUntil = 0;
  let isHanging = false;
  let drop = 0;
  const held: (() => void)[] = [];

  const server = createLoopbackServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const handle = () => {
        if (Date.now() < outageUntil) {
          res.writeHead(503).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = {
          'webhook-id': String(req.headers['webhook-id'] ?? ''),
          'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
          'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
        };
        let payload: unknown;
        let isVerified = false;
        try {
          payload = verifier.verify(body, headers);
          isVerified = true;
        } catch {
          payload = undefined;
        }
        deliveries.push({ id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], payload, isVerified });
        if (!isVerified) {
          res.writeHead(401).end();
          return;
        }
        if (drop > 0) {
          drop -= 1;
          req.socket.destroy();
          return;
        }
        res.writeHead(204).end();
      };
      if (isHanging) held.push(handle);
      else handle();
    });
  }, options.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/siem`,
    secret,
    deliveries,
    ids: () => deliveries.filter((d) => d.isVerified).map((d) => d.id),
    outage: (ms) => {
      outageUntil = Date.now() + ms;
    },
    hang: () => {
      isHanging = true;
    },
    release: () => {
      isHanging = false;
      for (const h of held.splice(0)) h();
    },
    dropReplies: (n) => {
      drop = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        isHanging = false;
        held.splice(0);
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
