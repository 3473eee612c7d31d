import { useState, type FormEvent } from 'react';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Textarea } from '@zendeskgarden/react-forms';
import { Alert, Well } from '@zendeskgarden/react-notifications';
import { MD, SM } from '@zendeskgarden/react-typography';
import type { FindingSummary } from '../draft/draft-check';
import { draftMessages as m } from '../draft/draft-messages';
import type { DraftGuard } from '../draft/use-draft-guard';
import * as styles from '../styles';
import { CopyLink } from './CopyLink';

const MIN_REASON = 5;

/** What was found: kind and count, with the detector's masked previews only. */
export function FindingList({ summary }: { summary: readonly FindingSummary[] }) {
  return (
    <ul style={styles.plainList} aria-label={m.intro}>
      {summary.map((s) => (
        <li key={s.kind} style={styles.listItem}>
          <SM isBold>{m.finding(s.label, s.count)}</SM>
          <SM style={{ ...styles.muted, ...styles.wrapAnywhere }}>{s.previews.join(', ')}</SM>
        </li>
      ))}
    </ul>
  );
}

/** Issue 12: the reply the desk's save hook held, and the ways on (secret instead, send anyway with a reason, dismiss). */
export function DraftFindingsPanel({ guard, writeClipboard }: { guard: DraftGuard; writeClipboard?: (text: string) => Promise<void> }) {
  const [isAsking, setIsAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const { state } = guard;
  if (state.phase === 'idle') return null;
  if (state.phase === 'unavailable') return <Alert type="warning">{m.failed}</Alert>;
  if (state.phase === 'done') {
    return (
      <Well isRecessed style={styles.confirmation} role="status">
        <MD isBold>{state.message}</MD>
        {state.link !== undefined && <CopyLink link={state.link} isLinkShown writeClipboard={writeClipboard} />}
        <div style={styles.row}>
          <Button size="small" isBasic onClick={guard.dismiss}>
            {m.dismiss}
          </Button>
        </div>
      </Well>
    );
  }

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (trimmed.length < MIN_REASON) return setProblem(m.reasonInvalid);
    const refusal = await guard.sendAnyway(trimmed);
    setProblem(refusal);
    if (refusal === undefined) {
      setReason('');
      setIsAsking(false);
    }
  };

  return (
    <section style={styles.section} aria-labelledby="vouchsafe-held-heading">
      <Alert type="error" role="alert">
        <Alert.Title>
          <span id="vouchsafe-held-heading">{m.heading}</span>
        </Alert.Title>
        <SM>{m.intro}</SM>
        <FindingList summary={state.check.summary} />
      </Alert>
      <div style={styles.column}>
        <SM style={styles.muted}>{m.moveHint}</SM>
        <Button
          isPrimary
          size="small"
          disabled={state.isWorking}
          aria-busy={state.isWorking || undefined}
          onClick={() => void guard.moveToSecret()}
        >
          {m.moveToSecret}
        </Button>
        {!isAsking ? (
          <div style={styles.row}>
            <Button size="small" isDanger disabled={state.isWorking} onClick={() => setIsAsking(true)}>
              {m.sendAnyway}
            </Button>
            <Button size="small" isBasic disabled={state.isWorking} onClick={guard.dismiss}>
              {m.dismiss}
            </Button>
          </div>
        ) : (
          <form style={styles.column} onSubmit={(e) => void submit(e)} noValidate aria-label={m.sendAnyway}>
            <Field>
              <Field.Label>{m.reasonLabel}</Field.Label>
              <Field.Hint>{m.reasonHint}</Field.Hint>
              <Textarea
                value={reason}
                minRows={2}
                maxLength={500}
                required
                aria-required="true"
                disabled={state.isWorking}
                validation={problem ? 'error' : undefined}
                aria-invalid={problem !== undefined || undefined}
                onChange={(e) => setReason(e.target.value)}
              />
              {problem !== undefined && <Field.Message validation="error">{problem}</Field.Message>}
            </Field>
            <div style={styles.row}>
              <Button type="submit" size="small" isDanger isPrimary disabled={state.isWorking}>
                {m.recordAndAllow}
              </Button>
              <Button size="small" isBasic disabled={state.isWorking} onClick={() => setIsAsking(false)}>
                {m.cancel}
              </Button>
            </div>
          </form>
        )}
      </div>
    </section>
  );
}
