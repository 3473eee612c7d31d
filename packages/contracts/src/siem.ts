import { z } from 'zod';

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
  id: z.string().uuid(),
  tenantId: z.string().uuid(),
  /** The tenant's slug (readable in a SIEM); null if the tenant row is gone. */
  tenant: z.string().nullable(),
  type: z.string(),
  severity: SiemSeveritySchema,
  secretId: z.string().nullable(),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  chainIndex: z.number().int(),
  prevHash: z.string(),
  hash: z.string(),
});
export type SiemEventRecord = z.infer<typeof SiemEventRecordSchema>;

export const SiemCheckpointRecordSchema = z.object({
  kind: z.literal('audit_checkpoint'),
  /** `<tenantId>:<chainIndex>`. */
  id: z.string(),
  tenantId: z.string().uuid(),
  tenant: z.string().nullable(),
  severity: SiemSeveritySchema,
  chainIndex: z.number().int(),
  hash: z.string(),
  signedAt: z.string(),
  kid: z.string(),
  /** Ed25519 JWS (compact) over {tenantId, chainIndex, hash, signedAt}; verify with the deployment's audit public key. */
  jws: z.string(),
});
export type SiemCheckpointRecord = z.infer<typeof SiemCheckpointRecordSchema>;

export const SiemRecordSchema = z.discriminatedUnion('kind', [SiemEventRecordSchema, SiemCheckpointRecordSchema]);
export type SiemRecord = z.infer<typeof SiemRecordSchema>;

/** Standard Webhooks: the body of every webhook delivery (one record per delivery; `webhook-id` = `data.id`). */
export const SIEM_WEBHOOK_TYPES = { audit_event: 'audit.event', audit_checkpoint: 'audit.checkpoint' } as const;
export const SiemWebhookPayloadSchema = z.object({
  type: z.enum([SIEM_WEBHOOK_TYPES.audit_event, SIEM_WEBHOOK_TYPES.audit_checkpoint]),
  /** When the fact happened (event occurredAt, checkpoint signedAt), ISO 8601 UTC. */
  timestamp: z.string(),
  data: SiemRecordSchema,
});
export type SiemWebhookPayload = z.infer<typeof SiemWebhookPayloadSchema>;

/** RFC 5424 structured-data element of every syslog message (32473 is RFC 5612's documentation enterprise number). */
export const SIEM_SYSLOG_SD_ID = 'vouchsafe@32473';
