import type { ChangeField, IdpConfig, IdpKind, VerificationPolicy } from '@vouchsafe/contracts';

/**
 * What a pending change does, field by field, for the approver (pure). Values are short strings; secrets of IdP
 * connections are never rendered: `"(set)"`, `"(changed)"` or null (absent). `weakens` marks a field whose change
 * makes verification easier to pass (rules below; NOTES.md). Audit rows carry paths and `weakens` only.
 */

const MAX_VALUE = 200;
/** IdP config keys whose values are secrets (contracts IdpConfigSchema). */
const SECRET_KEYS = new Set(['apiToken', 'privateKeyPem', 'secretKey', 'clientSecret', 'authToken']);

type Leaves = Map<string, unknown>;

/** Dotted paths to leaves; arrays are leaves (a list of methods is one field). */
function leaves(value: unknown, prefix = '', out: Leaves = new Map()): Leaves {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

function show(value: unknown): string | null {
  if (value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const raised = (b: unknown, a: unknown) => (num(a) ?? 0) > (num(b) ?? 0);
const lowered = (b: unknown, a: unknown) => (num(a) ?? 0) < (num(b) ?? 0);
const hasNew = (b: unknown, a: unknown) => list(a).some((x) => !list(b).includes(x));
/** An any-of evidence list is loosened by a new accepted value, or by emptying it (no requirement left). */
const anyOfLoosened = (b: unknown, a: unknown) => hasNew(b, a) || (list(a).length === 0 && list(b).length > 0);

/** Methods: a method added, or the ones kept offered in another order. Removing methods only is not weaker. */
function methodsWeaken(b: unknown, a: unknown): boolean {
  if (hasNew(b, a)) return true;
  const kept = list(b).filter((m) => list(a).includes(m));
  return !same(kept, list(a));
}

/** Issue 12: comment redaction modes from least to most protective; moving down the list weakens. */
const REDACTION_RANK: Record<string, number> = { off: 0, report: 1, redact: 2, redact_and_offer_upload: 2 };
const redactionLowered = (b: unknown, a: unknown) => (REDACTION_RANK[String(a)] ?? 0) < (REDACTION_RANK[String(b)] ?? 0);

/** Per policy path: does this before → after make verification easier to pass? Unknown paths count as weakening. */
const POLICY_RULES: Record<string, (before: unknown, after: unknown) => boolean> = {
  methods: methodsWeaken,
  fallbackMethod: (b, a) => a !== null && a !== undefined && a !== b,
  lifetimeSeconds: raised,
  recentFactorHours: lowered,
  'pushLimit.count': raised,
  'pushLimit.windowSeconds': lowered,
  'pushLimit.cooldownSeconds': lowered,
  'contactLimit.count': raised,
  'contactLimit.windowSeconds': lowered,
  'contactLimit.cooldownSeconds': lowered,
  'deskPhoneFallback.isAllowed': (b, a) => a === true && b !== true,
  'deskPhoneFallback.minUnchangedDays': lowered,
  attemptTimeoutSeconds: raised,
  callbackMaxCodeAttempts: raised,
  supervisors: hasNew,
  'oidc.maxAuthAgeSeconds': raised,
  'oidc.requiredAcrs': anyOfLoosened,
  'oidc.requiredAmr': anyOfLoosened,
  'oidc.requiredAcr': anyOfLoosened,
  commentRedaction: redactionLowered,
};

/** Words for the summary of the commonest weakening fields. */
const PHRASES: Record<string, string> = {
  'deskPhoneFallback.isAllowed': "allow the desk's phone number for callbacks",
  methods: 'change the verification methods',
  fallbackMethod: 'set a fallback method',
  supervisors: 'add supervisors',
  commentRedaction: 'scan or redact fewer secrets in desk comments',
};

export function policyFields(before: VerificationPolicy, after: VerificationPolicy): ChangeField[] {
  const b = leaves(before);
  const a = leaves(after);
  const paths = [...new Set([...b.keys(), ...a.keys()])];
  return paths
    .filter((p) => !same(b.get(p), a.get(p)))
    .map((p) => ({
      path: p,
      before: show(b.get(p)),
      after: show(a.get(p)),
      weakens: (POLICY_RULES[p] ?? (() => true))(b.get(p), a.get(p)),
    }));
}

/**
 * An IdP connection added, changed or removed always weakens (it decides who can pass): every field is marked.
 * Secrets show as "(set)" / "(changed)"; `before`/`after` null when absent.
 */
export function idpFields(before: IdpConfig | undefined, after: IdpConfig | undefined): ChangeField[] {
  const b = leaves(before ?? {});
  const a = leaves(after ?? {});
  const paths = [...new Set([...b.keys(), ...a.keys()])];
  return paths
    .filter((p) => !same(b.get(p), a.get(p)))
    .map((p) => {
      const isSecret = SECRET_KEYS.has(p.slice(p.lastIndexOf('.') + 1));
      if (!isSecret) return { path: p, before: show(b.get(p)), after: show(a.get(p)), weakens: true };
      const had = b.get(p) !== undefined;
      const has = a.get(p) !== undefined;
      return { path: p, before: had ? '(set)' : null, after: has ? (had ? '(changed)' : '(set)') : null, weakens: true };
    });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function policySummary(fields: readonly ChangeField[]): string {
  if (fields.length === 0) return 'Policy: saved again without changes';
  const lead = fields.find((f) => f.weakens) ?? fields[0]!;
  const rest = fields.length - 1;
  return `Policy: ${PHRASES[lead.path] ?? `change ${lead.path}`}${rest > 0 ? `; ${plural(rest, 'other field')}` : ''}`;
}

export function idpSummary(kind: IdpKind, action: 'add' | 'change' | 'remove', fields: readonly ChangeField[]): string {
  const name = `${kind} connection`;
  if (action === 'add') return `Connect a new ${name}`;
  if (action === 'remove') return `Remove the ${name}`;
  return `Change the ${name}: ${fields.length === 0 ? 'saved again without changes' : plural(fields.length, 'field')}`;
}
