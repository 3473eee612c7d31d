import { randomUUID } from 'node:crypto';
import type { SiemRecord } from '@vouchsafe/contracts';
import type { OutboundFetch } from '../../../lib/outbound';
import { recordTime } from '../siem-record';
import { describeFailure, SinkError, type SendResult, type Sink } from './sink.types';

/**
 * Splunk HTTP Event Collector, JSON event endpoint (Splunk docs, "Format events for HTTP Event Collector"; confirmed):
 * `POST /services/collector/event`, `Authorization: Splunk <token>`, a batch = event envelopes one after another in
 * one body, each `{time, host, source, sourcetype, index?, event}` with `time` in epoch seconds (milliseconds as
 * decimals). Success is HTTP 200 with `{"text":"Success","code":0}`. With indexer acknowledgment on (per token, Splunk
 * Enterprise), requests carry `X-Splunk-Request-Channel: <uuid>`, the answer carries `ackId`, and
 * `POST /services/collector/ack?channel=<uuid>` with `{"acks":[id]}` answers `{"acks":{"<id>":true|false}}`; the batch
 * counts only once it says true. Through the outbound guard (S12). The token is never logged: errors name the status
 * and HEC's numeric code only.
 */

export interface HecSinkOptions {
  /** Base URL, e.g. https://splunk.bank.example:8088 */
  url: string;
  token: string;
  hostname: string;
  sourcetype: string;
  index?: string;
  isAck: boolean;
  fetch: OutboundFetch;
  /** Between ack polls. */
  ackPollMs?: number;
}

const EPOCH_MS = (iso: string) => Date.parse(iso) / 1000;

export function createHecSink(o: HecSinkOptions): Sink {
  const base = o.url.replace(/\/+$/, '');
  // One channel per process and sink: acks are tracked per channel.
  const channel = randomUUID();
  const headers = {
    authorization: `Splunk ${o.token}`,
    'content-type': 'application/json',
    ...(o.isAck ? { 'x-splunk-request-channel': channel } : {}),
  };

  const envelope = (r: SiemRecord) =>
    JSON.stringify({
      time: EPOCH_MS(recordTime(r)),
      host: o.hostname,
      source: 'vouchsafe',
      sourcetype: o.sourcetype,
      ...(o.index ? { index: o.index } : {}),
      event: r,
    });

  async function post(path: string, body: string, signal: AbortSignal): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await o.fetch(`${base}${path}`, { method: 'POST', headers, body, signal });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
    } catch {
      // not JSON: judged by the status alone
    }
    return { status: res.status, json };
  }

  const refusal = (status: number, json: Record<string, unknown>, what: string) => {
    const code = typeof json.code === 'number' ? `, code ${json.code}` : '';
    // 5xx and 429 are the collector being busy or down; anything else is a refusal that needs an operator.
    return new SinkError(status >= 500 || status === 429 ? 'unavailable' : 'rejected', `Splunk HEC answered ${status}${code} (${what})`);
  };

  async function awaitAck(ackId: number, signal: AbortSignal): Promise<void> {
    for (;;) {
      const { status, json } = await post(`/services/collector/ack?channel=${channel}`, JSON.stringify({ acks: [ackId] }), signal);
      if (status !== 200) throw refusal(status, json, 'ack');
      const acks = json.acks as Record<string, unknown> | undefined;
      if (acks?.[String(ackId)] === true) return;
      await new Promise((r) => setTimeout(r, o.ackPollMs ?? 500));
      if (signal.aborted) throw new SinkError('unavailable', 'Splunk HEC: not acknowledged in time');
    }
  }

  return {
    name: 'hec',
    async send(records, signal): Promise<SendResult> {
      try {
        const { status, json } = await post('/services/collector/event', records.map(envelope).join('\n'), signal);
        if (status !== 200 || json.code !== 0) return { accepted: 0, error: refusal(status, json, 'event') };
        if (o.isAck) {
          if (typeof json.ackId !== 'number')
            return { accepted: 0, error: new SinkError('rejected', 'Splunk HEC: no ackId (is acknowledgment on for the token?)') };
          await awaitAck(json.ackId, signal);
        }
        return { accepted: records.length };
      } catch (err) {
        return { accepted: 0, error: describeFailure(err, 'Splunk HEC') };
      }
    },
    close: () => Promise.resolve(),
  };
}
