import type { ReviewEntry, ReviewFlag, ReviewKind } from '@vouchsafe/contracts';
import { toEventView, type AuditEventRow } from '../audit/receipts-view';

/** What a reviewer reads at a glance, derived from an event's type and data only (pure). */

export const ADMIN_PREFIXES = ['tenant.', 'idp.', 'policy.', 'keys.'] as const;

export function kindOf(type: string): ReviewKind {
  if (type.startsWith('verification.override')) return 'override';
  if (type.startsWith('verification.')) return 'verification';
  if (type.startsWith('secret.')) return 'secret';
  if (type.startsWith('review.')) return 'review';
  if (ADMIN_PREFIXES.some((p) => type.startsWith(p))) return 'admin';
  return 'other';
}

export function flagsOf(row: Pick<AuditEventRow, 'type' | 'data'>): ReviewFlag[] {
  const flags: ReviewFlag[] = [];
  if (row.type.startsWith('verification.override')) flags.push('override');
  if (row.data.isFraudSuspected === true) flags.push('possible_fraud');
  return flags;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function toEntry(row: AuditEventRow, ticketId: string | null, note: ReviewEntry['note']): ReviewEntry {
  return {
    event: toEventView(row),
    kind: kindOf(row.type),
    ticketId: text(row.data.ticketId) ?? ticketId,
    actor: text(row.data.agent) ?? text(row.data.actor) ?? text(row.data.agentId),
    flags: flagsOf(row),
    note,
  };
}
