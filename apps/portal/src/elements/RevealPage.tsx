import type { RevealApi } from '../api/reveal-api';
import { useReveal, type RevealDeps, type RevealTarget } from '../reveal/use-reveal';
import { RevealView, type RevealViewProps } from './RevealView';

export interface RevealPageProps
  extends Pick<RevealViewProps, 'writeClipboard' | 'saveFile' | 'now' | 'isKeyLost'>, Pick<RevealDeps, 'storage' | 'navigate'> {
  /** Undefined when the link is incomplete: nothing is fetched and nothing can be revealed. */
  target: RevealTarget | undefined;
  api: RevealApi;
  /** PBKDF2 iterations; only tests lower it. */
  iterations?: number;
}

export function RevealPage({ target, api, iterations, storage, navigate, ...viewProps }: RevealPageProps) {
  const deps: RevealDeps = { api };
  if (iterations) deps.iterations = iterations;
  if (storage) deps.storage = storage;
  if (navigate) deps.navigate = navigate;
  const { state, reveal, verify, retry } = useReveal(target, deps);
  return <RevealView state={state} onReveal={(p) => void reveal(p)} onRetry={retry} onVerify={(m) => void verify(m)} {...viewProps} />;
}
