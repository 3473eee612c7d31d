import { z } from 'zod';
import { END_REASON_LABELS, OUTCOME_DETAILS, END_REASONS, VERIFICATION_METHOD_LABELS } from '@vouchsafe/contracts';

/**
 * Notes for verification.* outbox rows (written by modules/verification in the statement that
 * records each step). Facts are already masked; note-text.ts masks again on the way out. The note
 * never holds the number/code read on the call, the link, the requester's email or phone, or the
 * full IdP transaction id.
 *
 * Issue 16: short notes (a 3-line start note, a 4–5-line outcome note) that say exactly what was proven, for whom and
 * for what; the rest of the facts (policy version, full times, contact source, IdP reference) are in the audit event
 * the `Receipt:` line names. `verification-note-text.test.ts` table-tests every purpose × step.
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
  'verification.fraud_flag_acknowledged',
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
  /** Issue 16: what the IdP reported, why the agent ended it, which secret a recipient verified for. */
  outcomeDetail: z.enum(OUTCOME_DETAILS).nullish(),
  endReason: z.enum(END_REASONS).nullish(),
  secretFingerprint: z
    .string()
    .regex(/^[0-9a-f]{8}$/)
    .nullish(),
  /** fraud_flag_acknowledged: how many flags the supervisor acknowledged. */
  flagCount: z.number().int().min(1).nullish(),
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

/**
 * The fraud line of a denied step: exactly what the IdP reported (issue 16). Okta cannot tell a denial from a wrong
 * number tapped; Duo reports "fraud" distinctly; a denial with no detail (OIDC `access_denied`) names no actor.
 */
function fraudLine(f: VerificationNoteFacts): string | undefined {
  if (!f.isFraudSuspected) return undefined;
  const flag = 'A fraud flag stays on this ticket until a supervisor acknowledges it.';
  switch (f.outcomeDetail) {
    case 'reported_fraud':
      return `⚠ FRAUD REPORTED: the customer reported this request as fraud in Duo. ${flag}`;
    case 'rejected_unspecified':
      return `⚠ Possible fraud: Okta reported the push as rejected; Okta does not say whether the customer denied it or chose a wrong number. ${flag}`;
    case 'customer_denied':
      return `⚠ Possible fraud: the customer denied the request on their device. ${flag}`;
    default:
      return `⚠ Possible fraud: the customer denied the push. ${flag}`;
  }
}

function subject(f: VerificationNoteFacts): string {
  return f.purpose === 'recipient' ? 'Recipient verification' : 'Caller verification';
}

function headline(action: VerificationNoteAction, f: VerificationNoteFacts): string {
  const who = subject(f);
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
      return `${who} ended early by the agent`;
    case 'verification.override_requested':
      return `Supervisor override REQUESTED (the caller is NOT verified)`;
    case 'verification.override_approved':
      return `⚠ SUPERVISOR OVERRIDE: the caller was NOT verified by the identity provider`;
    case 'verification.override_declined':
      return `Supervisor override DECLINED (the caller is NOT verified)`;
    case 'verification.fraud_flag_acknowledged':
      return `Fraud flag ACKNOWLEDGED by a supervisor`;
  }
}

type Clean = (s: string, max?: number) => string;
type Time = (iso: string) => string;

/** What this step proved (or did not), for whom and for what: the line a reviewer reads first. */
function provenLine(action: VerificationNoteAction, f: VerificationNoteFacts, clean: Clean, time: Time): string | undefined {
  const requester = clean(f.requester) || 'unknown';
  const secret = f.secretFingerprint ? `secret ${f.secretFingerprint}` : 'one verified-only secret';
  switch (action) {
    case 'verification.succeeded':
      if (f.purpose === 'recipient') {
        return `Proven: the requester on record (${requester}) signed in with the identity provider as the recipient of ${secret}. It lets them open that secret only; it does NOT verify the caller on this ticket.`;
      }
      return `Proven: the requester on record (${requester}) answered on their own factor. Counts as caller verification for ${clean(f.agent) || 'this agent'} on this ticket only${f.validUntil ? `, until ${time(f.validUntil)}` : ''}.`;
    case 'verification.override_approved':
      return `Requested by: ${clean(f.agent) || 'unknown'} · Approved by: ${clean(f.approver ?? '') || 'unknown'}${f.validUntil ? ` · Counts for ${clean(f.agent) || 'the requesting agent'} on this ticket until ${time(f.validUntil)}, as an exception` : ''}`;
    case 'verification.override_declined':
      return `Requested by: ${clean(f.agent) || 'unknown'} · Declined by: ${clean(f.decliner ?? '') || 'unknown'}${f.declineReason ? ` · Decline reason: ${clean(f.declineReason, 300)}` : ''}`;
    case 'verification.cancelled':
      return `Not proven. Why: ${f.endReason ? END_REASON_LABELS[f.endReason] : 'no reason given'}.`;
    case 'verification.denied':
    case 'verification.timed_out':
    case 'verification.failed':
      return `Not proven${f.purpose === 'recipient' ? ` (recipient of ${secret})` : ''}: ${clean(f.reason ?? '', 200) || 'the identity provider did not confirm the caller'}`;
    case 'verification.fraud_flag_acknowledged':
      return `Acknowledged by: ${clean(f.approver ?? '') || 'unknown'}${f.flagCount && f.flagCount > 1 ? ` (${f.flagCount} flags)` : ''} · Reason: ${clean(f.overrideReason ?? '', 300)}`;
    default:
      return undefined;
  }
}

/** `clean` and `time` come from note-text.ts (masking, one line, defanged and escaped for the desk; UTC formatting). */
export function renderVerificationNote(
  action: VerificationNoteAction,
  f: VerificationNoteFacts,
  receipt: string,
  clean: Clean,
  time: Time,
): string {
  const method = `${METHOD_NAMES[f.method] ?? clean(f.method, 40)}${f.binding ? ` (${BINDING_NAMES[f.binding] ?? clean(f.binding, 40)})` : ''}`;
  const lines = [`Vouchsafe · ${headline(action, f)} · Method: ${method}`];
  const fraud = action === 'verification.fraud_flag_acknowledged' ? undefined : fraudLine(f);
  if (fraud) lines.push(fraud);
  const proven = provenLine(action, f, clean, time);
  if (proven) lines.push(proven);
  const isOverride =
    action === 'verification.override_requested' ||
    action === 'verification.override_approved' ||
    action === 'verification.override_declined';
  if (isOverride && f.overrideReason) {
    lines.push(`Override reason: ${clean(f.overrideReason, 300)}`);
  }

  const who =
    action === 'verification.override_requested'
      ? `Requested by: ${clean(f.agent) || 'unknown'} (waiting for a supervisor)`
      : action === 'verification.override_approved' || action === 'verification.override_declined'
        ? undefined
        : f.purpose === 'recipient'
          ? `Sent by: ${clean(f.agent) || 'unknown'}`
          : `Agent: ${clean(f.agent) || 'unknown'}`;
  const facts = [
    who,
    `Requester on record: ${clean(f.requester) || 'unknown'}`,
    isOverride ? `Result: ${clean(f.result, 20)}${f.reason ? ` — ${clean(f.reason, 200)}` : ''}` : undefined,
    action === 'verification.started' ? `Started: ${time(f.startedAt)}` : `Started: ${time(f.startedAt)} · This step: ${time(f.at)}`,
    f.contactSource ? `Code sent to: ${CONTACT_SOURCE_NAMES[f.contactSource]}` : undefined,
    action !== 'verification.started' && f.idpRef ? `IdP transaction: ${clean(f.idpRef, 20)}` : undefined,
  ].filter((x): x is string => Boolean(x));
  lines.push(facts.join(' · '));
  lines.push(`Receipt: ${receipt}`);
  return lines.join('\n');
}
