import {
  END_REASON_LABELS,
  type EndReason,
  type PendingOverrideList,
  type Verification,
  type VerificationOverview,
} from '@vouchsafe/contracts';
import { isRefusedBy, SQLSTATE } from '../../db/sql';
import { AppError } from '../../errors';
import { maskIdentifiers } from '../../lib/mask';
import { ProviderError, type ProviderOutcome } from '../../providers/provider.types';
import { IDP_OF_METHOD } from '../../providers/registry';
import type { ActingSession } from '../sessions/session.types';
import { methodContext } from './method-options';
import { providerFailureReason, startVerification, type StartInput } from './start-verification';
import type { VerificationDeps } from './verification.deps';
import * as repo from './verification.repository';
import { noteWrongCode, recordOutcome, takeCodeAttempt } from './verification-outcomes.repository';
import * as overrides from './verification-overrides.repository';
import * as fraudFlags from './fraud-flags.repository';
import { OVERRIDABLE_STATES, isCodeMethod, isPushMethod, toView, type VerificationRow } from './verification.types';

/**
 * The verification lifecycle for sidebar sessions. The agent can start, cancel, type back a
 * callback code, or ask for an override; nothing here (or anywhere) lets a person set `verified`:
 * only `recordProviderOutcome`, fed by an IdP answer, writes it (S7).
 */

/** The supervisor's queue shows at most this many requests (newest first). */
const PENDING_QUEUE_LIMIT = 50;

const notFound = () => new AppError('not_found', 'There is no such verification on this ticket.');

export function createVerificationService(deps: VerificationDeps) {
  const { db } = deps;

  async function mine(session: ActingSession, id: string): Promise<VerificationRow> {
    const row = await repo.findForTicket(db, session.tenantId, session.ticketId, id);
    if (!row) throw notFound();
    if (row.agentId !== session.agentId) throw new AppError('forbidden', 'Only the agent who started this verification can do that.');
    return row;
  }

  async function view(session: ActingSession, id: string): Promise<Verification> {
    const row = await repo.findById(db, session.tenantId, id);
    if (!row) throw notFound();
    return toView(row);
  }

  async function overview(session: ActingSession): Promise<VerificationOverview> {
    const [current, { policy }, fraudFlag] = await Promise.all([
      repo.findCurrent(db, session.tenantId, session.ticketId, session.agentId),
      deps.loadPolicy(session.tenantId),
      fraudFlags.findOpenFlag(db, session.tenantId, session.ticketId),
    ]);
    const isSupervisor = policy.supervisors.includes(session.agentId);
    const [pending, ownFlag] = isSupervisor
      ? await Promise.all([
          repo.findPendingOverrides(db, session.tenantId, session.ticketId),
          fraudFlag ? fraudFlags.hasOwnOpenFlag(db, session.tenantId, session.ticketId, session.agentId) : false,
        ])
      : [[], false];
    let methods: VerificationOverview['methods'] = [];
    try {
      methods = (await methodContext(deps, session)).options;
    } catch (err) {
      // The overview still shows the current state when the desk or an IdP is down; start will say why.
      if (!(err instanceof AppError) || err.status >= 500) deps.logger.warn({ err }, 'verification methods could not be evaluated');
    }
    return {
      current: current ? toView(current) : null,
      pendingOverrides: pending.filter((r) => r.agentId !== session.agentId).map(toView),
      methods,
      isSupervisor,
      fraudFlag: fraudFlag && ownFlag ? { ...fraudFlag, raisedOnOwnAttempt: true } : fraudFlag,
    };
  }

  async function start(session: ActingSession, input: StartInput): Promise<Verification> {
    return toView(await startVerification(deps, session, input));
  }

  /** Ends an open verification early (issue 16: with the agent's reason, when given); the IdP is told after commit. */
  async function cancel(session: ActingSession, id: string, endReason?: EndReason): Promise<Verification> {
    const row = await mine(session, id);
    const recorded = await recordOutcome(db, session.tenantId, id, {
      state: 'cancelled',
      reason: endReason ? `Ended by the agent: ${END_REASON_LABELS[endReason].toLowerCase()}.` : 'Cancelled by the agent.',
      endReason: endReason ?? null,
      actor: { id: session.agentId, label: maskIdentifiers(session.agentLabel) },
    });
    if (!recorded) throw new AppError('conflict', 'This verification has already finished.');
    deps.metrics.verificationsFinished.inc({ method: row.method, state: 'cancelled' });
    deps.onNoteQueued();
    await cancelAtIdp(row);
    return view(session, id);
  }

  /** Best effort, after commit: the push disappears from the phone, the code stops working. */
  async function cancelAtIdp(row: VerificationRow): Promise<void> {
    try {
      const provider = (await deps.providersFor(row.tenantId)).get(IDP_OF_METHOD[row.method]);
      await provider?.cancel(row.providerState);
    } catch {
      deps.logger.info({ verification: row.id.slice(0, 8) }, 'IdP cancel failed (best effort)');
    }
  }

  async function submitCode(session: ActingSession, id: string, code: string): Promise<Verification> {
    const row = await mine(session, id);
    if (!isCodeMethod(row.method)) throw new AppError('conflict', 'This verification does not take a code.');
    const { policy } = await deps.loadPolicy(session.tenantId);
    const max = policy.callbackMaxCodeAttempts;
    const attempt = await takeCodeAttempt(db, session.tenantId, id, max);
    if (!attempt) throw new AppError('conflict', 'This verification is no longer waiting for a code.');
    const provider = (await deps.providersFor(session.tenantId)).get(IDP_OF_METHOD[row.method]);
    let outcome: ProviderOutcome;
    try {
      if (!provider?.complete) throw new ProviderError('misconfigured', 'no callback provider');
      outcome = await provider.complete(row.providerState, { code });
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'unavailable') {
        throw new AppError('idp_unavailable', 'The callback service could not be reached to check the code; try again.', { cause: err });
      }
      outcome = { state: 'failed', reason: providerFailureReason(err) };
    }
    if (outcome.state === 'waiting') {
      if (attempt.attempt >= max) outcome = { state: 'failed', reason: `Too many wrong codes (${max}).`, detail: 'wrong_code' };
      else {
        await noteWrongCode(db, session.tenantId, id, max - attempt.attempt);
        return view(session, id);
      }
    }
    await recordProviderOutcome(deps, row, outcome, policy.lifetimeSeconds);
    return view(session, id);
  }

  async function requestOverride(session: ActingSession, id: string, reason: string): Promise<Verification> {
    await mine(session, id);
    const isDone = await overrides.requestOverride(db, {
      tenantId: session.tenantId,
      ticketId: session.ticketId,
      id,
      agentId: session.agentId,
      agentLabel: maskIdentifiers(session.agentLabel),
      reason: maskIdentifiers(reason.replace(/\s+/g, ' ').trim()).slice(0, 500),
      states: OVERRIDABLE_STATES,
    });
    if (!isDone) throw new AppError('conflict', 'Only a verification that did not pass can be overridden, and only once.');
    deps.onNoteQueued();
    return view(session, id);
  }

  async function approveOverride(session: ActingSession, id: string): Promise<Verification> {
    const row = await repo.findForTicket(db, session.tenantId, session.ticketId, id);
    if (!row) throw notFound();
    const { policy } = await deps.loadPolicy(session.tenantId);
    if (!policy.supervisors.includes(session.agentId))
      throw new AppError('forbidden', 'Only a supervisor named in the verification policy can approve an override.');
    if (!row.override) throw new AppError('conflict', 'Nobody asked for an override of this verification.');
    if (row.override.requestedById === session.agentId || row.agentId === session.agentId) {
      throw new AppError('forbidden', 'An override needs a second person: you cannot approve your own request.');
    }
    let isDone: boolean;
    try {
      isDone = await overrides.approveOverride(db, {
        tenantId: session.tenantId,
        ticketId: session.ticketId,
        id,
        approverId: session.agentId,
        approverLabel: maskIdentifiers(session.agentLabel),
        validSeconds: policy.lifetimeSeconds,
      });
    } catch (err) {
      // verification_overrides_two_people: the database refuses self-approval too.
      if (isRefusedBy(err, SQLSTATE.checkViolation))
        throw new AppError('forbidden', 'An override needs a second person: you cannot approve your own request.');
      throw err;
    }
    if (!isDone) throw new AppError('conflict', 'This override was already approved or the verification changed.');
    deps.metrics.verificationsFinished.inc({ method: row.method, state: 'overridden' });
    deps.onNoteQueued();
    return view(session, id);
  }

  /**
   * Issue 16: a supervisor declines another agent's request, saying why. Same rules as approving (on this ticket,
   * a supervisor, never the requester); the verification stays not passed and the request is closed.
   */
  async function declineOverride(session: ActingSession, id: string, reason: string): Promise<Verification> {
    const row = await repo.findForTicket(db, session.tenantId, session.ticketId, id);
    if (!row) throw notFound();
    const { policy } = await deps.loadPolicy(session.tenantId);
    if (!policy.supervisors.includes(session.agentId))
      throw new AppError('forbidden', 'Only a supervisor named in the verification policy can decline an override.');
    if (!row.override) throw new AppError('conflict', 'Nobody asked for an override of this verification.');
    if (row.override.requestedById === session.agentId || row.agentId === session.agentId) {
      throw new AppError('forbidden', 'An override needs a second person: you cannot decide on your own request.');
    }
    let isDone: boolean;
    try {
      isDone = await overrides.declineOverride(db, {
        tenantId: session.tenantId,
        ticketId: session.ticketId,
        id,
        declinerId: session.agentId,
        declinerLabel: maskIdentifiers(session.agentLabel),
        reason: maskIdentifiers(reason.replace(/\s+/g, ' ').trim()).slice(0, 500),
      });
    } catch (err) {
      if (isRefusedBy(err, SQLSTATE.checkViolation))
        throw new AppError('forbidden', 'An override needs a second person: you cannot decide on your own request.');
      throw err;
    }
    if (!isDone) throw new AppError('conflict', 'This override was already approved or declined.');
    deps.onNoteQueued();
    return view(session, id);
  }

  /** Issue 16: a supervisor's queue of the tenant's requests waiting for a decision, across tickets. */
  async function pendingOverrides(session: ActingSession): Promise<PendingOverrideList> {
    const { policy } = await deps.loadPolicy(session.tenantId);
    if (!policy.supervisors.includes(session.agentId))
      throw new AppError('forbidden', 'Only a supervisor named in the verification policy can see the override queue.');
    const rows = await repo.findTenantPendingOverrides(db, session.tenantId, PENDING_QUEUE_LIMIT);
    return {
      overrides: rows.filter((r) => r.agentId !== session.agentId).map((r) => ({ ...toView(r), ticketId: r.ticketId })),
    };
  }

  /**
   * Issue 16: a supervisor acknowledges the ticket's fraud flags, with a reason (audited, a note). Not the agent whose
   * attempt raised a flag: like an override, clearing a fraud warning needs a second person.
   */
  async function acknowledgeFraudFlag(session: ActingSession, reason: string): Promise<VerificationOverview> {
    const { policy } = await deps.loadPolicy(session.tenantId);
    if (!policy.supervisors.includes(session.agentId))
      throw new AppError('forbidden', 'Only a supervisor named in the verification policy can acknowledge a fraud flag.');
    if (!(await fraudFlags.findOpenFlag(db, session.tenantId, session.ticketId)))
      throw new AppError('conflict', 'This ticket has no fraud flag to acknowledge.');
    if (await fraudFlags.hasOwnOpenFlag(db, session.tenantId, session.ticketId, session.agentId))
      throw new AppError('forbidden', 'A fraud flag raised on your own verification needs another supervisor to acknowledge it.');
    const count = await fraudFlags.acknowledgeFlags(db, {
      tenantId: session.tenantId,
      ticketId: session.ticketId,
      supervisorId: session.agentId,
      supervisorLabel: maskIdentifiers(session.agentLabel),
      reason: maskIdentifiers(reason.replace(/\s+/g, ' ').trim()).slice(0, 500),
    });
    if (count === 0) throw new AppError('conflict', 'The fraud flag changed meanwhile; reload and try again.');
    deps.onNoteQueued();
    return overview(session);
  }

  return { overview, start, cancel, submitCode, requestOverride, approveOverride, declineOverride, pendingOverrides, acknowledgeFraudFlag };
}

export type VerificationService = ReturnType<typeof createVerificationService>;

type DenialDetail = Extract<ProviderOutcome, { state: 'denied' }>['detail'];

/**
 * Issue 16: which fraud flag a denial raises. A reported fraud always; a refused push (a real denial, or Okta's
 * REJECTED, which may be one) is possible fraud; a refused link sign-in without a fraud report raises none (as before).
 */
export function fraudFlagOf(method: string, detail: DenialDetail): 'possible_fraud' | 'reported_fraud' | undefined {
  if (detail === 'reported_fraud') return 'reported_fraud';
  return isPushMethod(method) ? 'possible_fraud' : undefined;
}

/** The agent's sentence for a denial: exactly what the IdP reported, never more. */
export function denialReason(method: string, detail: DenialDetail, providerReason: string | undefined): string {
  switch (detail) {
    case 'reported_fraud':
      return 'The customer reported this request as fraud. Treat this call as fraud.';
    case 'rejected_unspecified':
      return 'Okta reported the push as rejected; Okta does not say whether the customer denied it or chose a wrong number. Treat this call as possible fraud.';
    case 'customer_denied':
      return isPushMethod(method)
        ? 'The customer denied the push on their phone. Treat this call as possible fraud.'
        : (providerReason ?? 'The customer refused the sign-in.');
    default:
      return isPushMethod(method)
        ? 'The push was refused on the phone. Treat this call as possible fraud.'
        : (providerReason ?? 'The caller refused.');
  }
}

/**
 * Records what the IdP answered (poller, code check, link callback). Anything not recognised is a
 * failure; a denied push is flagged as possible fraud. Returns false when the verification was
 * already final (another process recorded first, or the agent cancelled).
 */
export async function recordProviderOutcome(
  deps: Pick<VerificationDeps, 'db' | 'metrics' | 'onNoteQueued'>,
  row: Pick<VerificationRow, 'tenantId' | 'id' | 'method'>,
  outcome: ProviderOutcome,
  lifetimeSeconds: number,
): Promise<boolean> {
  let recorded;
  switch (outcome.state) {
    case 'waiting':
      return false;
    case 'verified':
      recorded = await recordOutcome(deps.db, row.tenantId, row.id, { state: 'verified', reason: null, validSeconds: lifetimeSeconds });
      break;
    case 'denied': {
      const flag = fraudFlagOf(row.method, outcome.detail);
      recorded = await recordOutcome(deps.db, row.tenantId, row.id, {
        state: 'denied',
        reason: denialReason(row.method, outcome.detail, outcome.reason),
        isFraudSuspected: flag !== undefined,
        detail: outcome.detail ?? null,
        fraudFlag: flag,
      });
      break;
    }
    case 'timed_out':
      recorded = await recordOutcome(deps.db, row.tenantId, row.id, { state: 'timed_out', reason: 'The caller did not answer in time.' });
      break;
    case 'failed':
      recorded = await recordOutcome(deps.db, row.tenantId, row.id, {
        state: 'failed',
        reason: outcome.reason || 'The identity provider did not confirm the caller.',
        detail: outcome.detail ?? null,
      });
      break;
    default:
      recorded = await recordOutcome(deps.db, row.tenantId, row.id, {
        state: 'failed',
        reason: 'The identity provider answered with a state Vouchsafe does not accept.',
      });
  }
  if (!recorded) return false;
  const state =
    outcome.state === 'verified' || outcome.state === 'denied' || outcome.state === 'timed_out' || outcome.state === 'failed'
      ? outcome.state
      : 'failed';
  deps.metrics.verificationsFinished.inc({ method: row.method, state });
  deps.onNoteQueued();
  return true;
}
