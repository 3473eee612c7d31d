import { z } from 'zod';
import { text } from './text';

/**
 * Tenant administration by operators (issue 10): the `/admin` console and four-eyes approval of changes that can
 * weaken caller verification (maker-checker).
 *
 * A change to a tenant's verification policy or to one of its IdP connections is not applied when it is made: it is
 * stored as a pending change (answer 202, `ChangeAccepted`) and applied only when a second **person** approves it —
 * an operator signed in with the `admin` or `policy_approver` role whose identity differs from the requester's (the
 * database refuses self-approval). Every step is audited with the person as actor. A deployment can run in an
 * explicit single-administrator mode (`approvals: 'single_admin'`, for the embedded demo and tests), in which such
 * changes apply at once; production refuses to start in that mode.
 */

/** Where the API serves the admin console. */
export const ADMIN_CONSOLE_PATH = '/admin';

export const APPROVAL_MODES = ['four_eyes', 'single_admin'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** What a pending change would do when approved. */
export const CHANGE_KINDS = ['policy.set', 'idp.set', 'idp.remove'] as const;
export const ChangeKindSchema = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKindSchema>;

/**
 * - `pending`: waiting for a second person;
 * - `approved`: applied in the approving transaction;
 * - `rejected`: declined by a second person (with a reason);
 * - `withdrawn`: taken back by the person who asked;
 * - `superseded`: what it was based on changed before anyone decided (e.g. a newer policy version), so it can no
 *   longer be applied as reviewed;
 * - `expired`: nobody decided within the window (7 days).
 */
export const CHANGE_STATES = ['pending', 'approved', 'rejected', 'withdrawn', 'superseded', 'expired'] as const;
export const ChangeStateSchema = z.enum(CHANGE_STATES);
export type ChangeState = z.infer<typeof ChangeStateSchema>;

/**
 * One field a change touches, rendered for the approver. Secret values (client secrets, API tokens, private keys) are
 * never shown: `before`/`after` say `"(set)"`, `"(changed)"` or `null` (absent) for them.
 */
export const ChangeFieldSchema = z.object({
  /** Dotted path, e.g. `methods`, `oidc.requiredAmr`, `deskPhoneFallback.isAllowed`, `clientSecret`. */
  path: text(),
  before: text().nullable(),
  after: text().nullable(),
  /** True when this field, as changed, makes verification easier to pass (the console highlights it). */
  weakens: z.boolean(),
});
export type ChangeField = z.infer<typeof ChangeFieldSchema>;

export const PendingChangeSchema = z.object({
  id: text(),
  /** Tenant slug. */
  tenant: text(),
  kind: ChangeKindSchema,
  /** For idp.* kinds: the connection's kind (`okta`, `duo`, `entra`, `oidc`, `twilio`); null for policy.set. */
  target: text().nullable(),
  /** One sentence for people: "Policy: allow the desk's phone number for callbacks; 2 other fields". */
  summary: text(),
  fields: z.array(ChangeFieldSchema),
  /** True when any field weakens verification. */
  weakens: z.boolean(),
  state: ChangeStateSchema,
  /** Masked labels of people (never an unmasked email). */
  requestedBy: text(),
  requestedAt: text(),
  /** Why the requester asked (optional free text, shown to the approver). */
  requestReason: text().nullable(),
  decidedBy: text().nullable(),
  decidedAt: text().nullable(),
  /** The reason given with a rejection (required there) or an approval (optional). */
  decisionReason: text().nullable(),
  expiresAt: text(),
  /** For the caller of the API: this change was requested by you (you may withdraw it, not approve it). */
  isOwnRequest: z.boolean(),
  /** For the caller of the API: you may approve or reject it now. */
  canDecide: z.boolean(),
});
export type PendingChange = z.infer<typeof PendingChangeSchema>;

/** The answer (202) to a policy or IdP change that now waits for a second person. */
export const ChangeAcceptedSchema = z.object({
  status: z.literal('pending_approval'),
  change: PendingChangeSchema,
});
export type ChangeAccepted = z.infer<typeof ChangeAcceptedSchema>;

export const ChangeListSchema = z.object({
  approvals: z.enum(APPROVAL_MODES),
  changes: z.array(PendingChangeSchema),
});
export type ChangeList = z.infer<typeof ChangeListSchema>;

/** Optional header on PUT policy / PUT|DELETE idp: why the change is asked for (shown to the approver). */
export const CHANGE_REASON_HEADER = 'X-Vouchsafe-Change-Reason';

export const ApproveChangeRequestSchema = z.object({ reason: text().trim().max(500).optional() }).strict();
export const RejectChangeRequestSchema = z
  .object({ reason: text().trim().min(5, 'must say why (at least 5 characters)').max(500) })
  .strict();

const enc = encodeURIComponent;

/** The change queue (same auth as every `/api/v1/admin` route: an admin token, or an operator session with CSRF). */
export const ADMIN_CHANGE_PATHS = {
  /** GET `?state=pending` (default) | `all`, optional `&tenant=slug`: ChangeList, newest first. */
  changes: '/api/v1/admin/changes',
  change: (id: string) => `/api/v1/admin/changes/${enc(id)}`,
  /** POST ApproveChangeRequest → 200 PendingChange (approved and applied). 403 for your own request. */
  approve: (id: string) => `/api/v1/admin/changes/${enc(id)}/approve`,
  /** POST RejectChangeRequest → 200 PendingChange. */
  reject: (id: string) => `/api/v1/admin/changes/${enc(id)}/reject`,
  /** POST (requester only) → 200 PendingChange. */
  withdraw: (id: string) => `/api/v1/admin/changes/${enc(id)}/withdraw`,
} as const;
