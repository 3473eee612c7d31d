export const AUDIT_EVENT_TYPES = ['secret.created', 'secret.revealed', 'secret.reveal_failed', 'secret.expired', 'secret.revoked'] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
