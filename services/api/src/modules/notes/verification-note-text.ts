import { z } from 'zod';
import { VERIFICATION_METHOD_LABELS } from '@vouchsafe/contracts';

/**
 * Notes for verification.* outbox rows (written by modules/verification in the statement that
 * records each step). Facts are already masked; note-text.ts masks again on the way out. The note
 * never holds the number/code read on the call, the link, the requester's email or phone, or the
 * full IdP transaction id.
 */

export const VERIFICATION_NOTE_ACTIONS = [
  'verification.started',
  'verification.succeeded',
  'verification.denied',
  'verification.timed_out',
  'verification.failed',
  'verification.cancelled',
  'verification.override_requested',
  'verification.override_approved',
  'verification.override_declined',
] as const;
export type VerificationNoteAction = (typeof VERIFICATION_NOTE_ACTIONS)[number];

const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a time');

export const VerificationNoteFactsSchema = z.object({
  agent: z.string(),
  at: Iso,
  method: z.string().max(40),
  purpose: z.enum(['caller', 'recipient']),
  binding: z.string().max(40).nullable(),
  idpRef: z.string().max(20).nullable(),
  startedAt: Iso,
  result: z.string().max(20),
  reason: z.string().nullable(),
  isFraudSuspected: z.boolean(),
  requester: z.string(),
  validUntil: Iso.nullable(),
  approver: z.string().nullable(),
  overrideReason: z.string().nullable(),
  /** Callback codes: where the number came from (rows queued before this field existed have none). */
  contactSource: z.enum(['idp', 'desk']).nullish(),
  /** Declined overrides (issue 16): who declined (masked) and why. */
  decliner: z.string().nullish(),
  declineReason: z.string().nullish(),
});
export type VerificationNoteFacts = z.infer<typeof VerificationNoteFactsSchema>;

const METHOD_NAMES: Readonly<Record<string, string>> = VERIFICATION_METHOD_LABELS;

const BINDING_NAMES: Record<string, string> = {
  number_challenge: 'number challenge',
  verified_push: 'verified push code',
  callback_code: 'callback code',
  link: 'one-time link to the contact on record',
};

const CONTACT_SOURCE_NAMES: Record<'idp' | 'desk', string> = {
  idp: "the phone number in the identity provider's profile",
  desk: "the help desk's phone number (allowed by policy; unchanged for the policy's window)",
};

function headline(action: VerificationNoteAction, f: VerificationNoteFacts): string {
  const who = f.purpose === 'recipient' ? 'Recipient verification' : 'Caller verification';
  switch (action) {
    case 'verification.started':
      return `${who} started`;
    case 'verification.succeeded':
      return `${who} PASSED`;
    case 'verification.denied':
      return `${who} DENIED`;
    case 'verification.timed_out':
      return `${who} timed out (no answer)`;
    case 'verification.failed':
      return `${who} FAILED`;
    case 'verification.cancelled':
      return `${who} cancelled by the agent`;
    case 'verification.override_requested':
      return `Supervisor override REQUESTED (the caller is NOT verified)`;
    case 'verification.override_approved':
      return `⚠ SUPERVISOR OVERRIDE: the caller was NOT verified by the identity provider`;
    case 'verification.override_declined':
      return `Supervisor override DECLINED (the caller is NOT verified)`;
  }
}

/** `clean` and `time` come from note-text.ts (masking, one line, defanged and escaped for the desk; UTC formatting). */
export function renderVerificationNote(
  action: VerificationNoteAction,
  f: VerificationNoteFacts,
  receipt: string,
  clean: (s: string, max?: number) => string,
  time: (iso: string) => string,
): string {
  const lines = [`Vouchsafe · ${headline(action, f)}`];
  if (f.isFraudSuspected) lines.push('⚠ Possible fraud: the customer denied the push');
  lines.push(
    `Method: ${METHOD_NAMES[f.method] ?? clean(f.method, 40)}${f.binding ? ` (${BINDING_NAMES[f.binding] ?? clean(f.binding, 40)})` : ''}`,
  );
  if (f.contactSource) lines.push(`Code sent to: ${CONTACT_SOURCE_NAMES[f.contactSource]}`);
  lines.push(`Requester on record: ${clean(f.requester) || 'unknown'}`);
  if (action === 'verification.override_approved') {
    lines.push(`Requested by: ${clean(f.agent) || 'unknown'}`);
    lines.push(`Approved by: ${clean(f.approver ?? '') || 'unknown'}`);
  } else if (action === 'verification.override_declined') {
    lines.push(`Requested by: ${clean(f.agent) || 'unknown'}`);
    lines.push(`Declined by: ${clean(f.decliner ?? '') || 'unknown'}`);
    if (f.declineReason) lines.push(`Decline reason: ${clean(f.declineReason, 300)}`);
  } else if (action === 'verification.override_requested') {
    lines.push(`Requested by: ${clean(f.agent) || 'unknown'} (waiting for a supervisor)`);
  } else {
    lines.push(`Agent: ${clean(f.agent) || 'unknown'}`);
  }
  if (f.overrideReason) lines.push(`Override reason: ${clean(f.overrideReason, 300)}`);
  lines.push(`Result: ${clean(f.result, 20)}${f.reason ? ` — ${clean(f.reason, 200)}` : ''}`);
  lines.push(`Started: ${time(f.startedAt)} · This step: ${time(f.at)}`);
  if (f.validUntil && (action === 'verification.succeeded' || action === 'verification.override_approved')) {
    lines.push(`Counts for this agent on this ticket until ${time(f.validUntil)}`);
  }
  if (f.idpRef) lines.push(`IdP transaction: ${clean(f.idpRef, 20)}`);
  lines.push(`Receipt: ${receipt}`);
  return lines.join('\n');
}
