import { SIEM_SYSLOG_SD_ID, type SiemRecord } from '@vouchsafe/contracts';
import { SYSLOG_SEVERITY } from '../severity';
import { recordTime } from '../siem-record';

/**
 * RFC 5424 messages with RFC 6587 octet-counting framing (the only framing RFC 5425 allows over TLS):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME vouchsafe - MSGID [vouchsafe@32473 id=".." tenant=".." ...] MSG
 *
 * PRI = facility × 8 + severity (severity.ts). MSGID is the event type (or `audit.checkpoint`). MSG is the whole JSON
 * record with every non-ASCII character escaped (\uXXXX), so it is plain ASCII and needs no BOM (RFC 5424 MSG-ANY).
 */

const NILVALUE = '-';

/** PRINTUSASCII (33..126), at most `max` characters; NILVALUE when nothing is left. */
function printable(value: string, max: number): string {
  const s = value.replace(/[^!-~]/g, '').slice(0, max);
  return s === '' ? NILVALUE : s;
}

/** SD-PARAM value: `"`, `\` and `]` escaped with a backslash (RFC 5424 §6.3.3). */
const paramValue = (value: string) => value.replace(/["\\\]]/g, (c) => `\\${c}`);

/** JSON with every character outside printable ASCII written as \uXXXX. */
export const asciiJson = (value: unknown): string =>
  JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export interface SyslogFormat {
  facility: number;
  hostname: string;
}

export function formatSyslog(record: SiemRecord, f: SyslogFormat): string {
  const pri = f.facility * 8 + SYSLOG_SEVERITY[record.severity];
  const msgId = record.kind === 'audit_event' ? printable(record.type, 32) : 'audit.checkpoint';
  const params: [string, string][] = [
    ['id', record.id],
    ['kind', record.kind],
    ['tenantId', record.tenantId],
    ...(record.tenant === null ? [] : ([['tenant', record.tenant]] as [string, string][])),
    ['chainIndex', String(record.chainIndex)],
    ['severity', record.severity],
  ];
  const sd = `[${SIEM_SYSLOG_SD_ID} ${params.map(([k, v]) => `${k}="${paramValue(v)}"`).join(' ')}]`;
  return `<${pri}>1 ${recordTime(record)} ${printable(f.hostname, 255)} vouchsafe ${NILVALUE} ${msgId} ${sd} ${asciiJson(record)}`;
}

/** RFC 6587 §3.4.1 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function frame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}
