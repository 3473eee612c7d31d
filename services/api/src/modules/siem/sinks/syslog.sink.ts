import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { SiemRecord } from '@vouchsafe/contracts';
import { addressProblem, type OutboundPolicy } from '../../../lib/outbound/url-rules';
import { describeFailure, SinkError, type SendResult, type Sink } from './sink.types';
import { formatSyslog, frame, type SyslogFormat } from './syslog-format';

/**
 * Syslog over TCP (RFC 6587 octet counting), optionally TLS (RFC 5425). One connection per batch: write every frame,
 * half-close, and count the batch as delivered only when the receiver has closed its side too — rsyslog (and any
 * receiver that reads to end of stream) does that after reading every byte we sent. Plain syslog has no
 * application-level acknowledgement, so this is the strongest "it was read" signal the protocol allows; a receiver that
 * crashes after reading but before storing loses what it read (RELP would close that; NOTES.md).
 *
 * Outbound rules (S12): the host is resolved here and every answer must be allowed, and we connect to exactly the
 * checked address (TLS still verifies the certificate against the configured name).
 */

export interface SyslogSinkOptions extends SyslogFormat {
  host: string;
  port: number;
  isTls: boolean;
  /** PEM CA bundle that replaces the system roots for this connection (VOUCHSAFE_SIEM_SYSLOG_CA_FILE). */
  ca?: string;
  policy: OutboundPolicy;
  /** Name → addresses (tests may inject); the system resolver by default. */
  resolve?: (host: string) => Promise<readonly { address: string }[]>;
}

async function checkedAddress(o: SyslogSinkOptions): Promise<string> {
  const answers = net.isIP(o.host) ? [{ address: o.host }] : await (o.resolve ?? ((h) => lookup(h, { all: true, verbatim: true })))(o.host);
  if (answers.length === 0) throw new SinkError('unavailable', 'syslog receiver: its host name resolved to no address');
  for (const a of answers) {
    const problem = addressProblem(a.address, o.port, o.policy);
    if (problem !== undefined) throw new SinkError('refused', `syslog receiver: Vouchsafe refused to connect: the host name ${problem}`);
  }
  return answers[0]!.address;
}

function connect(o: SyslogSinkOptions, address: string, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = o.isTls
      ? tls.connect({
          host: address,
          port: o.port,
          // Identity is checked against the configured name, not the address we resolved it to.
          ...(net.isIP(o.host) ? {} : { servername: o.host }),
          ...(o.ca ? { ca: o.ca } : {}),
        })
      : net.connect({ host: address, port: o.port });
    const fail = (err: unknown) => {
      socket.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = () => fail(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once(o.isTls ? 'secureConnect' : 'connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** Writes the frames, half-closes, and resolves when the receiver has closed its side (it read everything). */
function writeAndDrain(socket: net.Socket, frames: readonly Buffer[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let isDone = false;
    const finish = (err?: unknown) => {
      if (isDone) return;
      isDone = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = () => finish(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', finish);
    socket.on('data', () => undefined); // receivers do not answer; drain anything anyway
    socket.once('end', () => finish());
    socket.once('close', () => finish(new Error('closed before the receiver finished reading')));
    for (const f of frames) socket.write(f);
    socket.end();
  });
}

export function createSyslogSink(o: SyslogSinkOptions): Sink {
  return {
    name: 'syslog',
    async send(records: readonly SiemRecord[], signal: AbortSignal): Promise<SendResult> {
      try {
        const address = await checkedAddress(o);
        const socket = await connect(o, address, signal);
        await writeAndDrain(
          socket,
          records.map((r) => frame(formatSyslog(r, o))),
          signal,
        );
        return { accepted: records.length };
      } catch (err) {
        return { accepted: 0, error: describeFailure(err, 'syslog receiver') };
      }
    },
    close: () => Promise.resolve(),
  };
}
