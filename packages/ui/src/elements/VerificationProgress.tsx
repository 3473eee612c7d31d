import { useEffect, useRef, useState, type FormEvent } from 'react';
import { END_REASONS, type EndReason, type Verification } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Input, Select } from '@zendeskgarden/react-forms';
import { Dots } from '@zendeskgarden/react-loaders';
import { MD, SM } from '@zendeskgarden/react-typography';
import { formatCountdown } from '../format';
import { messages } from '../messages';
import * as styles from '../styles';

export interface VerificationProgressProps {
  verification: Verification;
  /** The method as the agent knows it ("Okta Verify"). */
  methodName: string;
  /** Seconds until the attempt times out; undefined when the API gave no deadline. */
  secondsLeft: number | undefined;
  isCancelling: boolean;
  isCheckingCode: boolean;
  /** Ends the attempt early; `reason` when the agent chose one (issue 16). */
  onCancel: (reason?: EndReason) => void;
  /** Resolves true when the code reached the API (right or wrong). */
  onCode: (code: string) => Promise<boolean>;
}

const CODE = /^\d{4,10}$/;

/** Started and waiting: what the agent reads to the caller (or types back), the countdown, Cancel. */
export function VerificationProgress(props: VerificationProgressProps) {
  const { verification, methodName, secondsLeft, isCancelling, onCancel } = props;
  const { binding } = verification;
  return (
    <div style={styles.column}>
      {verification.state === 'started' || binding === null ? (
        <MD>
          <Dots aria-hidden="true" />{' '}
          {verification.state === 'started' ? messages.verify.started(methodName) : messages.verify.waitingPush(methodName)}
        </MD>
      ) : binding.kind === 'number_challenge' ? (
        <ReadOut sentence={messages.verify.readNumber(binding.number, methodName)} value={binding.number} />
      ) : binding.kind === 'verified_push' ? (
        <ReadOut sentence={messages.verify.readCode(binding.code)} value={binding.code} />
      ) : binding.kind === 'link' ? (
        <>
          <MD isBold>{messages.verify.linkSent(binding.sentTo)}</MD>
          <SM>{messages.verify.linkHint}</SM>
        </>
      ) : (
        <CodeEntry
          {...props}
          sentTo={binding.sentTo}
          channel={binding.channel}
          attemptsLeft={binding.attemptsLeft}
          source={binding.source}
        />
      )}
      {secondsLeft !== undefined && (
        <SM role="timer" aria-live="off" data-countdown="attempt">
          {messages.verify.timesOutIn(formatCountdown(secondsLeft))}
        </SM>
      )}
      <EndControl isCancelling={isCancelling} onCancel={onCancel} />
    </div>
  );
}

const isEndReason = (value: string): value is EndReason => (END_REASONS as readonly string[]).includes(value);

/** Issue 16: end the attempt early (the call dropped, someone else came on the line…), saying why when the agent can. */
function EndControl({ isCancelling, onCancel }: Pick<VerificationProgressProps, 'isCancelling' | 'onCancel'>) {
  const [reason, setReason] = useState<EndReason | ''>('');
  return (
    <div style={styles.column}>
      <Field>
        <Field.Label isRegular>{messages.verify.endReasonLabel}</Field.Label>
        <Select
          isCompact
          value={reason}
          disabled={isCancelling}
          onChange={(e) => setReason(isEndReason(e.target.value) ? e.target.value : '')}
        >
          <option value="">{messages.verify.endReasonNone}</option>
          {END_REASONS.map((r) => (
            <option key={r} value={r}>
              {messages.verify.endReasons[r]}
            </option>
          ))}
        </Select>
      </Field>
      <div style={styles.row}>
        <Button
          size="small"
          disabled={isCancelling}
          aria-busy={isCancelling || undefined}
          onClick={() => onCancel(reason === '' ? undefined : reason)}
        >
          {messages.verify.cancel}
        </Button>
      </div>
    </div>
  );
}

/** The sentence for the agent, and the number large enough to read out without mistakes. */
function ReadOut({ sentence, value }: { sentence: string; value: string }) {
  return (
    <div>
      <MD isBold>{sentence}</MD>
      <div style={styles.bigCode} aria-hidden="true" data-readout>
        {value}
      </div>
    </div>
  );
}

interface CodeEntryProps extends VerificationProgressProps {
  sentTo: string;
  channel: 'sms' | 'voice';
  attemptsLeft: number;
  source: 'idp' | 'desk' | undefined;
}

function CodeEntry({ sentTo, channel, attemptsLeft, source, isCheckingCode, onCode, verification }: CodeEntryProps) {
  const [code, setCode] = useState('');
  const [isInvalid, setIsInvalid] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const previousAttempts = useRef(attemptsLeft);

  // A wrong code comes back as fewer attempts left: clear the field and stay in it.
  useEffect(() => {
    if (attemptsLeft < previousAttempts.current) {
      setCode('');
      inputRef.current?.focus();
    }
    previousAttempts.current = attemptsLeft;
  }, [attemptsLeft]);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = code.replace(/\s/g, '');
    if (!CODE.test(trimmed)) {
      setIsInvalid(true);
      inputRef.current?.focus();
      return;
    }
    setIsInvalid(false);
    await onCode(trimmed);
  };

  return (
    <form
      style={styles.column}
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-label={messages.verify.codeLabel}
      data-verification-id={verification.id}
    >
      <MD isBold>{messages.verify.codeSent(channel, sentTo)}</MD>
      {source && <SM>{messages.verify.codeSource(source)}</SM>}
      <Field>
        <Field.Label>{messages.verify.codeLabel}</Field.Label>
        <Field.Hint>{messages.verify.codeHint}</Field.Hint>
        <Input
          ref={inputRef}
          inputMode="numeric"
          autoComplete="one-time-code"
          isCompact
          value={code}
          disabled={isCheckingCode}
          validation={isInvalid ? 'error' : undefined}
          aria-invalid={isInvalid || undefined}
          onChange={(e) => setCode(e.target.value)}
        />
        {isInvalid && <Field.Message validation="error">{messages.verify.codeInvalid}</Field.Message>}
      </Field>
      <div style={styles.row}>
        <Button type="submit" size="small" isPrimary disabled={isCheckingCode} aria-busy={isCheckingCode || undefined}>
          {messages.verify.codeSubmit}
        </Button>
        <SM data-attempts-left={attemptsLeft}>{messages.verify.attemptsLeft(attemptsLeft)}</SM>
      </div>
    </form>
  );
}
