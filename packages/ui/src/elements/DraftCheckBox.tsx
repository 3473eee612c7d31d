import { useState } from 'react';
import { DESK_LABELS, EXPIRY_PRESETS, type SidebarApi, type SidebarHost } from '@vouchsafe/contracts';
import { Button } from '@zendeskgarden/react-buttons';
import { Field, Textarea } from '@zendeskgarden/react-forms';
import { LG, MD, SM } from '@zendeskgarden/react-typography';
import type * as DraftCheckLib from '../draft/draft-check';
import type { DraftCheck } from '../draft/draft-check';
import { draftMessages as m } from '../draft/draft-messages';
import { formatExpiry } from '../format';
import { messages } from '../messages';
import { storeSecret, type SentSecret } from '../send/send-secret';
import * as styles from '../styles';
import { FindingList } from './DraftFindingsPanel';

export interface DraftCheckBoxProps {
  host: SidebarHost;
  api: SidebarApi;
  onSent: (secret: Omit<SentSecret, 'delivery'>) => void;
  onError: (err: unknown) => void;
}

type Result = { state: 'none' } | { state: 'checked'; text: string; check: DraftCheck } | { state: 'moved'; reply: string };

/**
 * Issue 12, for desks that offer no save hook (ServiceNow workspace, Jira: packages/host/NOTES.md): the agent pastes
 * the reply here; it is checked in the browser (nothing is sent for the check) and can go out as a one-time secret,
 * with the rewritten reply to copy back. Behind a button, so it costs the sidebar one line until it is wanted.
 */
export function DraftCheckBox({ host, api, onSent, onError }: DraftCheckBoxProps) {
  const [isOpen, setIsOpen] = useState(false);
  const [text, setText] = useState('');
  const [result, setResult] = useState<Result>({ state: 'none' });
  const [isWorking, setIsWorking] = useState(false);

  if (!isOpen) {
    return (
      <div style={styles.row}>
        <Button size="small" isBasic onClick={() => setIsOpen(true)}>
          {m.checkHeading}
        </Button>
      </div>
    );
  }

  // The detector is loaded when the agent checks, not with the sidebar (packages/detector/NOTES.md, browser support).
  const lib = (): Promise<typeof DraftCheckLib> => import('../draft/draft-check');

  const check = async (): Promise<void> => {
    try {
      setResult({ state: 'checked', text, check: (await lib()).checkDraft(text) });
    } catch {
      onError(new Error(m.failed));
    }
  };

  const move = async (): Promise<void> => {
    if (result.state !== 'checked') return;
    setIsWorking(true);
    try {
      const split = (await lib()).splitDraft(result.text, result.check.findings);
      const secret = await storeSecret(api, {
        payload: { kind: 'text', text: split.secretText },
        ttlSeconds: EXPIRY_PRESETS[2].seconds,
        views: 1,
        passphrase: '',
      });
      onSent(secret);
      setResult({
        state: 'moved',
        reply: split.replyWith(messages.replyText(secret.link, formatExpiry(secret.expiresAt), secret.views, false)),
      });
      setText('');
    } catch (err) {
      onError(err);
    } finally {
      setIsWorking(false);
    }
  };

  return (
    <section style={styles.section} aria-labelledby="vouchsafe-check-heading">
      <LG tag="h2" id="vouchsafe-check-heading" isBold>
        {m.checkHeading}
      </LG>
      <SM style={styles.muted}>{m.checkNoHook(DESK_LABELS[host.desk])}</SM>
      <Field>
        <Field.Label>{m.checkLabel}</Field.Label>
        <Field.Hint>{m.checkHint}</Field.Hint>
        <Textarea value={text} minRows={3} onChange={(e) => setText(e.target.value)} />
      </Field>
      <div style={styles.row}>
        <Button size="small" disabled={text.trim() === ''} onClick={() => void check()}>
          {m.check}
        </Button>
      </div>
      <div role="status">
        {result.state === 'checked' && result.check.findings.length === 0 && <MD>{m.checkClean}</MD>}
        {result.state === 'checked' && result.check.findings.length > 0 && (
          <div style={styles.column}>
            <SM>{m.intro}</SM>
            <FindingList summary={result.check.summary} />
            <Button isPrimary size="small" disabled={isWorking} aria-busy={isWorking || undefined} onClick={() => void move()}>
              {m.moveToSecret}
            </Button>
          </div>
        )}
        {result.state === 'moved' && (
          <Field>
            <Field.Label>{m.checkResult}</Field.Label>
            <Textarea value={result.reply} readOnly minRows={3} onFocus={(e) => e.target.select()} />
          </Field>
        )}
      </div>
    </section>
  );
}
