import type { Verification } from '@vouchsafe/contracts';
import { Alert } from '@zendeskgarden/react-notifications';
import { Tag } from '@zendeskgarden/react-tags';
import { MD, SM } from '@zendeskgarden/react-typography';
import { formatCountdown } from '../format';
import { messages } from '../messages';
import * as styles from '../styles';
import type { VerifyView } from '../verify/verification-model';

export interface VerificationResultProps {
  verification: Verification;
  view: VerifyView;
  methodName: string;
  /** Seconds until validUntil, for verified and overridden. */
  secondsValid: number | undefined;
}

/** The sentence for a result, also what the live region announces. */
export function resultSentence(verification: Verification, view: VerifyView, methodName: string, secondsValid: number | undefined): string {
  const time = secondsValid === undefined ? '' : formatCountdown(secondsValid);
  switch (view) {
    case 'verified':
      return messages.verify.verifiedBy(methodName, time);
    case 'expired':
      return messages.verify.verifiedExpired;
    case 'denied': {
      const detail = verification.outcomeDetail;
      if (detail && detail !== 'wrong_code' && (verification.isFraudSuspected || detail === 'reported_fraud'))
        return messages.verify.deniedDetail[detail];
      return verification.isFraudSuspected ? messages.verify.denied : messages.verify.deniedNoFraud;
    }
    case 'timed_out':
      return messages.verify.timedOut;
    case 'failed':
      return messages.verify.failed(verification.reason);
    case 'cancelled':
      return verification.endReason ? messages.verify.ended(messages.verify.endReasons[verification.endReason]) : messages.verify.cancelled;
    case 'override-requested':
      return messages.verify.overrideWaiting;
    case 'overridden':
      return messages.verify.overrideBannerTitle;
    default:
      return '';
  }
}

/**
 * Final states. Only `verified` gets the green badge; an override is a loud warning naming both
 * people, never a pass; a denied push says possible fraud.
 */
export function VerificationResult({ verification, view, methodName, secondsValid }: VerificationResultProps) {
  const sentence = resultSentence(verification, view, methodName, secondsValid);
  const details = (
    <>
      {verification.idpRef && <SM style={styles.muted}>{messages.verify.idpRef(verification.idpRef)}</SM>}
      {verification.receipt && <SM style={styles.muted}>{messages.verify.receipt(verification.receipt)}</SM>}
    </>
  );

  if (view === 'verified') {
    return (
      <div style={styles.column}>
        <div style={styles.row}>
          <Tag hue="green" data-badge="verified">
            {messages.verify.verifiedBadge}
          </Tag>
        </div>
        <MD isBold>
          <span role="timer" aria-live="off" data-countdown="valid">
            {sentence}
          </span>
        </MD>
        {details}
      </div>
    );
  }

  if (view === 'overridden' && verification.override) {
    const { requestedBy, approvedBy, reason } = verification.override;
    return (
      <Alert type="warning" role="alert" data-banner="override" style={styles.block}>
        <Alert.Title>{messages.verify.overrideBannerTitle}</Alert.Title>
        <Alert.Paragraph>
          <span role="timer" aria-live="off" data-countdown="valid">
            {messages.verify.overrideBanner(
              requestedBy,
              approvedBy ?? '?',
              secondsValid === undefined ? undefined : formatCountdown(secondsValid),
            )}
          </span>
        </Alert.Paragraph>
        <Alert.Paragraph>{messages.verify.overrideReason(reason)}</Alert.Paragraph>
      </Alert>
    );
  }

  if (view === 'denied') {
    return (
      <Alert type="error" style={styles.block}>
        <Alert.Title>{sentence}</Alert.Title>
        {details}
      </Alert>
    );
  }

  if (view === 'override-requested' && verification.override) {
    return (
      <div style={styles.column}>
        <MD isBold>{messages.verify.overrideWaiting}</MD>
        <SM>{messages.verify.overrideReason(verification.override.reason)}</SM>
      </div>
    );
  }

  return (
    <div style={styles.column}>
      <MD isBold style={view === 'failed' || view === 'timed_out' ? styles.danger : undefined}>
        {sentence}
      </MD>
      {details}
    </div>
  );
}
