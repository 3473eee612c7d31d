import {
  COMMENT_REDACTION_MODES,
  VERIFICATION_METHODS,
  type CommentRedactionMode,
  VerificationPolicySchema,
  type VerificationMethod,
  type VerificationPolicy,
  type VerificationPolicyInput,
} from '@vouchsafe/contracts';

/**
 * The policy editor's state: what the form shows, as typed (numbers and lists as text), and its way back to a policy
 * the API accepts. The schema (contracts VerificationPolicySchema) is the one the server applies; its messages are
 * shown beside the field they name.
 */

/** Numeric fields, by dotted path, with their labels (units in the label, the schema's range in the hint). */
export const NUMBER_FIELDS = [
  { path: 'lifetimeSeconds', label: 'A verification counts for (seconds)', group: 'limits' },
  { path: 'attemptTimeoutSeconds', label: 'Time to answer a push, link or code (seconds)', group: 'limits' },
  { path: 'recentFactorHours', label: 'A factor newer than this is not enough alone (hours, 0 = off)', group: 'limits' },
  { path: 'callbackMaxCodeAttempts', label: 'Tries to read back a callback code', group: 'limits' },
  { path: 'pushLimit.count', label: 'Pushes per customer', group: 'push' },
  { path: 'pushLimit.windowSeconds', label: 'Push window (seconds)', group: 'push' },
  { path: 'pushLimit.cooldownSeconds', label: 'Push cool-down (seconds)', group: 'push' },
  { path: 'contactLimit.count', label: 'Links and codes per customer', group: 'contact' },
  { path: 'contactLimit.windowSeconds', label: 'Contact window (seconds)', group: 'contact' },
  { path: 'contactLimit.cooldownSeconds', label: 'Contact cool-down (seconds)', group: 'contact' },
  { path: 'deskPhoneFallback.minUnchangedDays', label: 'Desk number unchanged for at least (days)', group: 'phone' },
  { path: 'oidc.maxAuthAgeSeconds', label: 'Sign-in at most this old (seconds)', group: 'oidc' },
] as const;
export type NumberPath = (typeof NUMBER_FIELDS)[number]['path'];

/** Issue 12: the comment redaction modes as the editor names them. */
export const COMMENT_REDACTION_LABELS: Record<CommentRedactionMode, string> = {
  off: 'Off: do not scan new comments',
  report: 'Report: a masked internal note, the comment stays',
  redact: 'Redact: remove it through the desk, then a masked note',
  redact_and_offer_upload: 'Redact and offer the customer an upload link (the link needs the document exchange)',
};

/** Lists of words (one per line or comma-separated in the form). */
export const LIST_FIELDS = [
  { path: 'supervisors', label: 'Supervisors (desk agent ids, one per line)' },
  { path: 'oidc.requiredAmr', label: 'Required amr values (any of)' },
  { path: 'oidc.requiredAcr', label: 'Required acr values (any of)' },
  { path: 'oidc.requiredAcrs', label: 'Entra auth contexts (acrs, any of)' },
] as const;
export type ListPath = (typeof LIST_FIELDS)[number]['path'];

export interface PolicyDraft {
  /** Offered methods, in the order the sidebar offers them. */
  methods: VerificationMethod[];
  /** '' = none. */
  fallbackMethod: VerificationMethod | '';
  deskPhoneAllowed: boolean;
  /** Issue 12: what happens to a secret found in a new desk comment. */
  commentRedaction: CommentRedactionMode;
  numbers: Record<NumberPath, string>;
  lists: Record<ListPath, string>;
}

function at(source: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), source);
}

function put(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
}

/** The schema's defaults: what a field the server's answer leaves out means (an older stored shape). */
const DEFAULTS = VerificationPolicySchema.parse({ methods: ['okta_push'] });

export function draftOf(policy: VerificationPolicy): PolicyDraft {
  const value = (path: string) => at(policy, path) ?? at(DEFAULTS, path);
  return {
    methods: [...policy.methods],
    fallbackMethod: policy.fallbackMethod ?? '',
    deskPhoneAllowed: value('deskPhoneFallback.isAllowed') === true,
    commentRedaction: COMMENT_REDACTION_MODES.find((m) => m === value('commentRedaction')) ?? DEFAULTS.commentRedaction,
    numbers: Object.fromEntries(NUMBER_FIELDS.map((f) => [f.path, String(value(f.path))])) as Record<NumberPath, string>,
    lists: Object.fromEntries(LIST_FIELDS.map((f) => [f.path, (value(f.path) as string[]).join('\n')])) as Record<ListPath, string>,
  };
}

/** Words of a list field: split on new lines and commas, trimmed, empty ones and repeats left out. */
export function listOf(text: string): string[] {
  return [...new Set(text.split(/[\n,]/).map((s) => s.trim()))].filter((s) => s !== '');
}

/** Moves the method at `index` one place up (-1) or down (+1); out of range leaves the order as it is. */
export function moveMethod(methods: readonly VerificationMethod[], index: number, delta: -1 | 1): VerificationMethod[] {
  const next = [...methods];
  const to = index + delta;
  if (index < 0 || index >= next.length || to < 0 || to >= next.length) return next;
  [next[index], next[to]] = [next[to]!, next[index]!];
  return next;
}

/** Offers a method (at the end) or stops offering it. */
export function toggleMethod(methods: readonly VerificationMethod[], method: VerificationMethod): VerificationMethod[] {
  return methods.includes(method) ? methods.filter((m) => m !== method) : [...methods, method];
}

/** Methods not offered, in the catalogue's order (to add back). */
export const unusedMethods = (methods: readonly VerificationMethod[]): VerificationMethod[] =>
  VERIFICATION_METHODS.filter((m) => !methods.includes(m));

export type PolicyCheck = { ok: true; policy: VerificationPolicyInput } | { ok: false; errors: Record<string, string> };

/** The draft as the policy to send, or the schema's complaints by dotted path (`pushLimit.count`, `methods`). */
export function policyOf(draft: PolicyDraft): PolicyCheck {
  const errors: Record<string, string> = {};
  const input: Record<string, unknown> = {
    methods: draft.methods,
    fallbackMethod: draft.fallbackMethod === '' ? null : draft.fallbackMethod,
  };
  put(input, 'deskPhoneFallback.isAllowed', draft.deskPhoneAllowed);
  input.commentRedaction = draft.commentRedaction;
  for (const { path } of NUMBER_FIELDS) {
    const raw = draft.numbers[path].trim();
    if (!/^\d+$/.test(raw)) errors[path] = 'must be a whole number';
    put(input, path, Number(raw));
  }
  for (const { path } of LIST_FIELDS) put(input, path, listOf(draft.lists[path]));
  const parsed = VerificationPolicySchema.safeParse(input);
  if (!parsed.success) for (const issue of parsed.error.issues) errors[issue.path.join('.') || 'methods'] ??= issue.message;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  // Send what was parsed from the form, not the schema's output (the server applies defaults itself).
  return { ok: true, policy: input as VerificationPolicyInput };
}
