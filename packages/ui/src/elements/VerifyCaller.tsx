import { useEffect, useRef, useState } from 'react';
import type { SidebarHost, Verification } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { LG, SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';
import { secondsUntil, useNow } from '../verify/use-now';
import { useVerification, type VerifyApi } from '../verify/use-verification';
import { canRequestOverride, isFinal, isInProgress, methodName, viewOf, type VerifyView } from '../verify/verification-model';
import { FraudFlagBanner } from './FraudFlagBanner';
import { OverrideRequestForm } from './OverrideRequestForm';
import { PendingOverrides } from './PendingOverrides';
import { SupervisorQueue } from './SupervisorQueue';
import { VerificationProgress } from './VerificationProgress';
import { VerificationResult, resultSentence } from './VerificationResult';
import { VerifyMethodPicker } from './VerifyMethodPicker';

export interface VerifyCallerProps {
  api: VerifyApi;
  /** Failures that are not this section's to explain (session gone, API down, refusals). */
  onError: (err: unknown) => void;
  /** Puts a sentence into the sidebar's polite live region. */
  announce: (text: string) => void;
  /** Issue 16: the desk's app-to-app notification, where it has one (Zendesk). */
  host?: Pick<SidebarHost, 'notifyOverrideRequested' | 'onOverrideRequested'>;
}

/**
 * Verify caller: pick a method, start, follow the live state, see the result. The agent can
 * start, cancel, type back a callback code and ask a supervisor for an override; nothing here
 * (or in the API) lets an agent mark a caller verified.
 */
export function VerifyCaller({ api, onError, announce, host }: VerifyCallerProps) {
  const control = useVerification(api, onError);
  const { overview, busy } = control;
  const isSupervisor = overview?.isSupervisor === true;
  const [notices, setNotices] = useState(0);
  // A supervisor's sidebar hears other agents' requests through the desk (Zendesk apps notify) and re-reads the queue.
  useEffect(() => {
    if (!isSupervisor || !host?.onOverrideRequested) return undefined;
    return host.onOverrideRequested(() => {
      setNotices((n) => n + 1);
      announce(messages.verify.queueNotified);
    });
  }, [isSupervisor, host]);
  const current = overview?.current ?? null;
  const isTicking = current !== null && (!isFinal(current) || current.validUntil !== null);
  const now = useNow(isTicking);
  const view: VerifyView = overview === undefined ? (control.isLoadFailed ? 'load-failed' : 'loading') : viewOf(current, now);
  const methods = overview?.methods ?? [];
  const nameOf = (v: Verification): string => methodName(v.method, methods);

  useAnnouncements(view, current, nameOf, announce);

  const secondsValid = secondsUntil(current?.validUntil, now);
  const isPickerShown = overview !== undefined && !isInProgress(current) && view !== 'verified' && view !== 'override-requested';

  return (
    <section style={styles.section} aria-labelledby="vouchsafe-verify-heading" data-verification={view}>
      <LG tag="h2" id="vouchsafe-verify-heading" isBold>
        {messages.verify.heading}
      </LG>
      {overview?.fraudFlag && (
        <FraudFlagBanner
          flag={overview.fraudFlag}
          methodName={methodName(overview.fraudFlag.method, methods)}
          isSupervisor={overview.isSupervisor}
          isAcknowledging={busy === 'acknowledge'}
          onAcknowledge={async (reason) => {
            const isDone = await control.acknowledgeFraudFlag(reason);
            if (isDone) announce(messages.verify.fraudFlagAcknowledged);
            return isDone;
          }}
        />
      )}
      {view === 'loading' && <SM role="status">{messages.verify.loading}</SM>}
      {view === 'load-failed' && (
        <div style={styles.row}>
          <SM role="alert">{messages.verify.loadFailed}</SM>
          <Button size="small" onClick={control.reload}>
            {messages.retry}
          </Button>
        </div>
      )}
      {isInProgress(current) && (
        <VerificationProgress
          verification={current}
          methodName={nameOf(current)}
          secondsLeft={secondsUntil(current.expiresAt, now)}
          isCancelling={busy === 'cancel'}
          isCheckingCode={busy === 'code'}
          onCancel={(reason) => void control.cancel(reason)}
          onCode={control.submitCode}
        />
      )}
      {current !== null && !isInProgress(current) && view !== 'expired' && (
        <VerificationResult verification={current} view={view} methodName={nameOf(current)} secondsValid={secondsValid} />
      )}
      {view === 'expired' && <SM>{messages.verify.verifiedExpired}</SM>}
      {canRequestOverride(current) && (
        <OverrideRequestForm
          isSending={busy === 'override'}
          onRequest={async (reason) => {
            const isRequested = await control.requestOverride(reason);
            // Best effort: the request is recorded and audited whether or not the desk passes the word on.
            if (isRequested) void host?.notifyOverrideRequested?.().catch(() => undefined);
            return isRequested;
          }}
        />
      )}
      {control.limitMessage !== undefined && (
        <SM role="alert" isBold style={styles.danger} data-limit>
          {control.limitMessage}
        </SM>
      )}
      {isPickerShown && (
        <VerifyMethodPicker
          methods={methods}
          isStarting={busy === 'start'}
          startLabel={current === null ? messages.verify.start : messages.verify.verifyAgain}
          onStart={(method) => void control.start(method)}
        />
      )}
      {current?.override?.state === 'declined' && (
        <SM isBold style={styles.danger} data-override-declined>
          {messages.verify.overrideDeclined(current.override.declinedBy ?? '', current.override.declineReason ?? '')}
        </SM>
      )}
      {overview?.isSupervisor && (
        <PendingOverrides
          overrides={overview.pendingOverrides}
          methodName={nameOf}
          isBusy={busy === 'approve' || busy === 'decline'}
          onApprove={(v) => {
            void control.approve(v).then((isApproved) => {
              if (isApproved) announce(messages.verify.approved(v.override?.requestedBy ?? v.agentLabel));
            });
          }}
          onDecline={async (v, reason) => {
            const isDeclined = await control.decline(v, reason);
            if (isDeclined) announce(messages.verify.declined(v.override?.requestedBy ?? v.agentLabel));
            return isDeclined;
          }}
        />
      )}
      {overview?.isSupervisor && (
        <SupervisorQueue api={api} methodName={nameOf} refreshKey={`${overview.pendingOverrides.map((p) => p.id).join(',')}#${notices}`} />
      )}
    </section>
  );
}

/** Announces each change of what the section shows (not the countdown's ticks). */
function useAnnouncements(
  view: VerifyView,
  current: Verification | null,
  nameOf: (v: Verification) => string,
  announce: (text: string) => void,
): void {
  const previous = useRef<string | undefined>(undefined);
  const binding = current?.binding;
  const bindingKey = binding ? JSON.stringify(binding) : '';
  useEffect(() => {
    const key = `${current?.id ?? ''}:${view}:${bindingKey}`;
    if (previous.current === undefined || view === 'loading') {
      previous.current = key;
      return;
    }
    if (previous.current === key) return;
    previous.current = key;
    if (!current) return;
    announce(spoken(view, current, nameOf(current)));
    // nameOf and announce are read at change time only.
  }, [view, current?.id, bindingKey]);
}

function spoken(view: VerifyView, current: Verification, name: string): string {
  const { binding } = current;
  if (view === 'started') return messages.verify.started(name);
  if (view === 'waiting') {
    if (binding?.kind === 'number_challenge') return messages.verify.readNumber(binding.number, name);
    if (binding?.kind === 'verified_push') return messages.verify.readCode(binding.code);
    if (binding?.kind === 'link') return messages.verify.linkSent(binding.sentTo);
    if (binding?.kind === 'callback_code')
      return `${messages.verify.codeSent(binding.channel, binding.sentTo)} ${messages.verify.attemptsLeft(binding.attemptsLeft)}`;
    return messages.verify.waitingPush(name);
  }
  if (view === 'verified') return `${messages.verify.verifiedBadge}: ${name}`;
  return resultSentence(current, view, name, undefined);
}
