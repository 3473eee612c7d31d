import { VerificationPolicySchema, type VerificationMethod, type VerificationPolicy } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { configuredMethods } from '../idps/idps.service';
import { latestPolicy } from './policy.repository';

/** The order a default policy offers configured methods in: pushes first, then links, then callbacks. */
export const DEFAULT_METHOD_ORDER: readonly VerificationMethod[] = [
  'okta_push',
  'duo_push',
  'oidc',
  'duo_universal',
  'callback_sms',
  'callback_voice',
];
export const PUSH_METHODS: readonly VerificationMethod[] = ['okta_push', 'duo_push'];

export interface LoadedPolicy {
  /** 0 for the default policy (none stored yet). */
  version: number;
  policy: VerificationPolicy;
  isDefault: boolean;
  changedBy?: string;
  createdAt?: Date;
}

/**
 * The policy a tenant gets before an admin stores one: every configured method in
 * DEFAULT_METHOD_ORDER, the schema's defaults for everything else, and as fallback the first
 * configured non-push method, or, with pushes only, the first push (an incomplete factor listing
 * then still lets the agent try it). `methods` is empty when no IdP is configured.
 */
export function defaultPolicy(configured: readonly VerificationMethod[]): VerificationPolicy {
  const methods = DEFAULT_METHOD_ORDER.filter((m) => configured.includes(m));
  const fallbackMethod = methods.find((m) => !PUSH_METHODS.includes(m)) ?? methods[0] ?? null;
  const base = VerificationPolicySchema.parse({ methods: ['okta_push'] });
  return { ...base, methods, fallbackMethod };
}

/** The newest stored version, or the default policy (version 0) built from the tenant's IdP connections. */
export async function loadPolicy(db: Db, tenantId: string): Promise<LoadedPolicy> {
  const stored = await latestPolicy(db, tenantId);
  if (!stored) return { version: 0, policy: defaultPolicy(await configuredMethods(db, tenantId)), isDefault: true };
  return {
    version: stored.version,
    policy: VerificationPolicySchema.parse(stored.policy),
    isDefault: false,
    changedBy: stored.changedBy,
    createdAt: stored.createdAt,
  };
}
