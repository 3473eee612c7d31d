import { z } from 'zod';
import type { VerificationMethod } from '@vouchsafe/contracts';
import {
  ProviderError,
  type IdpUser,
  type MethodInfo,
  type ProviderOutcome,
  type RequesterOnRecord,
  type StartContext,
  type StartResult,
  type VerificationProvider,
} from '../provider.types';
import type { Outbound } from '../../lib/outbound';
import { OKTA_USER_AGENT, oktaClient, toProviderError, type OktaConfig } from './okta.client';

/**
 * Okta Verify push with number challenge through the Management API (@okta/okta-sdk-nodejs). Rules in NOTES.md.
 */

export interface OktaProviderOptions {
  timeoutMs: number;
  /** The outbound-connection guard (S12): the SDK's requests go through its node agent. */
  outbound: Pick<Outbound, 'urlProblem' | 'nodeAgent'>;
}

/** Users who can answer a push. STAGED/PROVISIONED (never activated), SUSPENDED and DEPROVISIONED cannot. */
const USABLE_STATUSES = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);
export const OKTA_UNKNOWN_STATE = 'Okta answered with a state Vouchsafe does not accept';

interface OktaState {
  userId: string;
  factorId: string;
  transactionId: string;
}

const id = z.string().min(1).max(200);
/** What start() stores and poll() reads back (verifications.provider_state). */
export const OktaStateSchema = z.object({ userId: id, factorId: id, transactionId: id });

function readState(state: Record<string, unknown>): OktaState | undefined {
  const parsed = OktaStateSchema.safeParse(state);
  return parsed.success ? parsed.data : undefined;
}

function toDate(value: unknown): Date | undefined {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/**
 * The push's User-Agent: Okta requires one to verify a push and shows it in Okta Verify as the sign-in's client.
 * Printable ASCII only (it is an HTTP header), bounded; the display context carries no identifiers.
 */
function pushUserAgent(ctx: StartContext): string {
  const context = ctx.displayContext
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/[()]/g, '')
    .slice(0, 120);
  return `${OKTA_USER_AGENT} (Help desk verification${context ? `; ${context}` : ''})`;
}

/** The transaction id is only given inside the poll link: `…/users/{u}/factors/{f}/transactions/{id}`. */
export function transactionIdFromPollLink(href: unknown, userId: string, factorId: string): string | undefined {
  if (typeof href !== 'string') return undefined;
  let pathname: string;
  try {
    pathname = new URL(href).pathname;
  } catch {
    return undefined;
  }
  const match = /\/api\/v1\/users\/([^/]+)\/factors\/([^/]+)\/transactions\/([^/]+)$/.exec(pathname);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  const [u, f, t] = [match[1], match[2], match[3]].map(decodeURIComponent);
  return u === userId && f === factorId ? t : undefined;
}

export function outcomeFromFactorResult(factorResult: unknown): ProviderOutcome {
  switch (factorResult) {
    case 'WAITING':
      return { state: 'waiting' };
    case 'SUCCESS':
      return { state: 'verified' };
    case 'REJECTED':
      // Okta's spec: REJECTED = "User rejected the verification". With a number challenge, a wrong number tapped
      // also ends the push, and Okta documents no separate value for it (UNCONFIRMED which value Okta reports for a
      // wrong tap; the stand-in answers REJECTED). So the detail says exactly that Okta does not tell.
      return { state: 'denied', detail: 'rejected_unspecified', reason: 'The caller rejected the Okta Verify push.' };
    case 'TIMEOUT':
      return { state: 'timed_out' };
    default:
      // S7: anything else — including the spec's odd 'WAITING (with number matching challenge)' label and a missing
      // factorResult — is a failure, never a pass and never an endless wait.
      return { state: 'failed', reason: OKTA_UNKNOWN_STATE };
  }
}

export function createOktaProvider(config: OktaConfig, opts: OktaProviderOptions): VerificationProvider {
  const client = () => oktaClient(config, opts.timeoutMs, opts.outbound);
  const methods: readonly VerificationMethod[] = ['okta_push'];

  return {
    kind: 'okta',
    methods,

    async resolveUser(requester: RequesterOnRecord): Promise<IdpUser | undefined> {
      const email = requester.email?.trim().toLowerCase();
      // Only a full email is looked up: `me` would answer the API token's own admin, and Okta resolves bare
      // short names too. `/` cannot be fetched by login (Okta's rule).
      if (!email || !/^[^@\s/]+@[^@\s/]+$/.test(email)) return undefined;
      let user;
      try {
        user = await client().userApi.getUser({ userId: email });
      } catch (error) {
        const failure = toProviderError(error, 'looking up the caller');
        if (failure.kind === 'not_found') return undefined;
        throw failure;
      }
      const profile = (user.profile ?? {}) as { login?: unknown; email?: unknown; mobilePhone?: unknown };
      // The login must be this email exactly (Okta also matches ids and short names).
      if (typeof profile.login !== 'string' || profile.login.toLowerCase() !== email || !user.id) return undefined;
      if (!USABLE_STATUSES.has(String(user.status))) return undefined;
      return {
        ref: user.id,
        email: typeof profile.email === 'string' ? profile.email : null,
        phone: typeof profile.mobilePhone === 'string' && profile.mobilePhone ? profile.mobilePhone : null,
      };
    },

    async listMethods(user: IdpUser): Promise<MethodInfo[]> {
      const pushFactors: MethodInfo[] = [];
      try {
        const factors = await client().userFactorApi.listFactors({ userId: user.ref });
        for await (const factor of factors) {
          if (!factor || factor.factorType !== 'push' || factor.provider !== 'OKTA' || factor.status !== 'ACTIVE' || !factor.id) continue;
          const createdAt = toDate(factor.created);
          const updatedAt = toDate(factor.lastUpdated);
          pushFactors.push({
            method: 'okta_push',
            factorRef: factor.id,
            ...(createdAt ? { createdAt } : {}),
            ...(updatedAt ? { updatedAt } : {}),
          });
        }
      } catch (error) {
        throw toProviderError(error, 'listing factors', 'Okta does not know this user any more.');
      }
      // Several phones: push to the longest-enrolled one (a device added recently is the one an attacker would
      // have enrolled). Its dates feed the recent-factor guard. Undated factors sort last.
      pushFactors.sort((a, b) => (a.createdAt?.getTime() ?? Infinity) - (b.createdAt?.getTime() ?? Infinity));
      return pushFactors.slice(0, 1);
    },

    async start(user: IdpUser, method: MethodInfo, ctx: StartContext): Promise<StartResult> {
      if (method.method !== 'okta_push' || !method.factorRef)
        throw new ProviderError('rejected', 'Okta Verify push needs an enrolled push factor.');
      const factorId = method.factorRef;
      let answer;
      try {
        answer = await client().userFactorApi.verifyFactor({
          userId: user.ref,
          factorId,
          userAgent: pushUserAgent(ctx),
          body: { useNumberMatchingChallenge: true },
        });
      } catch (error) {
        throw toProviderError(error, 'sending the push', 'Okta does not know this push factor any more.');
      }
      if (answer.factorResult !== 'WAITING') throw new ProviderError('rejected', 'Okta did not start a push for this factor.');
      const transactionId = transactionIdFromPollLink(answer._links?.poll?.href, user.ref, factorId);
      if (!transactionId) throw new ProviderError('rejected', 'Okta started a push without a transaction to follow.');
      const embedded = (answer as { _embedded?: { challenge?: { correctAnswer?: unknown } | null } })._embedded;
      const correctAnswer = embedded?.challenge?.correctAnswer;
      return {
        idpRef: transactionId,
        // No challenge from Okta (number matching not available to this user): a plain push, nothing to read out.
        binding:
          typeof correctAnswer === 'number' && Number.isInteger(correctAnswer)
            ? { kind: 'number_challenge', number: String(correctAnswer) }
            : null,
        providerState: { userId: user.ref, factorId, transactionId } satisfies OktaState,
      };
    },

    async poll(state: Record<string, unknown>): Promise<ProviderOutcome> {
      // Okta has no long poll: one GET, answered at once; the caller paces the polls.
      const tx = readState(state);
      if (!tx) return { state: 'failed', reason: 'The Okta push transaction record is incomplete.' };
      let answer;
      try {
        answer = await client().userFactorApi.getFactorTransactionStatus(tx);
      } catch (error) {
        throw toProviderError(error, 'polling the push', 'Okta no longer knows this push transaction.');
      }
      return outcomeFromFactorResult((answer as { factorResult?: unknown } | undefined)?.factorResult);
    },

    async cancel(): Promise<void> {
      // The Management API has no operation to cancel a push: the transaction path only has GET, although its
      // WAITING answers carry a `cancel` link (see NOTES.md). The push expires on its own (5 minutes); the
      // verification module stops polling and records the cancellation, so a later approval counts for nothing.
    },
  };
}
