import { useState, type FormEvent } from 'react';
import type { FraudFlag } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Textarea } from '@zendeskgarden/react-forms';
import { Alert } from '@zendeskgarden/react-notifications';
import { messages } from '../messages';
import * as styles from '../styles';

export interface FraudFlagBannerProps {
  flag: FraudFlag;
  /** The method's name as the agent knows it. */
  methodName: string;
  /**
   * Supervisors get the acknowledgement form, unless a flag was raised on their own attempt (then they are told that
   * another supervisor must acknowledge it). The API still decides.
   */
  isSupervisor: boolean;
  isAcknowledging: boolean;
  /** Resolves true when the flag was acknowledged. */
  onAcknowledge: (reason: string) => Promise<boolean>;
}

const MIN_REASON = 10;

/**
 * Issue 16: the ticket's fraud flag, red, for every agent on the ticket, whatever later attempts did, until a
 * supervisor acknowledges it with a reason (audited, a note).
 */
export function FraudFlagBanner({ flag, methodName, isSupervisor, isAcknowledging, onAcknowledge }: FraudFlagBannerProps) {
  const [reason, setReason] = useState('');
  const [isInvalid, setIsInvalid] = useState(false);
  const time = new Date(flag.raisedAt).toISOString().slice(11, 16) + ' UTC';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < MIN_REASON) {
      setIsInvalid(true);
      return;
    }
    setIsInvalid(false);
    if (await onAcknowledge(trimmed)) setReason('');
  };

  return (
    <Alert type="error" role="alert" data-banner="fraud-flag" style={styles.block}>
      <Alert.Title>{messages.verify.fraudFlagTitle}</Alert.Title>
      <Alert.Paragraph>
        {flag.kind === 'reported_fraud' ? messages.verify.fraudFlagReported : messages.verify.fraudFlagPossible}{' '}
        {messages.verify.fraudFlagRaised(flag.agentLabel, methodName, time)}
        {flag.openCount > 1 ? ` ${messages.verify.fraudFlagMore(flag.openCount)}` : ''} {messages.verify.fraudFlagStays}
      </Alert.Paragraph>
      {isSupervisor && flag.raisedOnOwnAttempt === true && (
        <Alert.Paragraph data-hint="fraud-flag-not-yours">{messages.verify.fraudFlagNotYours}</Alert.Paragraph>
      )}
      {isSupervisor && flag.raisedOnOwnAttempt !== true && (
        <form style={styles.column} onSubmit={(e) => void submit(e)} noValidate aria-label={messages.verify.fraudFlagAck}>
          <Field>
            <Field.Label>{messages.verify.fraudFlagAckLabel}</Field.Label>
            <Field.Hint>{messages.verify.fraudFlagAckHint}</Field.Hint>
            <Textarea
              value={reason}
              minRows={2}
              maxLength={500}
              required
              aria-required="true"
              disabled={isAcknowledging}
              validation={isInvalid ? 'error' : undefined}
              aria-invalid={isInvalid || undefined}
              onChange={(e) => setReason(e.target.value)}
            />
            {isInvalid && <Field.Message validation="error">{messages.verify.fraudFlagAckInvalid}</Field.Message>}
          </Field>
          <div style={styles.row}>
            <Button type="submit" size="small" isDanger disabled={isAcknowledging} aria-busy={isAcknowledging || undefined}>
              {messages.verify.fraudFlagAck}
            </Button>
          </div>
        </form>
      )}
    </Alert>
  );
}
