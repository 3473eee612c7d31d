import type { RevealApi } from '../api/reveal-api';
import { useReveal, type RevealTarget } from '../reveal/use-reveal';
import { RevealView, type RevealViewProps } from './RevealView';

export interface RevealPageProps extends Pick<RevealViewProps, 'writeClipboard' | 'saveFile' | 'now'> {
  /** Undefined when the link is incomplete: nothing is fetched and nothing can be revealed. */
  target: RevealTarget | undefined;
  api: RevealApi;
  /** PBKDF2 iterations; only tests lower it. */
  iterations?: number;
}

export function RevealPage({ target, api, iterations, ...viewProps }: RevealPageProps) {
  const { state, reveal, retry } = useReveal(target, iterations ? { api, iterations } : { api });
  return <RevealView state={state} onReveal={(p) => void reveal(p)} onRetry={retry} {...viewProps} />;
}
