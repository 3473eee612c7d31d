import type { RevealApi } from '../api/reveal-api';
import type { TrustApi } from '../api/trust-api';
import { useLinkTrust } from '../trust/use-branding';
import { useReveal, type RevealDeps, type RevealTarget } from '../reveal/use-reveal';
import { RevealView, type RevealViewProps } from './RevealView';

export interface RevealPageProps
  extends Pick<RevealViewProps, 'writeClipboard' | 'saveFile' | 'now' | 'isKeyLost'>, Pick<RevealDeps, 'storage' | 'navigate'> {
  /** Undefined when the link is incomplete: nothing is fetched and nothing can be revealed. */
  target: RevealTarget | undefined;
  api: RevealApi;
  /** Who sent the link and its phrase (issue 14); without it the page shows none. */
  trustApi?: TrustApi;
  /** PBKDF2 iterations; only tests lower it. */
  iterations?: number;
}

const NO_TRUST: Pick<TrustApi, 'getLinkTrust'> = { getLinkTrust: () => Promise.resolve(undefined) };

export function RevealPage({ target, api, trustApi, iterations, storage, navigate, ...viewProps }: RevealPageProps) {
  const trust = useLinkTrust(trustApi ?? NO_TRUST, target);
  const deps: RevealDeps = { api };
  if (iterations) deps.iterations = iterations;
  if (storage) deps.storage = storage;
  if (navigate) deps.navigate = navigate;
  const { state, reveal, verify, retry } = useReveal(target, deps);
  return (
    <RevealView
      state={state}
      {...(trust ? { trust } : {})}
      onReveal={(p) => void reveal(p)}
      onRetry={retry}
      onVerify={(m) => void verify(m)}
      {...viewProps}
    />
  );
}
