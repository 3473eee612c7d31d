import { z } from 'zod';
import { urlProblem, type OutboundPolicy } from '../../lib/outbound/url-rules';

/**
 * The SIEM stream's settings (issue 9), declared once: config.ts spreads this slice into its SETTINGS table (it stays
 * the only reader of the environment) and runs `siemSettingsProblem` with its other cross-setting rules. Every sink is
 * off until its URL is set; several may be on at once. Secrets (the HEC token, the webhook secret) have no default and
 * are never logged (they are not in any log line, error or metric label; see NOTES.md).
 */

/** RFC 5424 facility names → numbers (`audit` is "log audit", 13). */
export const SYSLOG_FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type SyslogFacility = keyof typeof SYSLOG_FACILITIES;

/** `tcp://host:port` or `tls://host:port` (RFC 6587 octet counting; RFC 5425 over TLS). */
export function parseSyslogUrl(value: string): { isTls: boolean; host: string; port: number } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('VOUCHSAFE_SIEM_SYSLOG_URL must look like tls://siem.bank.example:6514 or tcp://host:514');
  }
  if ((url.protocol !== 'tls:' && url.protocol !== 'tcp:') || !url.hostname || !url.port || url.pathname || url.search || url.username) {
    throw new Error('VOUCHSAFE_SIEM_SYSLOG_URL must look like tls://siem.bank.example:6514 or tcp://host:514 (scheme, host and port only)');
  }
  return { isTls: url.protocol === 'tls:', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
}

const boolish = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const secret = (name: string, pattern: RegExp, shape: string) =>
  z
    .string()
    .optional()
    .refine((v) => v === undefined || pattern.test(v), `${name} must be ${shape}`);

export const SIEM_SETTINGS = {
  siemSyslogUrl: [
    'VOUCHSAFE_SIEM_SYSLOG_URL',
    z
      .string()
      .max(300)
      .optional()
      .superRefine((v, ctx) => {
        if (v === undefined) return;
        try {
          parseSyslogUrl(v);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
  ],
  /** PEM file of the CA(s) that sign the syslog receiver's certificate (replaces the system roots for this sink). */
  siemSyslogCaFile: ['VOUCHSAFE_SIEM_SYSLOG_CA_FILE', z.string().max(500).optional()],
  siemSyslogFacility: [
    'VOUCHSAFE_SIEM_SYSLOG_FACILITY',
    z.enum(Object.keys(SYSLOG_FACILITIES) as [SyslogFacility, ...SyslogFacility[]]).default('audit'),
  ],
  /** Splunk HTTP Event Collector base URL (https://splunk.bank.example:8088); events go to /services/collector/event. */
  siemHecUrl: ['VOUCHSAFE_SIEM_HEC_URL', z.string().url().max(500).optional()],
  siemHecToken: ['VOUCHSAFE_SIEM_HEC_TOKEN', secret('VOUCHSAFE_SIEM_HEC_TOKEN', /^[A-Za-z0-9-]{8,128}$/, 'a HEC token (a GUID)')],
  siemHecIndex: [
    'VOUCHSAFE_SIEM_HEC_INDEX',
    z
      .string()
      .regex(/^[a-z0-9_][a-z0-9_-]{0,79}$/)
      .optional(),
  ],
  siemHecSourcetype: [
    'VOUCHSAFE_SIEM_HEC_SOURCETYPE',
    z
      .string()
      .regex(/^[A-Za-z0-9_:.-]{1,80}$/)
      .default('vouchsafe:audit'),
  ],
  /** Indexer acknowledgment: a batch counts as forwarded only once Splunk says it was indexed. */
  siemHecAck: ['VOUCHSAFE_SIEM_HEC_ACK', boolish.default(false)],
  /** Standard Webhooks receiver (https). */
  siemWebhookUrl: ['VOUCHSAFE_SIEM_WEBHOOK_URL', z.string().url().max(500).optional()],
  siemWebhookSecret: [
    'VOUCHSAFE_SIEM_WEBHOOK_SECRET',
    secret('VOUCHSAFE_SIEM_WEBHOOK_SECRET', /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'whsec_ followed by base64 (at least 24 bytes)'),
  ],
  /** The HOSTNAME of syslog messages and `host` of HEC events (default: this machine's host name). */
  siemHostname: [
    'VOUCHSAFE_SIEM_HOSTNAME',
    z
      .string()
      .regex(/^[!-~]{1,255}$/)
      .optional(),
  ],
  siemIntervalMs: ['VOUCHSAFE_SIEM_INTERVAL_MS', z.coerce.number().int().min(50).max(60_000).default(1_000)],
  /** First retry after a failed delivery; doubles per consecutive failure, capped at 5 minutes. */
  siemBackoffMs: ['VOUCHSAFE_SIEM_BACKOFF_MS', z.coerce.number().int().min(10).max(300_000).default(1_000)],
  siemBatch: ['VOUCHSAFE_SIEM_BATCH', z.coerce.number().int().min(1).max(1_000).default(200)],
  /** Bound on one delivery (connect + send + the receiver's answer, or the whole webhook batch). */
  siemTimeoutMs: ['VOUCHSAFE_SIEM_TIMEOUT_MS', z.coerce.number().int().min(100).max(120_000).default(10_000)],
} as const satisfies Record<string, readonly [string, z.ZodType]>;

export type SiemSettings = { -readonly [K in keyof typeof SIEM_SETTINGS]: z.output<(typeof SIEM_SETTINGS)[K][1]> };
export type SiemSettingKey = keyof SiemSettings;

/** Rules between settings; a sentence for a ConfigError, or undefined. */
export function siemSettingsProblem(s: SiemSettings, policy: OutboundPolicy): string | undefined {
  if (s.siemHecUrl !== undefined && s.siemHecToken === undefined)
    return 'VOUCHSAFE_SIEM_HEC_TOKEN is required with VOUCHSAFE_SIEM_HEC_URL.';
  if (s.siemWebhookUrl !== undefined && s.siemWebhookSecret === undefined) {
    return 'VOUCHSAFE_SIEM_WEBHOOK_SECRET (whsec_…) is required with VOUCHSAFE_SIEM_WEBHOOK_URL.';
  }
  // Outbound rules (S12): https only and public or allowlisted addresses, exactly like desks and IdPs.
  for (const [name, url] of [
    ['VOUCHSAFE_SIEM_HEC_URL', s.siemHecUrl],
    ['VOUCHSAFE_SIEM_WEBHOOK_URL', s.siemWebhookUrl],
  ] as const) {
    const problem = url === undefined ? undefined : urlProblem(url, policy);
    if (problem !== undefined) return `${name} ${problem}`;
  }
  if (s.siemSyslogUrl !== undefined) {
    const target = parseSyslogUrl(s.siemSyslogUrl);
    if (!target.isTls && !policy.isHttpAllowed) {
      return 'VOUCHSAFE_SIEM_SYSLOG_URL must use tls:// (plain tcp:// only with VOUCHSAFE_ALLOW_INSECURE_HELPDESKS, in development and tests)';
    }
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    const problem = urlProblem(`https://${host}:${target.port}/`, policy);
    if (problem !== undefined) return `VOUCHSAFE_SIEM_SYSLOG_URL ${problem}`;
  }
  if (s.siemSyslogCaFile !== undefined && s.siemSyslogUrl === undefined)
    return 'VOUCHSAFE_SIEM_SYSLOG_CA_FILE is set without VOUCHSAFE_SIEM_SYSLOG_URL.';
  return undefined;
}
