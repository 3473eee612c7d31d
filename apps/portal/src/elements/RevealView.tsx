import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Spinner } from '@zendeskgarden/react-loaders';
import { Paragraph, XXL } from '@zendeskgarden/react-typography';
import { formatAbsolute, formatWait } from '../format';
import { HEADINGS, MESSAGES, WITHDRAWN_MESSAGES, throttledMessage, viewsRemainMessage } from '../messages';
import type { RevealState } from '../reveal/reveal.reducer';
import { RevealedFile, type RevealedFileProps } from './RevealedFile';
import { RevealedText, type RevealedTextProps } from './RevealedText';
import { RevealForm } from './RevealForm';
import { SecretSummary } from './SecretSummary';
import { StateNotice } from './StateNotice';
import { SenderNotice } from './SenderNotice';
import type { LinkTrust } from '@vouchsafe/contracts';
import { VerifyPrompt } from './VerifyPrompt';
import type { RecipientVerifyMethod } from '../api/reveal-api';
import type { VerifyProblem } from '../reveal/reveal.reducer';

export interface RevealViewProps {
  state: RevealState;
  onReveal: (passphrase: string) => void;
  onRetry: () => void;
  onVerify?: (method: RecipientVerifyMethod) => void;
  /** The page came back from signing in without the key this tab should have kept. */
  isKeyLost?: boolean;
  now?: () => Date;
  writeClipboard?: RevealedTextProps['writeClipboard'];
  saveFile?: RevealedFileProps['saveFile'];
  /** Who sent this link and its phrase, from the server (issue 14). */
  trust?: LinkTrust;
}

interface Screen {
  heading: string;
  /** The one-sentence status, announced through the live region. */
  notice?: ReactNode;
  body?: ReactNode;
}

export function RevealView(props: RevealViewProps) {
  const { state } = props;
  const headingRef = useRef<HTMLHeadingElement>(null);
  const isFirstRender = useRef(true);

  // Move focus to the new heading when the screen changes, so keyboard and screen-reader users
  // land on the new content; a wrong passphrase instead focuses the field (see RevealForm).
  useEffect(() => {
    if (isFirstRender.current) {
      isFirstRender.current = false;
      return;
    }
    if (state.status !== 'wrong-passphrase' && state.status !== 'revealing') headingRef.current?.focus();
  }, [state.status]);

  const screen = screenFor(props);
  return (
    <main className="vs-page" data-state={state.status} aria-busy={state.status === 'loading' || state.status === 'revealing'}>
      <XXL tag="h1" ref={headingRef} tabIndex={-1} className="vs-heading">
        {screen.heading}
      </XXL>
      <div role="status" aria-live="polite" aria-atomic="true" className="vs-live">
        {screen.notice}
      </div>
      {props.trust && <SenderNotice trust={props.trust} />}
      {screen.body}
    </main>
  );
}

function screenFor({
  state,
  onReveal,
  onRetry,
  onVerify = () => undefined,
  isKeyLost = false,
  now = () => new Date(),
  writeClipboard,
  saveFile,
}: RevealViewProps): Screen {
  const retryButton = (
    <div className="vs-actions">
      <Button onClick={onRetry}>Try again</Button>
    </div>
  );
  switch (state.status) {
    case 'loading':
      return {
        heading: HEADINGS.loading,
        notice: <Paragraph>{MESSAGES.loading}</Paragraph>,
        // The live region already says it is loading; the spinner is decoration.
        body: (
          <div aria-hidden="true">
            <Spinner size="48" />
          </div>
        ),
      };
    case 'incomplete':
      return {
        heading: HEADINGS.incomplete,
        notice: <StateNotice type="warning">{isKeyLost ? MESSAGES.keyLost : MESSAGES.incomplete}</StateNotice>,
      };
    case 'verify':
    case 'verifying': {
      const problem = state.status === 'verify' ? state.problem : undefined;
      return {
        heading: state.status === 'verify' ? HEADINGS.verify : HEADINGS.verifying,
        notice: problem ? verifyNotice(problem) : undefined,
        body: (
          <>
            <SecretSummary metadata={state.metadata} now={now()} />
            <VerifyPrompt methods={state.metadata.verifyMethods ?? []} isVerifying={state.status === 'verifying'} onVerify={onVerify} />
          </>
        ),
      };
    }
    case 'gone':
      return { heading: HEADINGS.gone, notice: <StateNotice type="info">{MESSAGES.gone}</StateNotice> };
    case 'withdrawn':
      return { heading: HEADINGS.withdrawn, notice: <StateNotice type="info">{WITHDRAWN_MESSAGES[state.reason]}</StateNotice> };
    case 'wrong-key':
      return { heading: HEADINGS.wrongKey, notice: <StateNotice type="error">{MESSAGES.wrongKey}</StateNotice> };
    case 'error':
      return state.reason === 'decrypt'
        ? { heading: HEADINGS.decrypt, notice: <StateNotice type="error">{MESSAGES.decrypt}</StateNotice> }
        : { heading: HEADINGS.unexpected, notice: <StateNotice type="error">{MESSAGES.unexpected}</StateNotice> };
    case 'unreachable':
      return {
        heading: HEADINGS.unreachable,
        notice: <StateNotice type="error">{MESSAGES.unreachable}</StateNotice>,
        body: retryButton,
      };
    case 'throttled': {
      const message = throttledText(state.retryAfterSeconds, state.at);
      if (!state.metadata) {
        return { heading: HEADINGS.throttled, notice: <StateNotice type="warning">{message}</StateNotice>, body: retryButton };
      }
      return formScreen(state.metadata, now(), onReveal, {
        notice: (
          <StateNotice type="warning" title={HEADINGS.throttled}>
            {message}
          </StateNotice>
        ),
      });
    }
    case 'ready':
      return formScreen(state.metadata, now(), onReveal, state.passphraseProblem ? { problem: 'missing' } : {});
    case 'wrong-passphrase':
      return formScreen(state.metadata, now(), onReveal, { problem: 'wrong' });
    case 'revealing':
      return formScreen(state.metadata, now(), onReveal, { isRevealing: true });
    case 'revealed': {
      const { secret, viewsLeft } = state;
      const notice = <StateNotice type="success">{viewsLeft > 0 ? viewsRemainMessage(viewsLeft) : MESSAGES.deleted}</StateNotice>;
      return secret.kind === 'text'
        ? {
            heading: HEADINGS.revealedText,
            notice,
            body: <RevealedText text={secret.text} {...(writeClipboard ? { writeClipboard } : {})} />,
          }
        : {
            heading: HEADINGS.revealedFile,
            notice,
            body: <RevealedFile name={secret.name} type={secret.type} bytes={secret.bytes} {...(saveFile ? { saveFile } : {})} />,
          };
    }
  }
}

function verifyNotice(problem: VerifyProblem): ReactNode {
  switch (problem.kind) {
    case 'grant-refused':
      return <StateNotice type="warning">{MESSAGES.verifyGrantRefused}</StateNotice>;
    case 'throttled':
      return (
        <StateNotice type="warning" title={HEADINGS.throttled}>
          {throttledText(problem.retryAfterSeconds, problem.at)}
        </StateNotice>
      );
    case 'unreachable':
      return <StateNotice type="error">{MESSAGES.verifyUnreachable}</StateNotice>;
    case 'unexpected':
      return <StateNotice type="error">{MESSAGES.verifyUnexpected}</StateNotice>;
  }
}

function throttledText(retryAfterSeconds: number | undefined, at: number): string {
  if (retryAfterSeconds === undefined) return throttledMessage(undefined);
  return throttledMessage(retryAfterSeconds, formatWait(retryAfterSeconds), formatAbsolute(new Date(at + retryAfterSeconds * 1000)));
}

function formScreen(
  metadata: Extract<RevealState, { status: 'ready' }>['metadata'],
  now: Date,
  onReveal: (passphrase: string) => void,
  options: { problem?: 'missing' | 'wrong'; isRevealing?: boolean; notice?: ReactNode },
): Screen {
  return {
    heading: metadata.kind === 'file' ? HEADINGS.readyFile : HEADINGS.readyText,
    notice: options.notice,
    body: (
      <>
        <SecretSummary metadata={metadata} now={now} />
        <RevealForm
          needsPassphrase={metadata.needsPassphrase}
          isRevealing={options.isRevealing ?? false}
          onReveal={onReveal}
          {...(options.problem ? { passphraseProblem: options.problem } : {})}
        />
      </>
    ),
  };
}
