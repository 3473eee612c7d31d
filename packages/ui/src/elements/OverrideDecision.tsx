import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Verification } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Textarea } from '@zendeskgarden/react-forms';
import { MD, SM } from '@zendeskgarden/react-typography';
import { messages } from '../messages';
import * as styles from '../styles';

export interface OverrideDecisionProps {
  verification: Verification;
  methodName: string;
  isBusy: boolean;
  onApprove: () => void;
  /** Resolves true when the decline was accepted. */
  onDecline: (reason: string) => Promise<boolean>;
}

const MIN_DECLINE_REASON = 5;

/**
 * Issue 16: a supervisor's decision on one request. Approving is never one click: "Review and approve…" opens a
 * confirmation that shows what is being approved (agent, ticket, requester masked, the agent's reason, the last
 * attempt and the fraud flag). Declining asks why.
 */
export function OverrideDecision({ verification: v, methodName, isBusy, onApprove, onDecline }: OverrideDecisionProps) {
  const [mode, setMode] = useState<'closed' | 'confirm' | 'decline'>('closed');
  const [reason, setReason] = useState('');
  const [isInvalid, setIsInvalid] = useState(false);
  const focusRef = useRef<HTMLElement | null>(null);
  const agent = v.override?.requestedBy ?? v.agentLabel;

  useEffect(() => {
    focusRef.current?.focus();
  }, [mode]);

  if (mode === 'closed') {
    return (
      <div style={styles.row}>
        <Button
          ref={(el) => void (focusRef.current = el)}
          size="small"
          isDanger
          disabled={isBusy}
          aria-label={messages.verify.approveReviewName(agent)}
          onClick={() => setMode('confirm')}
        >
          {messages.verify.approveReview}
        </Button>
        <Button size="small" disabled={isBusy} aria-label={messages.verify.declineName(agent)} onClick={() => setMode('decline')}>
          {messages.verify.decline}
        </Button>
      </div>
    );
  }

  if (mode === 'confirm') {
    const headingId = `vouchsafe-confirm-${v.id}`;
    return (
      <div role="group" aria-labelledby={headingId} style={styles.column} data-override-confirm={v.id}>
        <MD tag="h4" id={headingId} isBold ref={(el: HTMLElement | null) => void (focusRef.current = el)} tabIndex={-1}>
          {messages.verify.confirmHeading}
        </MD>
        {v.isFraudSuspected && (
          <SM isBold style={styles.danger} data-fraud-flag>
            {messages.verify.confirmFraud}
          </SM>
        )}
        <SM>{messages.verify.confirmIntro}</SM>
        <dl style={styles.summaryList}>
          <dt style={styles.summaryTerm}>{messages.verify.confirmAgent}</dt>
          <dd style={styles.summaryValue}>{agent}</dd>
          <dt style={styles.summaryTerm}>{messages.verify.confirmTicket}</dt>
          <dd style={styles.summaryValue}>{messages.verify.thisTicket}</dd>
          <dt style={styles.summaryTerm}>{messages.verify.confirmRequester}</dt>
          <dd style={styles.summaryValue}>{v.requesterLabel}</dd>
          <dt style={styles.summaryTerm}>{messages.verify.confirmMethod}</dt>
          <dd style={styles.summaryValue}>
            {`${methodName}: ${messages.verify.stateWords[v.state]}`}
            {v.reason ? ` — ${v.reason}` : ''}
          </dd>
          <dt style={styles.summaryTerm}>{messages.verify.confirmReason}</dt>
          <dd style={styles.summaryValue}>{v.override?.reason ?? ''}</dd>
        </dl>
        <div style={styles.row}>
          <Button size="small" isDanger isPrimary disabled={isBusy} aria-busy={isBusy || undefined} onClick={onApprove}>
            {messages.verify.confirmApprove}
          </Button>
          <Button size="small" isBasic disabled={isBusy} onClick={() => setMode('closed')}>
            {messages.verify.confirmBack}
          </Button>
        </div>
      </div>
    );
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < MIN_DECLINE_REASON) {
      setIsInvalid(true);
      focusRef.current?.focus();
      return;
    }
    setIsInvalid(false);
    if (await onDecline(trimmed)) setReason('');
  };

  return (
    <form style={styles.column} onSubmit={(e) => void submit(e)} noValidate aria-label={messages.verify.declineFormName}>
      <Field>
        <Field.Label>{messages.verify.declineReasonLabel}</Field.Label>
        <Field.Hint>{messages.verify.declineReasonHint}</Field.Hint>
        <Textarea
          ref={(el) => void (focusRef.current = el)}
          value={reason}
          minRows={2}
          maxLength={500}
          required
          aria-required="true"
          disabled={isBusy}
          validation={isInvalid ? 'error' : undefined}
          aria-invalid={isInvalid || undefined}
          onChange={(e) => setReason(e.target.value)}
        />
        {isInvalid && <Field.Message validation="error">{messages.verify.declineReasonInvalid}</Field.Message>}
      </Field>
      <div style={styles.row}>
        <Button type="submit" size="small" isPrimary disabled={isBusy} aria-busy={isBusy || undefined}>
          {messages.verify.declineSend}
        </Button>
        <Button size="small" isBasic disabled={isBusy} onClick={() => setMode('closed')}>
          {messages.verify.confirmBack}
        </Button>
      </div>
    </form>
  );
}
