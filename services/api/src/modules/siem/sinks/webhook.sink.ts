import { createHmac } from 'node:crypto';
import { SIEM_WEBHOOK_TYPES, type SiemRecord, type SiemWebhookPayload } from '@vouchsafe/contracts';
import type { OutboundFetch } from '../../../lib/outbound';
import { recordTime } from '../siem-record';
import { describeFailure, SinkError, type SendResult, type Sink } from './sink.types';

/**
 * An HTTPS webhook signed per Standard Webhooks 1.0 (standard-webhooks spec; confirmed): headers `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`,
 * where the key is the base64 after `whsec_`. One record per delivery and `webhook-id` = the record's stable id, so a
 * retry carries the same id (the spec's idempotency key). Records of a batch go out one after another, in chain order;
 * a failure stops the batch there (what went through stays forwarded). Through the outbound guard (S12); any 2xx is
 * success, redirects are refused.
 */

export interface WebhookSinkOptions {
  url: string;
  /** `whsec_<base64>`. */
  secret: string;
  fetch: OutboundFetch;
  now?: () => number;
}

export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

export function webhookPayload(record: SiemRecord): SiemWebhookPayload {
  return { type: SIEM_WEBHOOK_TYPES[record.kind], timestamp: recordTime(record), data: record };
}

export function createWebhookSink(o: WebhookSinkOptions): Sink {
  const now = o.now ?? Date.now;
  return {
    name: 'webhook',
    async send(records, signal): Promise<SendResult> {
      let accepted = 0;
      for (const record of records) {
        if (signal.aborted) break; // the batch's time is up: what went through counts, the rest goes next time
        const body = JSON.stringify(webhookPayload(record));
        const timestamp = Math.floor(now() / 1000);
        try {
          const res = await o.fetch(o.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': record.id,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': signStandardWebhook(o.secret, record.id, timestamp, body),
            },
            body,
            signal,
          });
          await res.arrayBuffer().catch(() => undefined);
          if (res.status < 200 || res.status > 299) {
            const kind = res.status >= 500 || res.status === 429 ? 'unavailable' : 'rejected';
            return { accepted, error: new SinkError(kind, `webhook receiver answered ${res.status}`) };
          }
          accepted += 1;
        } catch (err) {
          return { accepted, error: describeFailure(err, 'webhook receiver') };
        }
      }
      return { accepted };
    },
    close: () => Promise.resolve(),
  };
}
