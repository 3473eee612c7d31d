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

  /** Stores a new version. Methods (and the fallback) must have their IdP connected. */
  async function set(
    slug: string,
    input: VerificationPolicyInput,
    changedBy: string,
  ): Promise<{ version: number; policy: VerificationPolicy }> {
    const policy = VerificationPolicySchema.parse(input);
    const tenant = await adminTenantBySlug(db, slug);
    const available = await configuredMethods(db, tenant.id);
    const wanted = [...policy.methods, ...(policy.fallbackMethod ? [policy.fallbackMethod] : [])];
    const missing = [...new Set(wanted.filter((m) => !available.includes(m)))];
    if (missing.length > 0) {
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
    try {
      const { version } = await insertPolicyVersion(db, tenant.id, policy, changedBy, {
        methods: policy.methods,
        fallbackMethod: policy.fallbackMethod,
        actor: changedBy,
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

  return { show, set };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
