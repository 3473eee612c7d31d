import type { ProviderOutcome, VerificationProvider } from './provider.types';
import { ProviderError } from './provider.types';

/** One IdP call's latency: operation (the provider method), outcome (`ok`, the IdP's answer, or the error kind), seconds. */
export type ObserveIdpCall = (operation: string, outcome: string, seconds: number) => void;

/** What a call's result says about its outcome: the IdP's answer for poll/complete, `ok` for everything else. */
const outcomeOf = (result: unknown): string =>
  typeof result === 'object' && result !== null && typeof (result as Partial<ProviderOutcome>).state === 'string'
    ? (result as ProviderOutcome).state
    : 'ok';

/**
 * The provider with each IdP-facing method timed (metrics only: providers themselves never log or count, so the
 * measure lives here, once, instead of in every provider). Behaviour, results and errors are unchanged.
 */
export function instrumentProvider(provider: VerificationProvider, observe: ObserveIdpCall): VerificationProvider {
  async function timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let outcome = 'error';
    try {
      const result = await call();
      outcome = outcomeOf(result);
      return result;
    } catch (err) {
      outcome = err instanceof ProviderError ? err.kind : 'error';
      throw err;
    } finally {
      observe(operation, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
  const { poll, complete } = provider;
  return {
    kind: provider.kind,
    methods: provider.methods,
    resolveUser: (requester) => timed('resolve_user', () => provider.resolveUser(requester)),
    listMethods: (user) => timed('list_methods', () => provider.listMethods(user)),
    start: (user, method, ctx) => timed('start', () => provider.start(user, method, ctx)),
    ...(poll ? { poll: (state, maxWaitMs) => timed('poll', () => poll.call(provider, state, maxWaitMs)) } : {}),
    ...(complete ? { complete: (state, input) => timed('complete', () => complete.call(provider, state, input)) } : {}),
    cancel: (state) => timed('cancel', () => provider.cancel(state)),
  };
}
