import {
  BindingSchema,
  type Binding,
  type ContactSource,
  type EndReason,
  type OutcomeDetail,
  type Verification,
  type VerificationMethod,
  type VerificationState,
} from '@vouchsafe/contracts';

/** Methods the server polls (the IdP answers a push); the others finish by a code or a link callback. */
export const PUSH_METHODS: readonly VerificationMethod[] = ['okta_push', 'duo_push'];
export const CODE_METHODS: readonly VerificationMethod[] = ['callback_sms', 'callback_voice'];
export const isPushMethod = (m: string): boolean => (PUSH_METHODS as readonly string[]).includes(m);
export const isCodeMethod = (m: string): boolean => (CODE_METHODS as readonly string[]).includes(m);

export const OPEN_STATES: readonly VerificationState[] = ['started', 'waiting'];
/** A verification that did not pass and may be turned into a (loudly marked) supervisor exception. */
export const OVERRIDABLE_STATES: readonly VerificationState[] = ['denied', 'timed_out', 'failed', 'cancelled'];

/** Audit event types (and note_outbox actions) of the verification lifecycle. */
export const AUDIT_TYPES = {
  started: 'verification.started',
  verified: 'verification.succeeded',
  denied: 'verification.denied',
  timed_out: 'verification.timed_out',
  failed: 'verification.failed',
  cancelled: 'verification.cancelled',
  override_requested: 'verification.override_requested',
  override_approved: 'verification.override_approved',
  override_declined: 'verification.override_declined',
  fraud_flag_acknowledged: 'verification.fraud_flag_acknowledged',
} as const;
export type VerificationAuditType = (typeof AUDIT_TYPES)[keyof typeof AUDIT_TYPES];

/** Final states an outcome can record (the IdP's answer, expiry or the agent's cancel). */
export type OutcomeState = 'verified' | 'denied' | 'timed_out' | 'failed' | 'cancelled';

/** A verification row as the module reads it (with its override, if any). */
export interface VerificationRow {
  id: string;
  tenantId: string;
  purpose: 'caller' | 'recipient';
  ticketId: string;
  secretId: string | null;
  agentId: string;
  agentLabel: string;
  requesterLabel: string;
  requesterKey: Buffer;
  method: VerificationMethod;
  state: VerificationState;
  binding: Binding | null;
  reason: string | null;
  isFraudSuspected: boolean;
  idpRef: string | null;
  providerState: Record<string, unknown>;
  codeAttempts: number;
  policyVersion: number | null;
  startedAt: Date;
  expiresAt: Date;
  finishedAt: Date | null;
  validUntil: Date | null;
  lastEventId: string | null;
  /** Where a callback code's number came from (callback methods only). */
  contactSource: ContactSource | null;
  /** What the IdP reported when it did not pass (issue 16). */
  outcomeDetail: OutcomeDetail | null;
  /** Why the agent ended it early (issue 16). */
  endReason: EndReason | null;
  override: {
    requestedById: string;
    requestedByLabel: string;
    reason: string;
    approvedById: string | null;
    approvedByLabel: string | null;
    declinedById: string | null;
    declinedByLabel: string | null;
    declineReason: string | null;
  } | null;
}

/** First 8 characters of an IdP transaction id: enough to find it in the IdP's logs, never the whole handle. */
export const shortRef = (ref: string | null): string | null => (ref ? (ref.length > 8 ? `${ref.slice(0, 8)}…` : ref) : null);

export function parseBinding(value: unknown): Binding | null {
  const parsed = BindingSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The sidebar's view: no provider state, no requester key, no full IdP reference. */
export function toView(r: VerificationRow): Verification {
  return {
    id: r.id,
    method: r.method,
    state: r.state,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    expiresAt: r.state === 'started' || r.state === 'waiting' ? r.expiresAt.toISOString() : null,
    validUntil: r.state === 'verified' || r.state === 'overridden' ? (r.validUntil?.toISOString() ?? null) : null,
    agentLabel: r.agentLabel,
    requesterLabel: r.requesterLabel,
    binding: r.binding?.kind === 'callback_code' && r.contactSource ? { ...r.binding, source: r.contactSource } : r.binding,
    reason: r.reason,
    isFraudSuspected: r.isFraudSuspected,
    idpRef: shortRef(r.idpRef),
    override: r.override && {
      state: r.override.approvedById ? 'approved' : r.override.declinedById ? 'declined' : 'requested',
      requestedBy: r.override.requestedByLabel,
      reason: r.override.reason,
      approvedBy: r.override.approvedByLabel,
      declinedBy: r.override.declinedByLabel,
      declineReason: r.override.declineReason,
    },
    outcomeDetail: r.outcomeDetail,
    endReason: r.endReason,
    receipt: r.lastEventId,
  };
}
