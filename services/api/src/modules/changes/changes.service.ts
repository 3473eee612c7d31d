import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  IdpConfigSchema,
  VerificationPolicySchema,
  type ApprovalMode,
  type ChangeAccepted,
  type ChangeField,
  type ChangeKind,
  type ChangeList,
  type IdpConfig,
  type IdpKind,
  type PendingChange,
  type VerificationPolicy,
  type VerificationPolicyInput,
} from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { lockForTransaction } from '../../db/sql';
import { AppError } from '../../errors';
import { maskIdentifiers } from '../../lib/mask';
import { deleteIdp } from '../idps/idps.repository';
import { loadIdpConfig, noConnection, adminTenantBySlug, type IdpsService } from '../idps/idps.service';
import type { Keyring } from '../keys/keyring';
import type { AdminActor } from '../operators/operator-auth';
import { loadPolicy } from '../policy/load-policy';
import { latestPolicy } from '../policy/policy.repository';
import { checkMethods, type PolicyService } from '../policy/policy.service';
import { idpFields, idpSummary, policyFields, policySummary } from './change-diff';
import { openChangePayload, sealChangePayload } from './change-payload';
import * as repo from './changes.repository';

/** How long a change waits for a second person before it expires. */
export const CHANGE_WINDOW_MS = 7 * 24 * 3600 * 1000;

export interface ChangesDeps {
  db: Db;
  keyring: Keyring;
  approvals: ApprovalMode;
  policy: Pick<PolicyService, 'prepare' | 'store' | 'set'>;
  idps: Pick<IdpsService, 'prepare' | 'seal' | 'store' | 'set' | 'remove'>;
}

/** What a PUT/DELETE did: applied at once (single_admin) or stored for a second person (four_eyes, 202). */
export type Submitted<T> = { isApplied: true; result: T } | { isApplied: false; accepted: ChangeAccepted };

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const cleanReason = (reason: string | undefined | null) => {
  const trimmed = reason?.trim().slice(0, 500);
  return trimmed ? maskIdentifiers(trimmed) : null;
};

/** The policy version a change is made against (0: the default policy, nothing stored). */
async function policyBase(executor: Db, tenantId: string): Promise<string> {
  return `policy:${(await latestPolicy(executor, tenantId))?.version ?? 0}`;
}

/** An IdP connection's fingerprint: when it was last written (microseconds), or `none`. Never a digest of secrets. */
async function idpBase(executor: Db, tenantId: string, kind: string): Promise<string> {
  const { rows } = await sql<{ at: string }>`
    SELECT updated_at::text AS at FROM tenant_idps WHERE tenant_id = ${tenantId} AND kind = ${kind}`.execute(executor);
  return `idp:${kind}:${rows[0]?.at ?? 'none'}`;
}

const DECIDER_ROLES = ['admin', 'policy_approver'] as const;

export function createChangesService(deps: ChangesDeps) {
  const { db, keyring } = deps;
  const isFourEyes = deps.approvals === 'four_eyes';
  /** In the applied event: how the change was authorised. */
  const single = { approvals: 'single_admin' } as const;

  function view(c: repo.ChangeRow, who: AdminActor): PendingChange {
    const isOwnRequest = c.requestedBy === who.person;
    return {
      id: c.id,
      tenant: c.tenant,
      kind: c.kind,
      target: c.target,
      summary: c.summary,
      fields: c.fields,
      weakens: c.weakens,
      state: c.state,
      requestedBy: c.requestedByLabel,
      requestedAt: c.requestedAt.toISOString(),
      requestReason: c.requestReason,
      decidedBy: c.decidedByLabel,
      decidedAt: iso(c.decidedAt),
      decisionReason: c.decisionReason,
      expiresAt: c.expiresAt.toISOString(),
      isOwnRequest,
      canDecide: c.state === 'pending' && !isOwnRequest && who.isPerson && who.roles.some((r) => DECIDER_ROLES.includes(r as never)),
    };
  }

  async function request(
    input: {
      tenant: { id: string; slug: string };
      kind: ChangeKind;
      target: IdpKind | null;
      payload: unknown;
      fields: ChangeField[];
      summary: string;
      base: string;
    },
    who: AdminActor,
    reason: string | undefined,
  ): Promise<ChangeAccepted> {
    const id = randomUUID();
    const weakens = input.fields.some((f) => f.weakens);
    const change: repo.NewChange = {
      id,
      tenantId: input.tenant.id,
      kind: input.kind,
      target: input.target,
      summary: input.summary,
      fields: input.fields,
      weakens,
      base: input.base,
      requestedBy: who.person,
      requestedByLabel: who.label,
      requestReason: cleanReason(reason),
      expiresAt: new Date(Date.now() + CHANGE_WINDOW_MS),
      sealed: sealChangePayload(keyring, input.tenant.id, id, input.payload),
    };
    await repo.insertChange(db, change, repo.changeEventData(change, { actor: who.actor, requestedBy: who.person }));
    const stored = await repo.findChange(db, id);
    return { status: 'pending_approval', change: view(stored!, who) };
  }

  async function submitPolicy(
    slug: string,
    input: VerificationPolicyInput,
    who: AdminActor,
    reason?: string,
  ): Promise<Submitted<{ version: number; policy: VerificationPolicy }>> {
    if (!isFourEyes) return { isApplied: true, result: await deps.policy.set(slug, input, who.actor, single) };
    const { tenant, policy } = await deps.policy.prepare(slug, input);
    const base = await policyBase(db, tenant.id);
    const fields = policyFields((await loadPolicy(db, tenant.id)).policy, policy);
    const accepted = await request(
      { tenant, kind: 'policy.set', target: null, payload: policy, fields, summary: policySummary(fields), base },
      who,
      reason,
    );
    return { isApplied: false, accepted };
  }

  async function submitIdpSet(
    slug: string,
    config: IdpConfig,
    who: AdminActor,
    reason?: string,
  ): Promise<Submitted<{ isReplacement: boolean }>> {
    if (!isFourEyes) return { isApplied: true, result: await deps.idps.set(slug, config, who.actor, single) };
    const { tenant } = await deps.idps.prepare(slug, config);
    const base = await idpBase(db, tenant.id, config.kind);
    const before = await loadIdpConfig(db, keyring, tenant.id, config.kind);
    const fields = idpFields(before, config);
    const summary = idpSummary(config.kind, before ? 'change' : 'add', fields);
    const accepted = await request({ tenant, kind: 'idp.set', target: config.kind, payload: config, fields, summary, base }, who, reason);
    return { isApplied: false, accepted };
  }

  async function submitIdpRemove(slug: string, kind: IdpKind, who: AdminActor, reason?: string): Promise<Submitted<true>> {
    if (!isFourEyes) {
      await deps.idps.remove(slug, kind, who.actor, single);
      return { isApplied: true, result: true };
    }
    const tenant = await adminTenantBySlug(db, slug);
    const base = await idpBase(db, tenant.id, kind);
    const before = await loadIdpConfig(db, keyring, tenant.id, kind);
    if (!before) throw noConnection(tenant.slug, kind);
    const fields = idpFields(before, undefined);
    const accepted = await request(
      { tenant, kind: 'idp.remove', target: kind, payload: {}, fields, summary: idpSummary(kind, 'remove', fields), base },
      who,
      reason,
    );
    return { isApplied: false, accepted };
  }

  /** The change if this person may see it: another tenant's (VOUCHSAFE_OPERATOR_TENANTS) answers 404 like none. */
  async function visible(id: string, tenants: readonly string[] | null): Promise<repo.ChangeRow> {
    const c = await repo.findChange(db, id);
    if (!c || (tenants !== null && !tenants.includes(c.tenant))) throw new AppError('not_found', 'There is no such change.');
    return c;
  }

  function notPending(c: repo.ChangeRow): AppError {
    return new AppError('conflict', `This change is ${c.state} already; nothing was done.`);
  }

  /** One statement per security decision: a person, not the requester, deciding a pending change. */
  function refuseDecider(c: repo.ChangeRow, who: AdminActor): void {
    if (!who.isPerson) {
      throw new AppError(
        'forbidden',
        'Changes are decided by a person: an API token without an owner (from VOUCHSAFE_API_TOKENS) may ask for a change but not approve or reject one. Sign in to the admin console, or use a token a signed-in operator created.',
      );
    }
    if (c.requestedBy === who.person) {
      throw new AppError('forbidden', 'You asked for this change: another person must approve or reject it (you may withdraw it).');
    }
    if (!who.roles.some((r) => DECIDER_ROLES.includes(r as never))) {
      throw new AppError('forbidden', 'Deciding changes needs the "admin" or "policy_approver" role.');
    }
    if (c.state !== 'pending') throw notPending(c);
  }

  async function list(
    who: AdminActor,
    q: { state: 'pending' | 'all'; tenant?: string },
    tenants: readonly string[] | null,
  ): Promise<ChangeList> {
    const rows = await repo.listChanges(db, { isPendingOnly: q.state === 'pending', tenant: q.tenant, tenants });
    return { approvals: deps.approvals, changes: rows.map((c) => view(c, who)) };
  }

  async function show(id: string, who: AdminActor, tenants: readonly string[] | null): Promise<PendingChange> {
    return view(await visible(id, tenants), who);
  }

  /**
   * Approval: ONE transaction claims the row (pending, inside its window; exactly one approver wins), checks that what
   * it was made against is still current (else `superseded`, 409), applies it with the same repository code as a
   * direct change (its policy/idp event names the approver as actor and the requester) and records the approval.
   * The payload is opened, and an IdP connection sealed, before the transaction: the keyring may be an HSM.
   */
  async function approve(id: string, who: AdminActor, tenants: readonly string[] | null, reason?: string): Promise<PendingChange> {
    const c = await visible(id, tenants);
    refuseDecider(c, who);
    const payload = openChangePayload(keyring, c.tenantId, c.id, c.sealed);
    const tenant = { id: c.tenantId, slug: c.tenant };
    const policy = c.kind === 'policy.set' ? VerificationPolicySchema.parse(payload) : undefined;
    const sealedIdp = c.kind === 'idp.set' ? deps.idps.seal(c.tenantId, IdpConfigSchema.parse(payload)) : undefined;
    const extra = { approvals: 'four_eyes', change: c.id, requestedBy: c.requestedBy };
    const outcome = await db.transaction().execute(async (trx) => {
      if (!(await repo.claimPending(trx, c.id))) return 'gone' as const;
      await lockForTransaction(trx, `vouchsafe:change:${c.tenantId}:${c.kind === 'policy.set' ? 'policy' : `idp:${c.target}`}`);
      const base = c.kind === 'policy.set' ? await policyBase(trx, c.tenantId) : await idpBase(trx, c.tenantId, c.target!);
      if (base !== c.base) {
        await repo.decide(trx, {
          id: c.id,
          state: 'superseded',
          decidedBy: null,
          decidedByLabel: null,
          reason: null,
          event: { type: 'admin.change_superseded', data: repo.changeEventData(c, { actor: who.actor, requestedBy: c.requestedBy }) },
        });
        return 'superseded' as const;
      }
      if (policy) {
        await checkMethods(trx, tenant, policy);
        await deps.policy.store(trx, tenant, policy, who.actor, extra);
      } else if (sealedIdp) {
        await deps.idps.store(trx, sealedIdp, who.actor, extra);
      } else if (!(await deleteIdp(trx, c.tenantId, c.target as IdpKind, { actor: who.actor, ...extra }))) {
        throw new AppError('internal', 'Something went wrong on our side.', {
          detail: 'idp.remove approved on a base that still had it, found nothing',
        });
      }
      // The claim above holds the row; a decision that still finds it not pending rolls the application back.
      const isDecided = await repo.decide(trx, {
        id: c.id,
        state: 'approved',
        decidedBy: who.person,
        decidedByLabel: who.label,
        reason: cleanReason(reason),
        event: {
          type: 'admin.change_approved',
          data: repo.changeEventData(c, { actor: who.actor, approvedBy: who.person, requestedBy: c.requestedBy }),
        },
      });
      if (!isDecided) throw new AppError('conflict', 'This change was decided by someone else at the same moment; nothing was done.');
      return 'approved' as const;
    });
    const after = await visible(id, tenants);
    if (outcome === 'gone') throw notPending(after);
    if (outcome === 'superseded') {
      throw new AppError(
        'conflict',
        `This change was made against a ${c.kind === 'policy.set' ? 'policy' : `${c.target} connection`} that has changed since; it is superseded and was not applied. Ask for it again on top of the current state.`,
      );
    }
    return view(after, who);
  }

  async function reject(id: string, who: AdminActor, tenants: readonly string[] | null, reason: string): Promise<PendingChange> {
    const c = await visible(id, tenants);
    refuseDecider(c, who);
    const isDone = await repo.decide(db, {
      id: c.id,
      state: 'rejected',
      decidedBy: who.person,
      decidedByLabel: who.label,
      reason: cleanReason(reason),
      event: {
        type: 'admin.change_rejected',
        data: repo.changeEventData(c, { actor: who.actor, rejectedBy: who.person, requestedBy: c.requestedBy }),
      },
    });
    const after = await visible(id, tenants);
    if (!isDone) throw notPending(after);
    return view(after, who);
  }

  async function withdraw(id: string, who: AdminActor, tenants: readonly string[] | null): Promise<PendingChange> {
    const c = await visible(id, tenants);
    if (c.requestedBy !== who.person) throw new AppError('forbidden', 'Only the person who asked for a change can withdraw it.');
    if (c.state !== 'pending') throw notPending(c);
    const isDone = await repo.decide(db, {
      id: c.id,
      state: 'withdrawn',
      decidedBy: null,
      decidedByLabel: null,
      reason: null,
      requestedBy: who.person,
      event: { type: 'admin.change_withdrawn', data: repo.changeEventData(c, { actor: who.actor, requestedBy: c.requestedBy }) },
    });
    const after = await visible(id, tenants);
    if (!isDone) throw notPending(after);
    return view(after, who);
  }

  return { approvals: deps.approvals, submitPolicy, submitIdpSet, submitIdpRemove, list, show, approve, reject, withdraw };
}

export type ChangesService = ReturnType<typeof createChangesService>;
