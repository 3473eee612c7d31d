import { z } from 'zod';
import { text } from './text';

/**
 * What the SIEM stream sends (issue 9): every sealed audit event and every signed checkpoint, as one JSON record,
 * at least once. `id` is stable across retries and processes, so a receiver de-duplicates on it: an event's id (its
 * receipt), a checkpoint's `<tenantId>:<chainIndex>`. Records hold what the audit row holds (ids, masked labels,
 * sizes, times, outcomes) — never a secret, key or full identifier. Hashes are lowercase hex.
 */

/** Product severity: `high` for possible fraud, overrides, throttling and failed sign-ins (modules/siem/severity.ts). */
export const SIEM_SEVERITIES = ['high', 'medium', 'low'] as const;
export const SiemSeveritySchema = z.enum(SIEM_SEVERITIES);
export type SiemSeverity = z.infer<typeof SiemSeveritySchema>;

export const SiemEventRecordSchema = z.object({
  kind: z.literal('audit_event'),
  id: text().uuid(),
  tenantId: text().uuid(),
  /** The tenant's slug (readable in a SIEM); null if the tenant row is gone. */
  tenant: text().nullable(),
  type: text(),
  severity: SiemSeveritySchema,
  secretId: text().nullable(),
  occurredAt: text(),
  data: z.record(text(), z.unknown()),
  chainIndex: z.number().int(),
  prevHash: text(),
  hash: text(),
});
export type SiemEventRecord = z.infer<typeof SiemEventRecordSchema>;

export const SiemCheckpointRecordSchema = z.object({
  kind: z.literal('audit_checkpoint'),
  /** `<tenantId>:<chainIndex>`. */
  id: text(),
  tenantId: text().uuid(),
  tenant: text().nullable(),
  severity: SiemSeveritySchema,
  chainIndex: z.number().int(),
  hash: text(),
  signedAt: text(),
  kid: text(),
  /** Ed25519 JWS (compact) over {tenantId, chainIndex, hash, signedAt}; verify with the deployment's audit public key. */
  jws: text(),
});
export type SiemCheckpointRecord = z.infer<typeof SiemCheckpointRecordSchema>;

export const SiemRecordSchema = z.discriminatedUnion('kind', [SiemEventRecordSchema, SiemCheckpointRecordSchema]);
export type SiemRecord = z.infer<typeof SiemRecordSchema>;

/** Standard Webhooks: the body of every webhook delivery (one record per delivery; `webhook-id` = `data.id`). */
export const SIEM_WEBHOOK_TYPES = { audit_event: 'audit.event', audit_checkpoint: 'audit.checkpoint' } as const;
export const SiemWebhookPayloadSchema = z.object({
  type: z.enum([SIEM_WEBHOOK_TYPES.audit_event, SIEM_WEBHOOK_TYPES.audit_checkpoint]),
  /** When the fact happened (event occurredAt, checkpoint signedAt), ISO 8601 UTC. */
  timestamp: text(),
  data: SiemRecordSchema,
});
export type SiemWebhookPayload = z.infer<typeof SiemWebhookPayloadSchema>;

/** RFC 5424 structured-data element of every syslog message (32473 is RFC 5612's documentation enterprise number). */
export const SIEM_SYSLOG_SD_ID = 'vouchsafe@32473';
