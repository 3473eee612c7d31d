import type { SiemRecord } from '@vouchsafe/contracts';
import { isOutboundRefusal } from '../../../lib/outbound';

export const SINK_NAMES = ['syslog', 'hec', 'webhook'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/**
 * Why a delivery did not go through, in words fit for a log line and `siem_cursors.last_error`: never a URL, token,
 * secret or record content. `kind` is what a metric or a test switches on.
 */
export class SinkError extends Error {
  override name = 'SinkError';
  constructor(
    readonly kind: 'unavailable' | 'rejected' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

export interface SendResult {
  /** How many records, from the start of the batch, the receiver took. */
  accepted: number;
  /** Set when the rest of the batch failed (the cursor then waits out its backoff). */
  error?: SinkError;
}

/** One SIEM receiver. `send` never throws: it reports what was accepted (in order) and why the rest was not. */
export interface Sink {
  readonly name: SinkName;
  send(records: readonly SiemRecord[], signal: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

/** A short masked description of an unexpected error (fetch and socket errors can carry URLs and addresses). */
export function describeFailure(err: unknown, what: string): SinkError {
  if (err instanceof SinkError) return err;
  // S12: the guard refused the address (its message names the reason, never the host): an operator must act.
  if (isOutboundRefusal(err)) return new SinkError('refused', `${what}: Vouchsafe refused to connect (an address it may not connect to)`);
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') {
    return new SinkError('unavailable', `${what}: no answer in time`);
  }
  const code = e?.code ?? e?.cause?.code;
  const safe = typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? ` (${code})` : '';
  return new SinkError('unavailable', `${what}: connection failed${safe}`);
}
