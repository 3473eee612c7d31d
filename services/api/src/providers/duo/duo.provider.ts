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
import { createDuoAuthApi, type DuoConfig } from './duo-auth.client';
import { methodsFromPreauth, outcomeFromStatus, verifiedPushCode } from './duo-push';
import { completeUniversal, startUniversal } from './duo-universal';

/**
 * Duo: Auth API push (duo_push) and the Universal Prompt as a one-time link (duo_universal, when the tenant
 * configured a Web SDK application). Rules in NOTES.md.
 */

export interface DuoProviderOptions {
  timeoutMs: number;
}

/** How long start() waits for the first auth_status, which carries the Verified Push code when Duo wants one. */
const CODE_PEEK_MS = 5_000;
const MIN_POLL_MS = 250;

/** The Duo username for a requester: the email on record, lower-cased (Duo normalises usernames). */
export function duoUsername(requester: RequesterOnRecord): string | undefined {
  const email = requester.email?.trim().toLowerCase();
  return email ? email : undefined;
}

function pushInfo(ctx: StartContext): string {
  // Shown in Duo Mobile; the display context carries no identifiers (StartContext contract).
  return new URLSearchParams({ from: 'Vouchsafe help desk', reason: ctx.displayContext.slice(0, 200) }).toString();
}

/** What a push start stores and poll() reads back (verifications.provider_state). */
export const DuoPushStateSchema = z.object({ txid: z.string().min(1) });

export function createDuoProvider(config: DuoConfig, opts: DuoProviderOptions): VerificationProvider {
  const api = createDuoAuthApi(config, opts.timeoutMs);
  const methods: readonly VerificationMethod[] = config.universal ? ['duo_push', 'duo_universal'] : ['duo_push'];

  const startPush = async (user: IdpUser, ctx: StartContext): Promise<StartResult> => {
    const answer = await api.call<{ txid?: unknown }>('POST', '/auth/v2/auth', {
      username: user.ref,
      factor: 'push',
      device: 'auto',
      async: '1',
      type: 'Help desk call',
      pushinfo: pushInfo(ctx),
    });
    if (typeof answer.txid !== 'string' || !answer.txid) throw new ProviderError('unavailable', 'Duo did not return a transaction id.');
    const txid = answer.txid;
    // The first status read answers at once ("pushed"); with Verified Duo Push its message holds the code the
    // caller must type into Duo Mobile, which the agent reads out. No answer in time: no code to show.
    const first = await api
      .request<unknown>('GET', '/auth/v2/auth_status', { txid }, Math.min(CODE_PEEK_MS, opts.timeoutMs))
      .catch(() => undefined);
    const code = verifiedPushCode(first);
    return { idpRef: txid, binding: code ? { kind: 'verified_push', code } : null, providerState: { txid } };
  };

  return {
    kind: 'duo',
    methods,

    async resolveUser(requester: RequesterOnRecord): Promise<IdpUser | undefined> {
      const username = duoUsername(requester);
      return username ? { ref: username, email: requester.email, phone: null } : undefined;
    },

    async listMethods(user: IdpUser): Promise<MethodInfo[]> {
      const preauth = await api.call<unknown>('POST', '/auth/v2/preauth', { username: user.ref, client_supports_verified_push: '1' });
      return methodsFromPreauth(preauth, methods);
    },

    async start(user: IdpUser, method: MethodInfo, ctx: StartContext): Promise<StartResult> {
      if (method.unavailableReason) throw new ProviderError('rejected', method.unavailableReason);
      if (method.method === 'duo_push') return startPush(user, ctx);
      if (method.method === 'duo_universal' && config.universal) {
        const { url, state } = await startUniversal(config, user.ref, ctx.callbackUrl, opts.timeoutMs);
        return { idpRef: state.state, binding: null, providerState: { ...state }, link: url };
      }
      throw new ProviderError('misconfigured', `Duo does not offer ${method.method} here.`);
    },

    async poll(state: Record<string, unknown>, maxWaitMs: number): Promise<ProviderOutcome> {
      const push = DuoPushStateSchema.safeParse(state);
      if (!push.success) return { state: 'failed', reason: 'This Duo push has no transaction on record.' };
      // auth_status long-polls; a request still open when maxWaitMs is up just means "no news yet".
      const status = await api.request<unknown>('GET', '/auth/v2/auth_status', { txid: push.data.txid }, Math.max(MIN_POLL_MS, maxWaitMs));
      return status === undefined ? { state: 'waiting' } : outcomeFromStatus(status);
    },

    async complete(state: Record<string, unknown>, input: Record<string, string>): Promise<ProviderOutcome> {
      return completeUniversal(config, state, input, opts.timeoutMs);
    },

    async cancel(): Promise<void> {
      // The Auth API has no call to withdraw a push, and a Universal Prompt link just goes unused: the
      // verification module stops polling and ignores any later answer.
    },
  };
}
