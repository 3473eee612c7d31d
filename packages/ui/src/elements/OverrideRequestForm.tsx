import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Textarea } from '@zendeskgarden/react-forms';
import { messages } from '../messages';
import * as styles from '../styles';

export interface OverrideRequestFormProps {
  isSending: boolean;
  /** Resolves true when the request was accepted. */
  onRequest: (reason: string) => Promise<boolean>;
}

const MIN_REASON = 10;

/** Behind a button: asking for an exception must be a deliberate act with a written reason. */
export function OverrideRequestForm({ isSending, onRequest }: OverrideRequestFormProps) {
  const [isOpen, setIsOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [isInvalid, setIsInvalid] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (isOpen) reasonRef.current?.focus();
    else if (wasOpen.current) openRef.current?.focus();
    wasOpen.current = isOpen;
  }, [isOpen]);

  if (!isOpen) {
    return (
      <div style={styles.row}>
        <Button ref={openRef} size="small" isDanger onClick={() => setIsOpen(true)}>
          {messages.verify.overrideRequest}
        </Button>
      </div>
    );
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < MIN_REASON) {
      setIsInvalid(true);
      reasonRef.current?.focus();
      return;
    }
    setIsInvalid(false);
    if (await onRequest(trimmed)) setReason('');
  };

  return (
    <form style={styles.column} onSubmit={(e) => void submit(e)} noValidate aria-label={messages.verify.overrideFormName}>
      <Field>
        <Field.Label>{messages.verify.overrideReasonLabel}</Field.Label>
        <Field.Hint>{messages.verify.overrideReasonHint}</Field.Hint>
        <Textarea
          ref={reasonRef}
          value={reason}
          minRows={2}
          maxLength={500}
          required
          aria-required="true"
          disabled={isSending}
          validation={isInvalid ? 'error' : undefined}
          aria-invalid={isInvalid || undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {isInvalid && <Field.Message validation="error">{messages.verify.overrideReasonInvalid}</Field.Message>}
      </Field>
      <div style={styles.row}>
        <Button type="submit" size="small" isDanger isPrimary disabled={isSending} aria-busy={isSending || undefined}>
          {messages.verify.overrideSend}
        </Button>
        <Button size="small" isBasic disabled={isSending} onClick={() => setIsOpen(false)}>
          {messages.verify.overrideCancel}
        </Button>
      </div>
    </form>
  );
}
