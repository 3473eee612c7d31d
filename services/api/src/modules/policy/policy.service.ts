import type { VerificationPolicy, VerificationPolicyInput } from '@vouchsafe/contracts';
import { VerificationPolicySchema } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { IDP_OF_METHOD } from '../../providers/registry';
import { adminTenantBySlug, configuredMethods } from '../idps/idps.service';
import { loadPolicy } from './load-policy';
import { PolicyConflictError, insertPolicyVersion } from './policy.repository';

export interface PolicyView {
  version: number;
  policy: VerificationPolicy;
  isDefault: boolean;
  changedBy: string | null;
  createdAt: string | null;
}

export function createPolicyService(deps: { db: Db }) {
  const { db } = deps;

  async function show(slug: string): Promise<PolicyView> {
    const tenant = await adminTenantBySlug(db, slug);
    const loaded = await loadPolicy(db, tenant.id);
    return {
      version: loaded.version,
      policy: loaded.policy,
      isDefault: loaded.isDefault,
      changedBy: loaded.changedBy ?? null,
      createdAt: loaded.createdAt?.toISOString() ?? null,
    };
  }

  /** The policy as it will be stored, checked as PUT checks it (404 unknown tenant, 422 methods without an IdP). */
  async function prepare(
    slug: string,
    input: VerificationPolicyInput,
  ): Promise<{ tenant: { id: string; slug: string }; policy: VerificationPolicy }> {
    const policy = VerificationPolicySchema.parse(input);
    const tenant = await adminTenantBySlug(db, slug);
    await checkMethods(db, tenant, policy);
    return { tenant, policy };
  }

  /**
   * Stores a new version with its `policy.changed` event (`extra`: who asked and how it was approved). `executor` is
   * the approving transaction for a maker-checker change (changes.service), which checks the methods again there.
   */
  async function store(
    executor: Db,
    tenant: { id: string; slug: string },
    policy: VerificationPolicy,
    changedBy: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ version: number; policy: VerificationPolicy }> {
    try {
      const { version } = await insertPolicyVersion(executor, tenant.id, policy, changedBy, {
        methods: policy.methods,
        fallbackMethod: policy.fallbackMethod,
        actor: changedBy,
        ...extra,
      });
      return { version, policy };
    } catch (err) {
      if (err instanceof PolicyConflictError) {
        throw new AppError(
          'conflict',
          `Another change to the policy of "${tenant.slug}" was saved at the same moment; load it again and retry.`,
        );
      }
      throw err;
    }
  }

  /** Stores a new version at once (single_admin mode). Methods (and the fallback) must have their IdP connected. */
  async function set(
    slug: string,
    input: VerificationPolicyInput,
    changedBy: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ version: number; policy: VerificationPolicy }> {
    const { tenant, policy } = await prepare(slug, input);
    return store(db, tenant, policy, changedBy, extra);
  }

  return { show, set, prepare, store, checkMethods };
}

/** 422 naming each method (or the fallback) whose IdP the tenant has not connected. */
export async function checkMethods(executor: Db, tenant: { id: string; slug: string }, policy: VerificationPolicy): Promise<void> {
  const available = await configuredMethods(executor, tenant.id);
  const wanted = [...policy.methods, ...(policy.fallbackMethod ? [policy.fallbackMethod] : [])];
  const missing = [...new Set(wanted.filter((m) => !available.includes(m)))];
  if (missing.length === 0) return;
  const why = missing.map((m) =>
    m === 'duo_universal' && available.includes('duo_push')
      ? `${m} (the duo connection has no Universal Prompt app)`
      : `${m} (no ${IDP_OF_METHOD[m]} connection)`,
  );
  throw new AppError(
    'validation_failed',
    `The request is not valid: methods ${why.join(', ')} cannot be used by tenant "${tenant.slug}" yet.`,
    {
      issues: missing.map((m) => ({
        path: policy.methods.includes(m) ? 'methods' : 'fallbackMethod',
        message: `${m} needs a configured ${IDP_OF_METHOD[m]} connection`,
      })),
    },
  );
}

export type PolicyService = ReturnType<typeof createPolicyService>;
